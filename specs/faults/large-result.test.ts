import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readMeta } from '../../helpers/harness/cassette-meta.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox/server.ts';
import { recordFigure } from '../support/figures.ts';
import { workspace } from '../support/harness-env.ts';

/**
 * A result of any size costs a constant amount of memory (promises §11): row B's live run, in a process of its
 * own so its memory is its own, downloads a 1 GB result from the sandbox. The download streams to disk outside
 * the recorder; the cassette keeps only the API's answers, meta.json the real size and sha256.
 */

const GB = 1024 ** 3;
const MB = 1024 ** 2;

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

function runRowChild(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'specs/support/run-row-child.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('Faults | a 1 GB result', () => {
  it('downloads in live mode with peak RSS growth under 64 MB, and a cassette under 50 KB', async () => {
    sandbox = await startSandbox({
      timeScale: 0.01,
      faults: [{ route: 'download', calls: 'every', fault: { kind: 'huge-result', bytes: GB, fill: 'zeros' } }],
    });
    const ws = workspace();
    try {
      const run = await runRowChild({
        HARNESS_MODE: 'live',
        CI: 'false',
        APPROVE_ROWS: 'B',
        KLING_BASE_URL: sandbox.url,
        KLING_ACCESS_KEY: sandbox.credentials.accessKey,
        KLING_SECRET_KEY: sandbox.credentials.secretKey,
        RECORDINGS_DIR: ws.recordingsDir,
        REPORTS_DIR: ws.reportsDir,
        ROUND_ID: 'large-result',
      });
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { classification: string; peakRssGrowthBytes: number };
      expect(result.classification).toBe('success');
      const dir = join(ws.recordingsDir, 'B-text2video-no-model');
      expect(readMeta(dir)?.download).toMatchObject({ bytes: GB });
      expect(statSync(join(ws.reportsDir, 'evidence', 'large-result', 'B', 'result.mp4')).size).toBe(GB);
      const cassette = statSync(join(dir, 'cassette.har')).size;
      const growthMb = Math.round((result.peakRssGrowthBytes / MB) * 10) / 10;
      recordFigure({ kind: 'peak-rss', name: 'live download of a 1 GB result', resultMb: GB / MB, growthMb });
      expect(growthMb).toBeLessThanOrEqual(64);
      expect(cassette).toBeLessThan(50 * 1024);
    } finally {
      rmSync(ws.root, { recursive: true, force: true });
    }
  }, 180_000);
});
