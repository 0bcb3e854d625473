import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { conclusionsFromLedger } from '../evidence/end-state.ts';
import { evidenceDir, readEvidence } from '../evidence/evidence.ts';
import { attachToRound } from '../evidence/evidence-sink.ts';
import { Ledger, LedgerCorruptError } from '../ledger/ledger.ts';
import { closedRows, ledgerStatusLines } from '../ledger/ledger-report.ts';
import { loadDotenvForLive } from '../config/load-env.ts';
import { describeChanges, digestsOf } from '../cassettes/recording-changes.ts';
import { AccountRefusal, openRoundAccount, type RoundAccount } from '../account/round-account.ts';
import { newRoundId, roundAt, roundResultsDir, type Round } from '../evidence/round.ts';
import { ConfigError, parseRunConfig, type RunConfig } from '../config/run-config.ts';
import { RunLockedError, acquireRunLock } from '../ledger/run-lock.ts';
import { writeJsonFile } from '../sinks/scrubbed-files.ts';
import { roundEndState, spendStatement, writeSummary } from '../evidence/summary.ts';
import { headlineOf, rowAnswers, writeRoundAnswer } from '../evidence/round-answer.ts';
import { loadRegistry, RegistryError, type Registry } from '../rows/registry.ts';
import { writeAllureEnvironment } from './allure-options.ts';
import { ROWS_PROJECT } from './rows-project.ts';
import { complain, say, sayLines } from '../sinks/terminal.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    round: Round;
    /** The run's configuration, derived here once; every row reads this one. */
    config: RunConfig;
  }
}

/** Exit code of a run refused before any request (a row that ran and failed exits 1, as vitest does). */
const REFUSED_EXIT = 2;

/**
 * The run stops here, before any request: each problem one line on stderr, then the process ends. Throwing
 * instead would have vitest add "No test files found", a project listing and a stack trace through its own code,
 * none of which is the problem.
 */
function refuse(problems: readonly string[]): never {
  for (const problem of problems) complain(`✗ ${problem}`);
  process.exit(REFUSED_EXIT);
}

async function readConfig(): Promise<{ config: RunConfig; registry: Registry }> {
  const ignored = loadDotenvForLive();
  if (ignored.length > 0) complain(`note: .env sets ${ignored.join(', ')}; ignored: approval is given on the command line of each run`);
  try {
    const registry = await loadRegistry();
    return { config: parseRunConfig(process.env, registry), registry };
  } catch (error) {
    if (error instanceof ConfigError) refuse(error.problems);
    if (error instanceof RegistryError) refuse([error.message]);
    throw error;
  }
}

/** Read the ledger whole (a corrupt one stops the run here, naming the line) and take its lock. */
function openLedger(file: string, round: Round): { ledger: Ledger; release: () => void } {
  try {
    const ledger = new Ledger(file);
    ledger.entries();
    const lock = acquireRunLock(file, round.id);
    if (lock.clearedStale) {
      complain(
        `note: cleared a stale lock of pid ${lock.clearedStale.pid} (round ${lock.clearedStale.round}); its pending creates will be resumed`,
      );
    }
    return { ledger, release: lock.release };
  } catch (error) {
    if (error instanceof LedgerCorruptError || error instanceof RunLockedError) refuse([error.message]);
    throw error;
  }
}

/** Said before any create: where this run's requests go, and what they cost. */
function targetLine(config: RunConfig): string {
  const rows = `approved rows ${config.approved.join(', ')}`;
  switch (config.target.kind) {
    case 'kling':
      return `Target: ${config.baseUrl} (Kling: every create is billable; ${rows})`;
    case 'custom-host':
      return `Target: ${config.baseUrl} (not a Kling host: creates may still be billed by whatever answers there; recorded as custom-host in ${config.recordingsDir}, never as live; ${rows})`;
    default:
      return `Target: ${config.baseUrl} (rehearsal against the sandbox on loopback; nothing is billed)`;
  }
}

