import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { setTimeout as delay } from 'node:timers/promises';
import { DownloadError, NoAnswerError, TransportAbort } from './errors.ts';
import { createFetchContext, lateBound, type FetchContext } from './http-context.ts';
import { networkErrorCode } from './network-errors.ts';
import type { Sleep } from './retry.ts';

/**
 * Stream a result video to disk, hashing as it goes, so a result of any size costs a constant amount of memory.
 * Result URLs are hot-link protected and deleted after 30 days (contract §5): download once, keep the bytes.
 * No Authorization header is sent: the file lives on another host, which must never see our token.
 */

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  attempts: number;
  contentType: string | undefined;
}

export interface DownloadOptions {
  http?: FetchContext;
  sleep?: Sleep;
  /** An interrupted download restarts from scratch, at most this many attempts in all. */
  maxAttempts?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}

async function downloadOnce(fetchUrl: ReturnType<typeof lateBound>, url: string, destination: string, timeoutMs: number) {
  const partial = `${destination}.partial`;
  let response;
  try {
    response = await fetchUrl(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if (error instanceof TransportAbort) throw error;
    throw new NoAnswerError('download', networkErrorCode(error));
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new DownloadError(`HTTP ${response.status} for the result URL`, response.status);
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), meter, createWriteStream(partial));
  } catch (error) {
    await rm(partial, { force: true });
    throw new NoAnswerError('download', `interrupted after ${bytes} bytes (${networkErrorCode(error)})`);
  }
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) !== bytes) {
    await rm(partial, { force: true });
    throw new NoAnswerError('download', `content-length says ${declared} bytes, received ${bytes}`);
  }
  await rename(partial, destination);
  return { bytes, sha256: hash.digest('hex'), contentType: response.headers.get('content-type') ?? undefined };
}

export async function downloadToFile(url: string, destination: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const fetchUrl = lateBound(options.http ?? createFetchContext());
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const maxAttempts = options.maxAttempts ?? 3;
  await mkdir(dirname(destination), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await downloadOnce(fetchUrl, url, destination, options.timeoutMs ?? 10 * 60_000);
      return { path: destination, attempts: attempt, ...done };
    } catch (error) {
      if (error instanceof TransportAbort) throw error;
      // 4xx (expired or hot-link refused) will not change on a retry; an interruption or a 5xx may.
      const retryable = error instanceof NoAnswerError || (error instanceof DownloadError && (error.httpStatus ?? 0) >= 500);
      if (!retryable || attempt >= maxAttempts) {
        if (error instanceof DownloadError) throw error;
        throw new DownloadError(`${error instanceof Error ? error.message : String(error)} (after ${attempt} attempts)`);
      }
      await sleep(options.retryDelayMs ?? 1000);
    }
  }
}
