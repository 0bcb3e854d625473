import { request } from 'undici';
import { downloadToFile } from '../kling/downloader.ts';
import { downloadLine } from './download-line.ts';

/**
 * Downloads one URL with the harness's downloader and prints its time and memory, for `pnpm bench`. A first
 * request to `warmUrl` (a 404) loads undici's HTTP parser, as the runner's API calls have by the time it
 * downloads: the growth is then the download's own, and the cold figure is kept beside it.
 *
 * `bare` reads the same body with undici and drops every chunk: no check, no hash, no file. It is what any
 * downloader in a fresh Node process costs at least, the floor under figure 4's comparison with curl.
 */
const [url, destination, warmUrl, how = 'downloader'] = process.argv.slice(2);
if (url === undefined || destination === undefined || warmUrl === undefined || !['downloader', 'bare'].includes(how))
  throw new Error('usage: download-child <url> <destination> <warm-up url> [downloader|bare]');

async function bare(from: string): Promise<number> {
  const { body } = await request(from);
  let bytes = 0;
  for await (const chunk of body) bytes += (chunk as Buffer).length;
  return bytes;
}

const rssCold = process.memoryUsage().rss;
await downloadToFile(warmUrl, `${destination}.warm`).catch(() => undefined);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const bytes = how === 'bare' ? await bare(url) : (await downloadToFile(url, destination)).bytes;
const ms = performance.now() - started;
// maxRSS is the process's peak resident set, in kilobytes.
console.log(downloadLine({ ms, bytes, rssCold, rssBefore, peakRss: process.resourceUsage().maxRSS * 1024 }));
