import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/server.ts';
import { run } from './child-runs.ts';
import { curlMs } from './curl.ts';
import { megabytes, readDownloadLine } from './download-line.ts';
import { RUNS, median, quick, type Figure } from './figure.ts';

/**
 * Figure 5, a live-mode download of a 1 GB result (quick: 64 MB): the whole row in rehearse mode, the live code
 * path (recorder on, ledger, download outside the recorder, evidence), in a child process (live-download-child.ts)
 * against a sandbox in this one; the child's peak memory over what it held when the download began (and over its
 * start, for the whole row), and the download step's throughput against curl on the same URL.
 */

export async function liveDownload(): Promise<Figure> {
  const size = quick ? 64 : 1024;
  // Served as the fault suite's 1 GB test serves it (a video's ftyp box, then zeros, streamed from one megabyte),
  // so this process never holds the result either.
  const sandbox = await startSandbox({
    timing: { submittedMs: 0, processingMs: 0 },
    faults: [{ route: 'download', calls: 'every', fault: { kind: 'huge-result', bytes: size * 1024 * 1024, fill: 'zeros' } }],
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-live-'));
  const ours: number[] = [];
  const growth: number[] = [];
  const rowGrowth: number[] = [];
  const curl: number[] = [];
  let curlAvailable = true;
  try {
    for (let i = 0; i < RUNS; i++) {
      const child = await run(process.execPath, ['--import', 'tsx', 'helpers/bench/live-download-child.ts'], {
        BENCH_SANDBOX_URL: sandbox.url,
        BENCH_ACCESS_KEY: sandbox.credentials.accessKey,
        BENCH_SECRET_KEY: sandbox.credentials.secretKey,
      });
      const measured = readDownloadLine(child.out);
      if (measured.bytes !== size * 1024 * 1024) throw new Error(`the row downloaded ${measured.bytes} bytes, not ${size} MB`);
      ours.push(measured.ms);
      growth.push(megabytes(measured.peakRss - measured.rssBefore));
      rowGrowth.push(megabytes(measured.peakRss - measured.rssCold));
      const task = [...sandbox.state.tasks.values()].at(-1);
      const viaCurl = task ? await curlMs(`${sandbox.url}/files/${task.taskId}.mp4`, join(dir, 'curl.mp4')) : undefined;
      if (viaCurl === undefined) curlAvailable = false;
      else curl.push(viaCurl);
    }
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const mbps = (ms: number) => size / (ms / 1000);
  const ratio = curlAvailable ? mbps(median(ours)) / mbps(median(curl)) : Number.NaN;
  const rss = median(growth);
  return {
    id: 5,
    figure: `Live-mode row with a ${size >= 1024 ? `${size / 1024} GB` : `${size} MB`} result`,
    measured: `RSS growth ${rss.toFixed(1)} MB over the download (${median(rowGrowth).toFixed(1)} MB over the whole row); download ${mbps(median(ours)).toFixed(0)} MB/s = ${curlAvailable ? `${ratio.toFixed(2)}x curl (${mbps(median(curl)).toFixed(0)} MB/s)` : 'curl not available'}`,
    target: 'RSS growth <= 64 MB; >= 0.8x curl',
    met: curlAvailable ? ratio >= 0.8 && rss <= 64 : null,
    detail: {
      megabytes: size,
      rssGrowthMb: Number(rss.toFixed(1)),
      rowRssGrowthMb: Number(median(rowGrowth).toFixed(1)),
      downloadMs: Math.round(median(ours)),
      curlMs: curlAvailable ? Math.round(median(curl)) : 'n/a',
    },
  };
}
