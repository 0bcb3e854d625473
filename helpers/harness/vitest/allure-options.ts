import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { stringifyEnvInfo } from 'allure-js-commons/sdk/reporter';
import { FAILURE_CLASSES } from '../../kling/classifier.ts';
import type { RunConfig } from '../config/run-config.ts';
import { Ledger } from '../ledger/ledger.ts';
import { ledgerOneLine } from '../ledger/ledger-report.ts';
import type { Registry } from '../rows/registry.ts';
import { readJsonFile } from '../sinks/json-file.ts';
import { writeJsonFile, writeTextFile } from '../sinks/scrubbed-files.ts';

/**
 * What the report shows beside the rows: the environment panel (target, mode, ledger state, versions) and one
 * category per failure class. A failed row's message starts with its class in brackets, which is what the
 * categories match. Written by the global setup from the configuration the run uses, after it has cleared the
 * results folder, so the report cannot name another host or ledger than the run's.
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

export const allureCategories = FAILURE_CLASSES.map((name) => ({
  name,
  messageRegex: `.*\\[${name}\\].*`,
  matchedStatuses: ['failed', 'broken'],
}));

/** environment.properties and categories.json, through the scrubbed writers like every other file. */
export function writeAllureSettings(resultsDir: string, config: RunConfig, registry: Registry): void {
  writeTextFile(join(resultsDir, 'environment.properties'), stringifyEnvInfo(allureEnvironment(config, registry)));
  writeJsonFile(join(resultsDir, 'categories.json'), allureCategories);
}
