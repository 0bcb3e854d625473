import type { Har, HarEntry, NameValue } from './cassette-format.ts';
import { digestOf, redactBody } from './redact.ts';

/**
 * Two pure normalizations, kept apart on purpose:
 * - for *matching* (matchUrl, matchBody): what makes two requests "the same" across runs, hosts and ports;
 * - for *storage* (normalizeHar): what a committed cassette may hold — no credentials, no large base64, no
 *   volatile ids or clocks — so re-recording an unchanged API gives an empty diff.
 * Storage keeps every match identity intact: matchUrl(stored url) equals matchUrl(recorded url).
 */

/** Reserved, never-resolving origin (RFC 2606): a stored URL can never reach a real host by mistake. */
export const RECORDED_ORIGIN = 'https://recorded.kling.invalid';
/** `/v1/videos/<family>/<id>`: the one path that names a task (kling-api §2); the id is opaque (kling-api §9b). */
const TASK_PATH = /^(\/v1\/videos\/[a-z0-9-]+\/)[^/]+$/;
const FIXTURE_EPOCH_MS = Date.UTC(2026, 0, 1);
const KEPT_REQUEST_HEADERS = new Set(['content-type']);
const KEPT_RESPONSE_HEADERS = new Set(['content-type', 'retry-after']);

function isApiPath(pathname: string): boolean {
  return pathname.startsWith('/v1/');
}

/** Path and, for the API only, query: a result URL's query carries CDN signatures that change every time. */
function rebase(url: string, mapPath: (path: string) => string): string {
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

/** The task ids the API handed out in a recording: every `task_id` of its JSON answers, in order of appearance. */
function taskIdsOf(har: Har): string[] {
  const ids: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'task_id' && typeof v === 'string' && v !== '' && !ids.includes(v)) ids.push(v);
        else visit(v);
      }
    }
  };
  for (const entry of har.log.entries) {
    const text = entry.response.content.text;
    if (text === undefined || entry.response.content.encoding === 'base64') continue;
    try {
      visit(JSON.parse(text));
    } catch {
      // Not JSON: names no task id.
    }
  }
  return ids;
}

/** Stable stand-ins for the volatile values of one cassette, handed out in order of first appearance. */
class Fixturizer {
  /** Longest first, so an id that contains another is replaced whole. */
  private readonly known: string[];

  constructor(
    private readonly replaceTaskIds: boolean,
    taskIds: readonly string[],
  ) {
    this.known = [...taskIds].sort((a, b) => b.length - a.length);
    for (const id of taskIds) this.taskId(id);
  }

  private readonly taskIds = new Map<string, string>();
  private readonly requestIds = new Map<string, string>();
  private readonly externalIds = new Map<string, string>();
  private t0: number | undefined;

  taskId(id: string): string {
    if (!this.replaceTaskIds) return id;
    let mapped = this.taskIds.get(id);
    if (mapped === undefined) {
      mapped = String(900_000_000_000_001_000n + BigInt(this.taskIds.size));
      this.taskIds.set(id, mapped);
    }
    return mapped;
  }

  requestId(id: string): string {
    let mapped = this.requestIds.get(id);
    if (mapped === undefined) {
      mapped = `00000000-0000-4000-8000-${String(this.requestIds.size + 1).padStart(12, '0')}`;
      this.requestIds.set(id, mapped);
    }
    return mapped;
  }

  /** external_task_id carries the round it was made in; the cassette keeps only which task it named. */
  externalId(id: string): string {
    let mapped = this.externalIds.get(id);
    if (mapped === undefined) {
      mapped = `external-task-${this.externalIds.size + 1}`;
      this.externalIds.set(id, mapped);
    }
    return mapped;
  }

  /** Timestamps keep their distances from the cassette's first one, which moves to a fixed epoch. */
  timestamp(ms: number): number {
    this.t0 ??= ms;
    return FIXTURE_EPOCH_MS + (ms - this.t0);
  }

  /** Every known task id in a text (a path, a message) replaced by its stand-in; ids are opaque strings. */
  text(value: string): string {
    if (!this.replaceTaskIds) return value;
    let out = value;
    for (const id of this.known) if (out.includes(id)) out = out.split(id).join(this.taskId(id));
    return out;
  }

  url(value: string): string {
    return rebase(value, (path) => this.text(path));
  }
}

const TIMESTAMP_KEYS = new Set(['created_at', 'updated_at']);

