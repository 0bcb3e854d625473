import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { evidenceDir, readEvidence } from './evidence.ts';
import { Ledger, LedgerCorruptError } from './ledger.ts';
import { ledgerStatusLines } from './ledger-report.ts';
import { RunLockedError, acquireRunLock } from './run-lock.ts';
import { loadDotenvForLive } from './load-env.ts';
import { newRoundId, roundAt, type Round } from './round.ts';
import { ConfigError, parseRunConfig } from './run-config.ts';
import { writeSummary } from './summary.ts';
import { complain, say } from './terminal.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    round: Round;
  }
}

/**
 * Before any test: read and check the run's configuration (a bad one fails the run before any request), open the
 * round, and start the Allure results afresh. After the last test: the round summary.
 */
export default function setup(project: TestProject): () => void {
  const ignored = loadDotenvForLive();
  if (ignored.length > 0) complain(`note: .env sets ${ignored.join(', ')}; ignored: approval is given on the command line of each run`);
  let config;
  try {
    config = parseRunConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) complain(`✗ ${problem}`);
      throw new Error(`the run is refused before any request: ${error.problems[0] ?? ''}`);
    }
    throw error;
  }
  const round = roundAt(config.reportsDir, process.env.ROUND_ID ?? newRoundId(config.mode));
  let release: () => void = () => undefined;
  if (config.ledgerFile !== undefined) {
    try {
      // Read it whole now: a corrupt ledger stops the run here, before any request, naming the line.
      const ledger = new Ledger(config.ledgerFile);
      ledger.entries();
      const lock = acquireRunLock(config.ledgerFile, round.id);
      if (lock.clearedStale) {
        complain(
          `note: cleared a stale lock of pid ${lock.clearedStale.pid} (round ${lock.clearedStale.round}); its pending creates will be resumed`,
        );
      }
      release = lock.release;
      say(ledgerStatusLines(ledger).join('\n'));
    } catch (error) {
      if (error instanceof LedgerCorruptError || error instanceof RunLockedError) {
        complain(`✗ ${error.message}`);
        throw new Error(`the run is refused before any request: ${error.message}`);
      }
      throw error;
    }
  }
  // Said before any create: where this run's requests go, and whether they are billed.
  if (config.mode === 'live')
    say(`Target: ${config.baseUrl} (live: every create is billable; approved rows ${config.approved.join(', ')})`);
  if (config.mode === 'rehearse') say(`Target: ${config.baseUrl} (rehearsal against the sandbox on loopback; nothing is billed)`);
  project.provide('round', round);
  rmSync(join(config.reportsDir, 'allure-results'), { recursive: true, force: true });

  return () => {
    release();
    const dir = evidenceDir(config.reportsDir, round);
    const evidence = readEvidence(dir);
    if (evidence.length === 0) return;
    const ledgerLines = config.ledgerFile === undefined ? [] : ledgerStatusLines(new Ledger(config.ledgerFile));
    const file = writeSummary(dir, round, evidence, ledgerLines);
    say(`\nRound ${round.id}: ${evidence.length} row(s); summary at ${file}`);
  };
}
