import { approvedLive } from '../support/approved-plan.ts';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMeta } from '../../helpers/harness/cassettes/cassette-meta.ts';
import { hostFolder } from '../../helpers/harness/config/run-target.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { recordFigure } from '../support/figures.ts';
import { workspace } from '../support/harness-env.ts';
import { runNode } from '../support/child-run.ts';
import { notCi } from '../support/not-ci.ts';
import { ledgerTestRow } from '../support/ledger-rows.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/**
 * A result of any size costs a constant amount of memory (promises §11): row B's live run, in a process of its
 * own so its memory is its own, downloads a 1 GB result from the sandbox. The download streams to disk outside
 * the recorder; the cassette keeps only the API's answers, meta.json the real size and sha256.
 */

const GB = 1024 ** 3;
const MB = 1024 ** 2;

const servers = serversStoppedAfterEach();

describe('Faults | a 1 GB result', () => {
  it('downloads in live mode with peak RSS growth under 64 MB, and a cassette under 50 KB', async () => {
    const sandbox = await startSandbox({
      timeScale: 0.01,
      faults: [{ route: 'download', calls: 'every', fault: { kind: 'huge-result', bytes: GB, fill: 'zeros' } }],
    });
    servers.sandbox = sandbox;
    const ws = workspace();
    try {
      const run = await runNode(
        ['--import', 'tsx', 'specs/support/run-row-child.ts'],
        approvedLive({
          ...notCi(),
          HARNESS_MODE: 'live',
          APPROVE_ROWS: 'B',
          KLING_BASE_URL: sandbox.url,
          KLING_ACCESS_KEY: sandbox.credentials.accessKey,
          KLING_SECRET_KEY: sandbox.credentials.secretKey,
          REPORTS_DIR: ws.reportsDir,
          ROUND_ID: 'large-result',
        }),
      );
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { classification: string; peakRssGrowthBytes: number };
      expect(result.classification).toBe('success');
      const dir = join(ws.reportsDir, 'hosts', hostFolder(new URL(sandbox.url).host), 'recordings', ledgerTestRow.name);
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
