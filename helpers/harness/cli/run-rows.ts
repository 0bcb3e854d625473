import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ROWS_PROJECT } from '../vitest/rows-project.ts';

/** Runs the matrix (the `rows` test project) in a child vitest with the given environment; resolves to its exit code. */
/** `output: 'ignore'` keeps the child's console out of the caller's (a test's log). */
export function runRowsProject(env: Record<string, string | undefined>, output: 'inherit' | 'ignore' = 'inherit'): Promise<number> {
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const child = spawn(process.execPath, [vitest, 'run', '--project', ROWS_PROJECT], {
    stdio: ['ignore', output, output],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
