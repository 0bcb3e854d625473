import { rmSync } from 'node:fs';
import { startSandbox } from '../sandbox/server.ts';
import { runBenchRow, sawSucceedAt } from './bench-row.ts';
import { RUNS, median, type Figure } from './figure.ts';
import { resultOf } from './result-video.ts';

/**
 * Figure 3, what the runner adds once the task is done: from the start of the poll that sees `succeed` to the
 * verdict on disk (that poll's round trip, the result's download, classification, evidence, ledger, the
 * recording saved), for a 20 MB result, in real time. The task is done when created and the runner's sleeps are
 * cut to a hundredth, so nothing but that stretch takes time.
 */

const MEGABYTES = 20;

export async function succeedToVerdict(): Promise<Figure> {
  const sandbox = await startSandbox({ resultVideo: resultOf(MEGABYTES), timing: { submittedMs: 0, processingMs: 0 } });
  const totals: number[] = [];
  const downloads: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const run = await runBenchRow(sandbox.url, sandbox.credentials, 0.01);
      rmSync(run.root, { recursive: true, force: true });
      totals.push(run.finished - sawSucceedAt(run));
      const download = run.steps.find((s) => s.name === 'download');
      downloads.push(download ? download.end - download.start : 0);
    }
  } finally {
    await sandbox.stop();
  }
  const total = median(totals);
  return {
    id: 3,
    figure: `Succeed seen to verdict written (${MEGABYTES} MB result)`,
    measured: `${(total / 1000).toFixed(2)} s (download ${(median(downloads) / 1000).toFixed(2)} s)`,
    target: '<= 1 s',
    met: total <= 1000,
    detail: { megabytes: MEGABYTES, totalMs: Math.round(total), downloadMs: Math.round(median(downloads)) },
  };
}
