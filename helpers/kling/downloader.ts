import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import { DownloadError, NoAnswerError } from './errors.ts';
import { networkErrorCode } from './network-errors.ts';
import type { Sleep } from './retry.ts';
import { textForms } from './text-forms.ts';

/**
 * Stream a result video to disk, hashing as it goes, so a result of any size costs a constant amount of memory.
 * Result URLs are hot-link protected and deleted after 30 days (kling-api §5): download once, keep the bytes.
 *
 * The URL and the bytes come from the server and are trusted for nothing (promises §11): only http(s), never
 * with user-info, never a URL that carries one of our secrets (fetching it would hand them to whatever host it
 * names); redirects are followed (CDNs use them) under the same rules; no Authorization header is ever sent. The
 * body must be a video: an HTML or JSON answer, a body without an MP4/MOV `ftyp` box, one larger than the cap, or
 * one that quotes a secret back is a failed download, and nothing of it is kept.
 */

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  attempts: number;
  contentType: string | undefined;
}

export interface DownloadOptions {
  sleep?: Sleep;
  /** An interrupted download restarts from scratch, at most this many attempts in all. */
  maxAttempts?: number;
  retryDelayMs?: number;
  /** The whole download, every attempt's request and body. */
  timeoutMs?: number;
  /** Strings the URL and the body must not contain: this run's secrets. */
  forbidden?: readonly string[];
  maxBytes?: number;
  maxRedirects?: number;
}

/** A 15 s 1080p result is well under 200 MB; a body ten times that is not a result. */
export const DEFAULT_MAX_RESULT_BYTES = 2 * 1024 ** 3;

/**
 * How much of the checked body may wait for the disk. At the file stream's default (16 KB) every 64 KB socket read
 * waits for its own write to finish before the next is read; with a megabyte queued, reading and hashing go on
 * while the disk takes the last chunks in one writev, for a megabyte of memory whatever the result's size.
 */
const WRITE_BUFFER_BYTES = 1024 * 1024;

/** Refused outright: retrying cannot make it a video. */
class RefusedDownload extends DownloadError {}

/** The problem with a result URL, or undefined when it may be fetched. */
export function urlProblem(url: string, forbidden: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the result URL is not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `the result URL is a ${parsed.protocol} URL, not http(s)`;
  if (parsed.username !== '' || parsed.password !== '') return 'the result URL carries user-info (credentials)';
  if (textForms(url).some((form) => forbidden.some((secret) => form.includes(secret)))) {
    return 'the result URL carries one of our credentials; it is not fetched';
  }
  return undefined;
}

const NOT_A_VIDEO = /^(text\/|application\/(json|xml|xhtml\+xml|javascript)\b)/i;

/**
 * Hash and count the bytes as they pass, and refuse them as soon as they are not a video or quote a secret:
 * the first 8 bytes must hold an ISO-BMFF `ftyp` box; no forbidden string may appear, across chunk boundaries too.
 */
class ResultMeter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private readonly needles: Buffer[];
  private readonly overlap: number;

  constructor(
    forbidden: readonly string[],
    private readonly maxBytes: number,
  ) {
    super();
    this.needles = forbidden.map((s) => Buffer.from(s, 'utf8'));
    this.overlap = Math.max(0, ...this.needles.map((n) => n.length - 1));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const problem = this.problemWith(chunk);
    if (problem !== undefined) {
      callback(new RefusedDownload(problem));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  private problemWith(chunk: Buffer): string | undefined {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return `the result is larger than ${this.maxBytes} bytes`;
    if (this.head.length < 8) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, 8 - this.head.length)]);
      if (this.head.length === 8 && this.head.toString('latin1', 4, 8) !== 'ftyp') {
        return 'the result is not a video: no MP4/MOV ftyp box at its start';
      }
    }
    if (this.quotesSecret(chunk)) return 'the result body quotes one of our credentials; it is not kept';
    return undefined;
  }

  /** In this chunk, or straddling its start and the end of the previous ones. */
  private quotesSecret(chunk: Buffer): boolean {
    if (this.overlap === 0) return false;
    const boundary = this.tail.length === 0 ? undefined : Buffer.concat([this.tail, chunk.subarray(0, this.overlap)]);
    const found = this.needles.some((n) => chunk.includes(n) || boundary?.includes(n) === true);
    const last = chunk.length >= this.overlap ? chunk.subarray(chunk.length - this.overlap) : Buffer.concat([this.tail, chunk]);
    this.tail = Buffer.from(last.subarray(Math.max(0, last.length - this.overlap)));
    return found;
  }

  override _flush(callback: TransformCallback): void {
    callback(this.head.length < 8 ? new RefusedDownload(`the result is not a video: ${this.bytes} bytes, no ftyp box`) : null);
  }
}