/**
 * Before any test: read and check the run's configuration, open the round, take the ledger, say where the run
 * goes, and check the account (a bad key or no pack that can pay stops it at zero creates). After the last
 * test: the account again, the round summary, and which recordings the run changed.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { config, registry } = await readConfig();
  const round = roundAt(config.reportsDir, config.roundId ?? newRoundId(config.mode));
  if (project.name !== ROWS_PROJECT) {
    // Another project with the matrix's setup (the benchmark's floor): the same configuration, and no round of
    // its own: a second round opened in the same second would share the first's folders and say its summary again.
    project.provide('round', round);
    project.provide('config', config);
    return () => Promise.resolve();
  }
  const opened = config.ledgerFile === undefined ? undefined : openLedger(config.ledgerFile, round);
  if (opened) sayLines(ledgerStatusLines(opened.ledger, registry));
  let account: RoundAccount | undefined;
  if (opened && config.mode !== 'replay') {
    say(targetLine(config));
    try {
      account = await openRoundAccount(config, opened.ledger, round);
    } catch (error) {
      opened.release();
      if (error instanceof AccountRefusal) refuse([error.message]);
      throw error;
    }
    sayLines(['Account before the round:', ...account.lines.map((l) => `  ${l}`)]);
  }
  const recordingsBefore = config.mode === 'replay' ? undefined : digestsOf(config.recordingsDir);
  project.provide('round', round);
  project.provide('config', config);
  const resultsDir = roundResultsDir(round);
  rmSync(resultsDir, { recursive: true, force: true });
  writeAllureEnvironment(resultsDir, config, registry);

  const rankOf = (id: string) => registry.rows.findIndex((r) => r.id === id);
  return async () => {
    const dir = evidenceDir(config.reportsDir, round);
    const after = account ? await account.after() : undefined;
    opened?.release();
    const evidence = readEvidence(dir).sort((a, b) => rankOf(a.row) - rankOf(b.row));
    const accountLines = account && after ? { before: account.lines, after } : undefined;
    if (account && accountLines) {
      writeJsonFile(join(dir, 'account.json'), { before: account.before, beforeLines: account.lines, afterLines: accountLines.after });
      sayLines(['Account after the round (remaining quantities lag by up to 12 hours):', ...accountLines.after.map((l) => `  ${l}`)]);
    }
    if (recordingsBefore) say(describeChanges(config.recordingsDir, recordingsBefore, digestsOf(config.recordingsDir)));
    const ledger = opened?.ledger;
    // Read once: the end state and the closed rows are about the same entries.
    const entries = ledger?.entries();
    const extras = {
      decisive: registry.decisiveRows,
      policyRows: registry.rows.filter((r) => r.decidesEndState === true),
      ...(ledger
        ? { conclusions: conclusionsFromLedger(ledger, registry.decisiveRows, entries), ledgerLines: ledgerStatusLines(ledger, registry) }
        : {}),
      ...(accountLines ? { account: accountLines } : {}),
    };
    const endState = roundEndState(evidence, extras);
    writeRoundAnswer(round, {
      round: round.id,
      mode: config.mode,
      finishedAt: new Date().toISOString(),
      rowsRun: evidence.length,
      headline: headlineOf(endState),
      endState,
      spend: spendStatement(evidence),
      account: accountLines,
      rows: rowAnswers(evidence),
      closed: ledger && entries ? closedRows(ledger, registry, entries) : undefined,
    });
    if (evidence.length === 0) {
      say(`Round ${round.id}: no row ran (each row above says why); nothing to report`);
      return;
    }
    const file = writeSummary(dir, round, evidence, extras);
    attachToRound(resultsDir, [
      { name: `Round ${round.id}: summary`, content: readFileSync(file, 'utf8'), contentType: 'text/markdown' },
      ...(accountLines
        ? [
            {
              name: 'Account before and after the round',
              content: JSON.stringify(accountLines, null, 2),
              contentType: 'application/json' as const,
            },
          ]
        : []),
    ]);
    say(`Round ${round.id}: ${evidence.length} row(s); summary at ${file}`);
  };
}
