import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../helpers/harness/report.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox/server.ts';
import { recordFigure } from '../support/figures.ts';
import { workspace } from '../support/harness-env.ts';

/**
 * Secrets never touch disk (DESIGN §3.5), tried the hard way: a live run against the sandbox with canary keys,
 * then every file it wrote and everything it printed is searched for the keys, for any JWT and for any Bearer value.
 */

const CANARY = { accessKey: 'CANARYak7Q2fXw9LmZ', secretKey: 'CANARYsk4Vt8Rp1NcYh3' };
const LEAKS: [string, RegExp][] = [
  ['access key', new RegExp(CANARY.accessKey)],
  ['secret key', new RegExp(CANARY.secretKey)],
  ['a JWT', /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ['a Bearer value', /Bearer [A-Za-z0-9._-]{10,}/],
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

function hitsIn(name: string, text: string): string[] {
  return LEAKS.filter(([, pattern]) => pattern.test(text)).map(([what]) => `${what} in ${name}`);
}

function runChild(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

let sandbox: Sandbox | undefined;
afterAll(() => sandbox?.stop());

describe('Faults | secret canary', () => {
  it('a live run with canary keys leaves them in no file it wrote and no line it printed', async () => {
    sandbox = await startSandbox({ credentials: CANARY, timeScale: 0.05 });
    const ws = workspace();
    // Asynchronous: the sandbox answers from this process, whose event loop must keep running meanwhile.
    const run = await runChild(['node_modules/vitest/vitest.mjs', 'run', '--project', 'rows'], {
      ...process.env,
      CI: '',
      HARNESS_MODE: 'live',
      KLING_BASE_URL: sandbox.url,
      KLING_ACCESS_KEY: CANARY.accessKey,
      KLING_SECRET_KEY: CANARY.secretKey,
      APPROVE_ROWS: 'A,B,C,D',
      LEDGER_FILE: join(ws.root, 'ledger.jsonl'),
      REPORTS_DIR: ws.reportsDir,
      RECORDINGS_DIR: ws.recordingsDir,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(sandbox.state.tasksCreated).toEqual({ 'omni-video': 1, text2video: 1, image2video: 1, 'multi-image2video': 1 });
    buildReport({ resultsDir: join(ws.reportsDir, 'allure-results'), outDir: join(ws.reportsDir, 'allure-report'), name: 'canary' });

    const files = filesUnder(ws.root);
    const written = files.map((f) => f.slice(ws.root.length + 1));
    for (const expected of [
      /^recordings\/A-omni-first-frame\/cassette\.har$/,
      /^reports\/allure-results\//,
      /^reports\/allure-report\/index\.html$/,
      /^reports\/evidence\/.*\/B\.json$/,
      /^ledger\.jsonl$/,
    ]) {
      expect(
        written.some((f) => expected.test(f)),
        `${String(expected)} among ${written.join(', ')}`,
      ).toBe(true);
    }
    const hits = [
      ...files.flatMap((f) => hitsIn(f, readFileSync(f).toString('latin1'))),
      ...hitsIn('stdout', run.stdout),
      ...hitsIn('stderr', run.stderr),
    ];
    recordFigure({ kind: 'secret-scan', name: 'live run with canary keys', filesScanned: files.length + 2, hits: hits.length });
    expect(hits).toEqual([]);
  }, 200_000);

  it('the committed recordings hold no key, JWT or Bearer value either', () => {
    const files = filesUnder('recordings');
    const hits = files
      .flatMap((f) => hitsIn(f, readFileSync(f, 'utf8')))
      .filter((h) => !h.startsWith('access key') && !h.startsWith('secret key'));
    recordFigure({ kind: 'secret-scan', name: 'committed recordings', filesScanned: files.length, hits: hits.length });
    expect(hits).toEqual([]);
  });

  it('the scan finds what it looks for (a planted JWT and key are caught)', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJDQU5BUllhayJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(hitsIn('planted', `{"authorization":"Bearer ${jwt}","key":"${CANARY.secretKey}"}`)).toEqual([
      'secret key in planted',
      'a JWT in planted',
      'a Bearer value in planted',
    ]);
  });
});
