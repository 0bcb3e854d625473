import { downloadToFile } from '../kling/downloader.ts';

/** Downloads one URL with the harness's downloader and reports time and peak memory, for `pnpm bench`. */
const [url, destination] = process.argv.slice(2);
if (url === undefined || destination === undefined) throw new Error('usage: download-child <url> <destination>');
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const result = await downloadToFile(url, destination);
const ms = performance.now() - started;
// maxRSS is the process's peak resident set, in kilobytes.
console.log(JSON.stringify({ ms, bytes: result.bytes, rssBefore, peakRss: process.resourceUsage().maxRSS * 1024 }));
