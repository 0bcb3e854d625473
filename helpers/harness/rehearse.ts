import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/server.ts';
import { buildReport } from './report.ts';
import { runRowsProject } from './run-rows.ts';

/**
 * `pnpm rehearse`: a whole round for free. It starts the embedded sandbox and runs the *live* code path against
 * it for the default rows (A, B, C; APPROVE_ROWS may name others), writing recordings to a scratch folder, never
 * over the committed ones; then it builds the report and says where it is.
 */

export const REHEARSAL_RECORDINGS = 'reports/rehearsal/recordings';
/** Lifecycle timing that keeps each status change well clear of the poll times (2 s, 5 s): rounds re-record alike. */
export const REHEARSAL_TIMING = { submittedMs: 500, processingMs: 3000 };

export async function rehearse(options: { approveRows?: string; recordingsDir?: string; timeScale?: number } = {}): Promise<number> {
  const recordingsDir = options.recordingsDir ?? REHEARSAL_RECORDINGS;
  rmSync(recordingsDir, { recursive: true, force: true });
  const sandbox = await startSandbox({ timing: REHEARSAL_TIMING, timeScale: options.timeScale ?? 1 });
  console.log(`Sandbox on ${sandbox.url} (demo credentials; nothing here is billed)`);
  let code: number;
  try {
    code = await runRowsProject({
      HARNESS_MODE: 'rehearse',
      KLING_BASE_URL: sandbox.url,
      KLING_ACCESS_KEY: sandbox.credentials.accessKey,
      KLING_SECRET_KEY: sandbox.credentials.secretKey,
      APPROVE_ROWS: options.approveRows ?? '',
      RECORDINGS_DIR: recordingsDir,
    });
  } finally {
    await sandbox.stop();
  }
  console.log(`Sandbox creates: ${JSON.stringify(sandbox.state.tasksCreated)}`);
  return code;
}

function latestSummary(): string | undefined {
  const root = 'reports/evidence';
  if (!existsSync(root)) return undefined;
  const rounds = readdirSync(root)
    .filter((d) => d.startsWith('rehearse-'))
    .sort();
  const last = rounds.at(-1);
  const file = last === undefined ? undefined : join(root, last, 'summary.md');
  return file !== undefined && existsSync(file) ? file : undefined;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const code = await rehearse({ ...(process.env.APPROVE_ROWS ? { approveRows: process.env.APPROVE_ROWS } : {}) });
  const summary = latestSummary();
  if (summary) console.log(`\n${readFileSync(summary, 'utf8')}\nSummary: ${summary}`);
  try {
    const index = buildReport({
      resultsDir: 'reports/allure-results',
      outDir: 'reports/allure-report',
      name: 'Kling verification round (sandbox rehearsal)',
    });
    console.log(`Report: ${index} (one file; open it in a browser)`);
  } catch (error) {
    console.error(`✗ report: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  process.exit(code);
}
