import { redactBody } from './redact.ts';

/**
 * What makes two requests "the same" across runs, hosts and ports: the recorder matches on these, and storage
 * (cassette-normalize.ts) keeps them intact: matchUrl(stored url) equals matchUrl(recorded url).
 */

/** Reserved, never-resolving origin (RFC 2606): a stored URL can never reach a real host by mistake. */
export const RECORDED_ORIGIN = 'https://recorded.kling.invalid';
/** `/v1/videos/<family>/<id>`: the one path that names a task (kling-api §2); the id is opaque (kling-api §9b). */
export const TASK_PATH = /^(\/v1\/videos\/[a-z0-9-]+\/)([^/]+)$/;

function isApiPath(pathname: string): boolean {
  return pathname.startsWith('/v1/');
}

/** Path and, for the API only, query: a result URL's query carries CDN signatures that change every time. */
export function rebase(url: string, mapPath: (path: string) => string): string {
  const parsed = new URL(url, RECORDED_ORIGIN);
  const query = isApiPath(parsed.pathname) ? parsed.search : '';
  return `${RECORDED_ORIGIN}${mapPath(parsed.pathname)}${query}`;
}

export function matchUrl(url: string): string {
  return rebase(url, (path) => path.replace(TASK_PATH, '$1{task_id}'));
}

/** The body as matching sees it: the per-round external_task_id dropped, images as digests, keys sorted. */
export function matchBody(body: unknown): string {
  if (typeof body !== 'string' || body === '') return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    delete (parsed as Record<string, unknown>).external_task_id;
  }
  return stableStringify(redactBody(parsed));
}

export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
