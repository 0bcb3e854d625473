import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenSource } from '../kling/auth.ts';
import { KlingClient } from '../kling/client.ts';
import { buildText2videoNoModel } from '../kling/builders.ts';
import { startSandbox } from '../sandbox/server.ts';
import { run } from './child-runs.ts';
import { curlMs } from './curl.ts';
import { megabytes, readDownloadLine } from './download-line.ts';
import { RUNS, median, quick, type Figure } from './figure.ts';
import { resultOf } from './result-video.ts';

/**
 * Figure 4, download: a large result fetched from the sandbox by the harness's downloader in a child process
 * (download-child.ts), its throughput against curl's on the same URL, and the child's peak memory growth over
 * the download; and the floor under both, a bare undici read that drops the bytes (download-child.ts `bare`).
 * Runs alternate between the three, so all see the same machine.
 */

export async function downloadFigure(): Promise<Figure> {
  const size = quick ? 20 : 100;
  const sandbox = await startSandbox({ resultVideo: resultOf(size), timing: { submittedMs: 0, processingMs: 0 } });
  const dir = mkdtempSync(join(tmpdir(), 'bench-download-'));
  const ours: number[] = [];
  const growth: number[] = [];
  const coldGrowth: number[] = [];
  const curl: number[] = [];
  const bare: number[] = [];
  const bareGrowth: number[] = [];
  let curlAvailable = true;
  try {
    const client = new KlingClient({ baseUrl: sandbox.url, token: createTokenSource(sandbox.credentials) });
    const created = await client.create('text2video', buildText2videoNoModel({ prompt: 'big' }).body);
    const url = `${sandbox.url}/files/${created.value.task_id}.mp4`;
    for (let i = 0; i < RUNS; i++) {
      const args = ['--import', 'tsx', 'helpers/bench/download-child.ts', url, join(dir, 'ours.mp4'), `${sandbox.url}/files/none.mp4`];
      const measured = readDownloadLine((await run(process.execPath, args)).out);
      ours.push(measured.ms);
      growth.push(megabytes(measured.peakRss - measured.rssBefore));
      coldGrowth.push(megabytes(measured.peakRss - measured.rssCold));
      const floor = readDownloadLine((await run(process.execPath, [...args, 'bare'])).out);
      if (floor.bytes !== size * 1024 * 1024) throw new Error(`the bare read got ${floor.bytes} bytes, not ${size} MB`);
      bare.push(floor.ms);
      bareGrowth.push(megabytes(floor.peakRss - floor.rssBefore));
      const viaCurl = await curlMs(url, join(dir, 'curl.mp4'));
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
    id: 4,
    figure: `Download (${size} MB from the sandbox) vs curl`,
    measured: `${mbps(median(ours)).toFixed(0)} MB/s = ${curlAvailable ? `${ratio.toFixed(2)}x curl (${mbps(median(curl)).toFixed(0)} MB/s)` : 'curl not available'}; RSS growth ${rss.toFixed(1)} MB (${median(coldGrowth).toFixed(1)} MB with undici's first connection); bare undici read, bytes dropped: ${mbps(median(bare)).toFixed(0)} MB/s${curlAvailable ? ` = ${(mbps(median(bare)) / mbps(median(curl))).toFixed(2)}x curl` : ''}, RSS growth ${median(bareGrowth).toFixed(1)} MB`,
    target: '>= 0.8x curl; RSS growth <= 32 MB',
    met: curlAvailable ? ratio >= 0.8 && rss <= 32 : null,
    detail: {
      megabytes: size,
      oursMs: Math.round(median(ours)),
      curlMs: curlAvailable ? Math.round(median(curl)) : 'n/a',
      rssGrowthMb: Number(rss.toFixed(1)),
      rssGrowthColdMb: Number(median(coldGrowth).toFixed(1)),
      bareReadMs: Math.round(median(bare)),
      bareReadRssGrowthMb: Number(median(bareGrowth).toFixed(1)),
    },
  };
}