function fixturizeJson(value: unknown, fx: Fixturizer, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => fixturizeJson(v, fx));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fixturizeJson(v, fx, k)]));
  }
  if (typeof value === 'number' && key !== undefined && TIMESTAMP_KEYS.has(key)) return fx.timestamp(value);
  if (typeof value !== 'string') return value;
  if (key === 'request_id') return fx.requestId(value);
  if (key === 'external_task_id') return fx.externalId(value);
  if (/^https?:\/\//.test(value)) return fx.url(value);
  return fx.text(value);
}

function keepHeaders(headers: readonly NameValue[], kept: ReadonlySet<string>): NameValue[] {
  return headers.filter((h) => kept.has(h.name.toLowerCase())).map((h) => ({ name: h.name.toLowerCase(), value: h.value }));
}

function queryOf(url: string): NameValue[] {
  return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
}

function normalizeJsonText(text: string, fx: Fixturizer, redact: boolean): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    return JSON.stringify(fixturizeJson(redact ? redactBody(parsed) : parsed, fx));
  } catch {
    return fx.text(text);
  }
}

/** A binary body (the result video) is replaced by a short text naming its real size and digest. */
function standIn(content: HarEntry['response']['content']): HarEntry['response']['content'] {
  // Already a stand-in (a cassette normalized before): digesting it again would lose the real size and sha256.
  if (content.comment?.startsWith('stand-in for ') === true) return content;
  const bytes = Buffer.from(content.text ?? '', 'base64');
  const { bytes: size, sha256 } = digestOf(bytes);
  const note = `stand-in for a ${content.mimeType} body of ${size} bytes, sha256 ${sha256}; the file itself is kept with the round's evidence, not in the cassette`;
  const body = Buffer.from(note, 'utf8');
  return { mimeType: content.mimeType, size: body.length, text: body.toString('base64'), encoding: 'base64', comment: note };
}

function normalizeEntry(entry: HarEntry, index: number, fx: Fixturizer): HarEntry {
  const url = fx.url(entry.request.url);
  const postText = entry.request.postData?.text;
  const requestBody = postText === undefined ? undefined : normalizeJsonText(postText, fx, true);
  const content = entry.response.content;
  const responseContent =
    content.encoding === 'base64'
      ? standIn(content)
      : (() => {
          const text = content.text === undefined ? undefined : normalizeJsonText(content.text, fx, true);
          return {
            mimeType: content.mimeType,
            size: text === undefined ? 0 : Buffer.byteLength(text),
            ...(text === undefined ? {} : { text }),
          };
        })();
  return {
    _id: entry._id,
    _order: entry._order,
    startedDateTime: new Date(FIXTURE_EPOCH_MS + index * 1000).toISOString(),
    time: 0,
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 0, receive: 0, ssl: -1 },
    cache: {},
    request: {
      method: entry.request.method,
      url,
      httpVersion: entry.request.httpVersion,
      headers: keepHeaders(entry.request.headers, KEPT_REQUEST_HEADERS),
      headersSize: -1,
      queryString: queryOf(url),
      cookies: [],
      ...(requestBody === undefined
        ? {}
        : {
            bodySize: Buffer.byteLength(requestBody),
            postData: { mimeType: entry.request.postData?.mimeType ?? 'application/json', text: requestBody },
          }),
    },
    response: {
      status: entry.response.status,
      statusText: entry.response.statusText,
      httpVersion: entry.response.httpVersion,
      headers: keepHeaders(entry.response.headers, KEPT_RESPONSE_HEADERS),
      headersSize: -1,
      cookies: [],
      redirectURL: '',
      bodySize: responseContent.size ?? 0,
      content: responseContent,
    },
  };
}

/**
 * The cassette as it may be committed. Pure: the same recording always normalizes to the same bytes. A
 * transcription keeps its task ids: they are the preserved facts, not per-run noise.
 */
export function normalizeHar(har: Har, options: { comment: string; keepTaskIds?: boolean }): Har {
  const fx = new Fixturizer(options.keepTaskIds !== true, taskIdsOf(har));
  return {
    log: {
      _recordingName: har.log._recordingName,
      creator: har.log.creator,
      version: har.log.version,
      comment: options.comment,
      pages: [],
      entries: har.log.entries.map((entry, i) => normalizeEntry(entry, i, fx)),
    },
  };
}
