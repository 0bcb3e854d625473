import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenSource } from '../kling/auth.ts';
import { KlingClient } from '../kling/client.ts';
import { buildText2videoNoModel } from '../kling/builders.ts';
import { startSandbox } from '../sandbox/server.ts';
import { run } from './child-runs.ts';
import { RUNS, median, quick, type Figure } from './figure.ts';

/**
 * Figure 3, download: a large result fetched from the sandbox by the harness's downloader in a child process
 * (download-child.ts), its throughput against curl's and its peak memory growth.
 */

export async function downloadFigure(): Promise<Figure> {
  const megabytes = quick ? 20 : 100;
  // A result starts with an ftyp box, as the downloader checks; the rest is filler.
  const head = readFileSync('helpers/sandbox/fixtures/result.mp4').subarray(0, 32);
  const sandbox = await startSandbox({
    resultVideo: Buffer.concat([head, Buffer.alloc(megabytes * 1024 * 1024 - head.length, 7)]),
    timing: { submittedMs: 0, processingMs: 0 },
  });
  const client = new KlingClient({ baseUrl: sandbox.url, token: createTokenSource(sandbox.credentials) });
  const created = await client.create('text2video', buildText2videoNoModel({ prompt: 'big' }).body);
  const url = `${sandbox.url}/files/${created.value.task_id}.mp4`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-download-'));
  const ours: number[] = [];
  const growth: number[] = [];
  const curl: number[] = [];
  let curlAvailable = true;
  for (let i = 0; i < RUNS; i++) {
    const child = await run(process.execPath, ['--import', 'tsx', 'helpers/bench/download-child.ts', url, join(dir, `ours-${i}.mp4`)]);
    const line = child.out.trim().split('\n').at(-1) ?? '{}';
    const measured = JSON.parse(line) as { ms: number; rssBefore: number; peakRss: number };
    ours.push(measured.ms);
    growth.push((measured.peakRss - measured.rssBefore) / 1024 / 1024);
    const viaCurl = await run('curl', ['-sS', '-o', join(dir, `curl-${i}.mp4`), url]);
    if (viaCurl.code !== 0) curlAvailable = false;
    curl.push(viaCurl.ms);
  }
  await sandbox.stop();
  const mbps = (ms: number) => megabytes / (ms / 1000);
  const ratio = curlAvailable ? mbps(median(ours)) / mbps(median(curl)) : Number.NaN;
  return {
    id: 3,
    figure: `Download (${megabytes} MB from the sandbox)`,
    measured: `${mbps(median(ours)).toFixed(0)} MB/s = ${curlAvailable ? `${ratio.toFixed(2)}x curl (${mbps(median(curl)).toFixed(0)} MB/s)` : 'curl not available'}; peak RSS growth ${median(growth).toFixed(1)} MB`,
    target: '>= 0.8x curl; <= 64 MB growth',
    met: curlAvailable ? ratio >= 0.8 && median(growth) <= 64 : null,
    detail: { megabytes, oursMs: median(ours), curlMs: median(curl), rssGrowthMb: Number(median(growth).toFixed(1)) },
  };
}
