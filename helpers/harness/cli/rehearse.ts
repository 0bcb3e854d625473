import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../sandbox/server.ts';
import type { SandboxOptions } from '../../sandbox/options.ts';
import { rehearsalPaths } from '../config/run-target.ts';
import { reportRound } from '../evidence/report.ts';
import { runRowsProject } from './run-rows.ts';
import { say, sayLines } from '../sinks/terminal.ts';

/**
 * `pnpm rehearse`: a whole round for free. It starts the embedded sandbox and runs the *live* code path against
 * it for the default round (the registry's `defaultRound` rows; APPROVE_ROWS may name others), writing recordings to a scratch folder, never
 * over the committed ones; then it builds the report and says where it is.
 */

/** Lifecycle timing that keeps each status change well clear of the poll times (2 s, 5 s): rounds re-record alike. */
export const REHEARSAL_TIMING = { submittedMs: 500, processingMs: 3000 };

export interface RehearsalResult {
  exitCode: number;
  roundId: string;
  tasksCreated: Record<string, number>;
}

export async function rehearse(options: {
  reportsDir: string;
  approveRows?: string;
  recordingsDir?: string;
  timeScale?: number;
  /** What the sandbox does besides (a test's faults, refused prompt words); timing and time scale are the rehearsal's. */
  sandbox?: Omit<SandboxOptions, 'timing' | 'timeScale'>;
  /** Keep the round's console out of the caller's (a test that reads the report, not the console). */
  quiet?: boolean;
}): Promise<RehearsalResult> {
  const own = rehearsalPaths(options.reportsDir);
  const recordingsDir = options.recordingsDir ?? own.recordingsDir;
  rmSync(recordingsDir, { recursive: true, force: true });
  // Every rehearsal is a full round: its scratch ledger starts empty, so no row is closed from a previous one.
  rmSync(own.ledgerFile, { force: true });
  const sandbox = await startSandbox({ ...options.sandbox, timing: REHEARSAL_TIMING, timeScale: options.timeScale ?? 1 });
  const roundId = `rehearse-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
  say(`Sandbox on ${sandbox.url} (demo credentials; nothing here is billed)`);
  let exitCode: number;
  try {
    exitCode = await runRowsProject(
      {
        HARNESS_MODE: 'rehearse',
        KLING_BASE_URL: sandbox.url,
        KLING_ACCESS_KEY: sandbox.credentials.accessKey,
        KLING_SECRET_KEY: sandbox.credentials.secretKey,
        APPROVE_ROWS: options.approveRows ?? '',
        RECORDINGS_DIR: recordingsDir,
        REPORTS_DIR: options.reportsDir,
        ROUND_ID: roundId,
      },
      options.quiet ? 'ignore' : 'inherit',
    );
  } finally {
    await sandbox.stop();
  }
  return { exitCode, roundId, tasksCreated: { ...sandbox.state.tasksCreated } };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const reportsDir = process.env.REPORTS_DIR ?? 'reports';
  const result = await rehearse({
    reportsDir,
    ...(process.env.APPROVE_ROWS ? { approveRows: process.env.APPROVE_ROWS } : {}),
    timeScale: Number(process.env.SANDBOX_TIME_SCALE ?? '1'),
  });
  say(`Sandbox creates: ${JSON.stringify(result.tasksCreated)}`);
  const summary = join(reportsDir, 'evidence', result.roundId, 'summary.md');
  if (existsSync(summary)) sayLines(['', ...readFileSync(summary, 'utf8').split('\n'), `Summary: ${summary}`]);
  if (!reportRound(reportsDir, result.roundId)) process.exit(1);
  process.exit(result.exitCode);
}