/** Drops an answer's body unread; undici reports the drop as an error on the stream, which is expected here. */
function discard(body: NodeJS.ReadableStream & { destroy: () => void }): void {
  body.on('error', () => undefined);
  body.destroy();
}

interface Settings {
  forbidden: readonly string[];
  maxBytes: number;
  maxRedirects: number;
  signal: AbortSignal;
}

async function downloadOnce(url: string, destination: string, settings: Settings) {
  const partial = `${destination}.partial`;
  let current = url;
  for (let hop = 0; ; hop++) {
    const problem = urlProblem(current, settings.forbidden);
    if (problem !== undefined) throw new RefusedDownload(problem);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(current, { method: 'GET', signal: settings.signal, headers: { accept: 'video/*, */*' } });
    } catch (error) {
      throw new NoAnswerError('download', networkErrorCode(error));
    }
    const { statusCode, headers, body } = response;
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    if (statusCode >= 300 && statusCode < 400 && header('location') !== undefined) {
      discard(body);
      if (hop >= settings.maxRedirects) throw new RefusedDownload(`more than ${settings.maxRedirects} redirects`);
      current = new URL(header('location') ?? '', current).toString();
      continue;
    }
    if (statusCode < 200 || statusCode >= 300) {
      discard(body);
      throw new DownloadError(`HTTP ${statusCode} for the result URL`, statusCode);
    }
    const contentType = header('content-type');
    if (contentType !== undefined && NOT_A_VIDEO.test(contentType)) {
      discard(body);
      throw new RefusedDownload(`the result URL served ${contentType.split(';')[0] ?? contentType}, not a video`);
    }
    const declared = header('content-length');
    if (declared !== undefined && Number(declared) > settings.maxBytes) {
      discard(body);
      throw new RefusedDownload(`the result declares ${declared} bytes, more than the ${settings.maxBytes} allowed`);
    }
    const meter = new ResultMeter(settings.forbidden, settings.maxBytes);
    try {
      await pipeline(body, meter, createWriteStream(partial, { highWaterMark: WRITE_BUFFER_BYTES }));
    } catch (error) {
      await rm(partial, { force: true });
      if (error instanceof DownloadError) throw error;
      throw new NoAnswerError('download', `interrupted after ${meter.bytes} bytes (${networkErrorCode(error)})`);
    }
    if (declared !== undefined && Number(declared) !== meter.bytes) {
      await rm(partial, { force: true });
      throw new NoAnswerError('download', `content-length says ${declared} bytes, received ${meter.bytes}`);
    }
    await rename(partial, destination);
    return { bytes: meter.bytes, sha256: meter.hash.digest('hex'), contentType };
  }
}

export async function downloadToFile(url: string, destination: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const maxAttempts = options.maxAttempts ?? 3;
  const settings: Settings = {
    forbidden: options.forbidden ?? [],
    maxBytes: options.maxBytes ?? DEFAULT_MAX_RESULT_BYTES,
    maxRedirects: options.maxRedirects ?? 5,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10 * 60_000),
  };
  await mkdir(dirname(destination), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await downloadOnce(url, destination, settings);
      return { path: destination, attempts: attempt, ...done };
    } catch (error) {
      // A refusal, or a 4xx (expired or hot-link refused), will not change on a retry; an interruption or a 5xx may.
      const retryable =
        !(error instanceof RefusedDownload) &&
        (error instanceof NoAnswerError || (error instanceof DownloadError && (error.httpStatus ?? 0) >= 500));
      if (!retryable || attempt >= maxAttempts) {
        if (error instanceof DownloadError) throw error;
        throw new DownloadError(`${error instanceof Error ? error.message : String(error)} (after ${attempt} attempts)`);
      }
      await sleep(options.retryDelayMs ?? 1000);
    }
  }
}
