import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ciVariables } from '../harness/config/ci.ts';
import { RUNS } from './figure.ts';

/**
 * Timing child processes for the benchmark: one command, its wall time, exit code and output, with the CI
 * variables cleared; and a vitest project run RUNS times (or `runs`), each with reports in a fresh temporary folder
 * and any further vitest `args`.
 */

const VITEST = 'node_modules/vitest/vitest.mjs';

export function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ ms: number; code: number | null; out: string }> {
  const started = performance.now();
  // The refusal measured is the one for no approval, not for a CI machine: every CI variable is cleared.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !ciVariables().includes(k)));
  const child = spawn(command, args, { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return new Promise((resolve) => {
    // A command that is not installed (curl) never exits: it fails to start.
    child.on('error', (error) => resolve({ ms: performance.now() - started, code: null, out: error.message }));
    child.on('exit', (code) => resolve({ ms: performance.now() - started, code, out }));
  });
}

export async function vitestMs(project: string, env: Record<string, string>, runs = RUNS, args: string[] = []): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const reportsDir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
    times.push((await run(process.execPath, [VITEST, 'run', '--project', project, ...args], { REPORTS_DIR: reportsDir, ...env })).ms);
  }
  return times;
}
