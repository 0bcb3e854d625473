import { Headers, Request, Response, fetch } from 'undici';
import type { RequestInit } from 'undici';

/**
 * The object whose `fetch` every request of the harness goes through. Record/replay patches this object's
 * properties in place, so callers must look `fetch` up on it at call time (lateBound), never keep a reference:
 * a captured `fetch` silently bypasses the recorder and reaches the real network.
 */
export interface FetchContext {
  fetch: typeof fetch;
  Request: typeof Request;
  Response: typeof Response;
  Headers: typeof Headers;
}

export function createFetchContext(): FetchContext {
  return { fetch, Request, Response, Headers };
}

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export function lateBound(context: FetchContext): Fetch {
  return (url, init) => context.fetch(url, init);
}

export type { RequestInit, Response };
