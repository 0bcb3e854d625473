import { downloadToFile } from '../kling/downloader.ts';
import { downloadLine } from './download-line.ts';

/**
 * Downloads one URL with the harness's downloader and prints its time and memory, for `pnpm bench`. A first
 * request to `warmUrl` (a 404) loads undici's HTTP parser, as the runner's API calls have by the time it
 * downloads: the growth is then the download's own, and the cold figure is kept beside it.
 */
const [url, destination, warmUrl] = process.argv.slice(2);
if (url === undefined || destination === undefined || warmUrl === undefined)
  throw new Error('usage: download-child <url> <destination> <warm-up url>');
const rssCold = process.memoryUsage().rss;
await downloadToFile(warmUrl, `${destination}.warm`).catch(() => undefined);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const result = await downloadToFile(url, destination);
const ms = performance.now() - started;
// maxRSS is the process's peak resident set, in kilobytes.
console.log(downloadLine({ ms, bytes: result.bytes, rssCold, rssBefore, peakRss: process.resourceUsage().maxRSS * 1024 }));
