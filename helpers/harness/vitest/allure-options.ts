import { ageText } from '../evidence/evidence-age.ts';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { stringifyEnvInfo } from 'allure-js-commons/sdk/reporter';
import { FAILURE_CLASSES } from '../../kling/classifier.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { RoundAnswer } from '../evidence/round-answer.ts';
import { Ledger } from '../ledger/ledger.ts';
import { ledgerOneLine } from '../ledger/ledger-report.ts';
import type { Registry } from '../rows/registry.ts';
import { CLASS_LABEL } from '../rows/row-report.ts';
import { readJsonFile } from '../sinks/json-file.ts';
import { writeTextFile } from '../sinks/scrubbed-files.ts';

/**
 * What the report shows beside the rows. Its first screen is the round's answer: the title carries the end state's
 * headline, and the Variables panel the end state, the spend, the account and each row's answer (from the round's
 * answer.json). The Metadata panel is the run's environment (target, mode, ledger at the start, versions), written
 * by the global setup from the configuration the run uses, so the report cannot name another host or ledger.
 * Categories are the failure classes: each row carries its class as a label, which is what they match.
 */

const require = createRequire(import.meta.url);
const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
const harnessVersion = () =>
  readJsonFile(fileURLToPath(new URL('../../../package.json', import.meta.url)), z.object({ version: z.string() })).version;

export function allureEnvironment(config: RunConfig, registry: Registry): Record<string, string> {
  const target = config.mode === 'replay' ? 'none (replay from recordings)' : `${config.target.host} (${config.target.kind})`;
  const ledger =
    config.ledgerFile === undefined
      ? 'none (replay spends nothing)'
      : `${config.ledgerFile} at the start of the run: ${ledgerOneLine(new Ledger(config.ledgerFile), registry)}`;
  return {
    mode: config.mode,
    target,
    ledger,
    rows: registry.ids.join(', '),
    node: process.version,
    harness: harnessVersion(),
    vitest: version('vitest'),
    '@pollyjs/core': version('@pollyjs/core'),
  };
}

/** environment.properties (the Metadata panel), through the scrubbed writer like every other file. */
export function writeAllureEnvironment(resultsDir: string, config: RunConfig, registry: Registry): void {
  writeTextFile(join(resultsDir, 'environment.properties'), stringifyEnvInfo(allureEnvironment(config, registry)));
}

const HARNESS_ERROR = 'harness-error';

/**
 * One category per failure class, then "harness error": a row classified harness-error, or one that broke (an
 * exception of the harness's own rather than an answer).
 */
export const allureCategories = [
  ...FAILURE_CLASSES.filter((name) => name !== HARNESS_ERROR).map((name) => ({
    name,
    matchers: { statuses: ['failed', 'broken'], labels: { [CLASS_LABEL]: `^${name}$` } },
  })),
  { name: 'harness error', matchers: [{ labels: { [CLASS_LABEL]: `^${HARNESS_ERROR}$` } }, { statuses: ['broken'] }] },
];

/**
 * The report's first panel: the round's answer, each value short enough to read in its box (the viewer cuts
 * long ones); the whole end state and every unknown task are in "why" and in the summary attached to the round.
 */
export function answerVariables(answer: RoundAnswer): Record<string, string> {
  return {
    'end state': answer.headline,
    [answer.spend.label]: answer.spend.figure,
    ...Object.fromEntries(answer.rows.map((r) => [`row ${r.row}`, r.line])),
    ...(answer.closed
      ? { 'closed rows': answer.closed.map((c) => `${c.row} by task ${c.taskId} (${c.on}, ${ageText(c.on)})`).join('; ') || 'none yet' }
      : {}),
    ...(answer.account ? { 'account before': answer.account.before[0] ?? '', 'account after': answer.account.after[0] ?? '' } : {}),
    why: answer.endState,
    spend: answer.spend.line,
    round: `${answer.round} (${answer.mode}, finished ${answer.finishedAt})`,
  };
}

export function reportTitle(answer: RoundAnswer): string {
  const what = answer.mode === 'rehearse' ? ' (sandbox rehearsal)' : answer.mode === 'replay' ? ' (replay)' : '';
  return `Round ${answer.round}${what}: ${answer.headline}`;
}

/** The Allure config a round's report is built with (allurerc.json): title, variables, categories. */
export function allureReportConfig(answer: RoundAnswer): Record<string, unknown> {
  return { name: reportTitle(answer), variables: answerVariables(answer), categories: allureCategories };
}
