import { Headers, Request, Response, fetch } from 'undici';
import type { RequestInit } from 'undici';

/**
 * The object whose `fetch` every API request of the harness goes through. Record/replay patches this object's
 * properties in place, so callers must look `fetch` up on it at call time (lateBound), never keep a reference:
 * a captured `fetch` silently bypasses the recorder and reaches the real network.
 *
 * Its `fetch` is the one choke point for what an API answer may do to us: a redirect is never followed (a
 * followed 307 on a create POSTs the billable body again, to wherever the server says), and an answer larger
 * than its limit is cut off with an error before it is buffered (the recorder reads answers whole).
 */
export interface FetchContext {
  fetch: typeof fetch;
  Request: typeof Request;
  Response: typeof Response;
  Headers: typeof Headers;
}

/**
 * The most an answer may be, read whole (the recorder keeps every answer of a row in memory until the row ends, so
 * this bounds a row, not just an answer). A task is a few KB; a list page of 500 tasks about 300 KB.
 */
export const MAX_ANSWER_BYTES = 256 * 1024;
export const MAX_LIST_ANSWER_BYTES = 8 * 1024 * 1024;

/** `GET /v1/videos/<family>?pageNum=…`: a list page (kling-api §2). */
function limitFor(input: Parameters<typeof fetch>[0]): number {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  return /^\/v1\/videos\/[a-z0-9-]+$/.test(url.pathname) && url.searchParams.has('pageNum') ? MAX_LIST_ANSWER_BYTES : MAX_ANSWER_BYTES;
}

export class AnswerTooLargeError extends Error {
  override readonly name = 'AnswerTooLargeError';
  readonly code = 'ERR_ANSWER_TOO_LARGE';
}

function tooLarge(limit: number, what: string): AnswerTooLargeError {
  return new AnswerTooLargeError(`the answer is larger than ${limit} bytes (${what}); it is not read`);
}

/** The answer with its body cut off, as an error, past `limit` bytes. */
async function bounded(response: Response, limit: number): Promise<Response> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel();
    throw tooLarge(limit, `content-length ${declared}`);
  }
  if (response.body === null) return response;
  let seen = 0;
  const limited = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(tooLarge(limit, `${seen} bytes received so far`));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
}

const apiFetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
  bounded(await fetch(input, { ...init, redirect: 'manual' }), limitFor(input))) as typeof fetch;

export function createFetchContext(): FetchContext {
  return { fetch: apiFetch, Request, Response, Headers };
}

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export function lateBound(context: FetchContext): Fetch {
  return (url, init) => context.fetch(url, init);
}

export type { RequestInit, Response };
