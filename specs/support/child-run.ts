import { spawn } from 'node:child_process';
import { approvedLive } from './approved-plan.ts';
import { notCi } from './not-ci.ts';

export interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A node child process with its output collected. Asynchronous on purpose: a sandbox the test started answers the
 * child from this process, whose event loop must keep running meanwhile (spawnSync would hang them both).
 */
export function runNode(args: string[], env: Record<string, string | undefined>): Promise<ChildResult> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

/** `vitest run --project rows` (the matrix) in a child, as `pnpm test:live` or a rehearsal runs it. */
export function runRows(env: Record<string, string | undefined>): Promise<ChildResult> {
  return runNode(['node_modules/vitest/vitest.mjs', 'run', '--project', 'rows'], env);
}

/** The environment of `pnpm test:live` against a sandbox this test started, its reports in the workspace. */
export function liveEnv(
  sandbox: { url: string; credentials: { accessKey: string; secretKey: string } },
  reportsDir: string,
  overrides: Record<string, string> = {},
): Record<string, string | undefined> {
  const env = {
    ...notCi(),
    // A live run's recordings follow from its target; one this suite runs under (a scratch registry's) is not its.
    RECORDINGS_DIR: '',
    HARNESS_MODE: 'live',
    KLING_BASE_URL: sandbox.url,
    KLING_ACCESS_KEY: sandbox.credentials.accessKey,
    KLING_SECRET_KEY: sandbox.credentials.secretKey,
    REPORTS_DIR: reportsDir,
    ...overrides,
  };
  // Approved as an operator would (pnpm plan), unless the test gives its own APPROVED_PLAN.
  return overrides.APPROVED_PLAN === undefined ? approvedLive(env) : env;
}
