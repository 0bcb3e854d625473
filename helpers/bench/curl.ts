import { run } from './child-runs.ts';

/**
 * curl fetching a URL to a file: the yardstick for the downloader's throughput. Its own transfer time
 * (`time_total`), not the process's, so curl's start-up is not counted against it; undefined when curl is missing
 * or fails.
 */
export async function curlMs(url: string, destination: string): Promise<number | undefined> {
  const result = await run('curl', ['-sS', '-o', destination, '-w', '%{time_total}', url]);
  if (result.code !== 0) return undefined;
  const seconds = Number(result.out.trim());
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
