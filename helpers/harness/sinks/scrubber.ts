import { percentDecoded } from '../../kling/text-forms.ts';

/**
 * The one scrubber (promises §5, §11): every byte that leaves the process as text goes through it, whatever a
 * server sent back. A hostile or broken server may quote our Authorization header or access key in an error
 * message, a status message, a header, a URL or a body; the sinks (files, the report, the terminal) apply this
 * before writing, so no answer can carry a secret to disk or a screen.
 *
 * It knows this process's secret values (the keys of the run, every token it signed, each token's payload and
 * signature on their own) and the shapes a secret takes when it is not one of ours: any JWT, any Bearer value,
 * URL user-info.
 */

/** Shorter values are not scrubbed: replacing a 3-letter "key" everywhere would mangle every text. */
export const MIN_SECRET_LENGTH = 6;

const secrets = new Set<string>();

/** Longest first, so a token is replaced whole before any of its parts is. */
let ordered: string[] = [];

export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** A signed JWT, and its payload and signature segments on their own (a server may echo either part). */
export function registerToken(jwt: string): void {
  registerSecret(jwt);
  const [, payload, signature] = jwt.split('.');
  registerSecret(payload);
  registerSecret(signature);
}

/** The values registered so far, for the sinks that cannot rewrite bytes (a video) and must refuse instead. */
export function knownSecrets(): readonly string[] {
  return ordered;
}

// Not preceded by a base64 character, so a JWT-looking run inside a long base64 body is left alone.
const JWT = /(?<![A-Za-z0-9+/_-])eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g;
const BEARER = /\bBearer\s+[^\s"'<>,;]+/gi;
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi;

export const REDACTED = '[redacted]';

/** What ends a run of URL-ish characters around a %XX escape. */
const SEPARATORS = new Set([' ', '\t', '\n', '\r', '"', "'", '<', '>', '\\']);
/** A run is looked at this far each side of its escape at most: a URL, not a whole page. */
const RUN_REACH = 4096;
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}/;
const BEARER_SHAPE = /\bBearer\s+\S/i;

function carriesSecret(text: string): boolean {
  return ordered.some((secret) => text.includes(secret)) || JWT_SHAPE.test(text) || BEARER_SHAPE.test(text);
}

/**
 * A secret spelled with percent escapes (`%68` for `h`) goes whole, with the run that carries it. Found escape by
 * escape, in one pass over the text: a page of megabytes costs a scan, not a backtracking regex.
 */
function scrubEncoded(text: string): string {
  const out: string[] = [];
  let kept = 0;
  for (let at = text.indexOf('%'); at !== -1; at = text.indexOf('%', at + 1)) {
    if (!/^%[0-9A-Fa-f]{2}/.test(text.slice(at, at + 3))) continue;
    let start = at;
    while (start > kept && at - start < RUN_REACH && !SEPARATORS.has(text.charAt(start - 1))) start--;
    let end = at;
    while (end < text.length && end - at < RUN_REACH && !SEPARATORS.has(text.charAt(end))) end++;
    if (carriesSecret(percentDecoded(text.slice(start, end)))) {
      out.push(text.slice(kept, start), REDACTED);
      kept = end;
    }
    at = Math.max(at, end - 1);
  }
  return kept === 0 ? text : out.join('') + text.slice(kept);
}

/**
 * What a reader of the text does not see: control and zero-width characters, and terminal escape sequences (a
 * `cat` of the file renders them away). A secret with any of these inside it still reads as the secret.
 */
const HIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /\u001B\[[0-?]*[ -/]*[@-~]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** The text between `from` and `to` as a reader sees it, with where each visible character came from. */
function visibleSlice(text: string, from: number, to: number): { visible: string; origin: number[] } {
  const origin: number[] = [];
  const parts: string[] = [];
  const slice = text.slice(from, to);
  let at = 0;
  for (const hidden of slice.matchAll(HIDDEN)) {
    parts.push(slice.slice(at, hidden.index));
    for (let i = at; i < hidden.index; i++) origin.push(from + i);
    at = hidden.index + hidden[0].length;
  }
  parts.push(slice.slice(at));
  for (let i = at; i < slice.length; i++) origin.push(from + i);
  return { visible: parts.join(''), origin };
}

/**
 * Registered secrets found in the text as a reader sees it, each redacted with whatever is hidden inside it. A
 * secret split by hidden characters lies within its length of one of them, so only those windows are read: a page
 * of megabytes with a stray zero-width space costs a few kilobytes of work.
 */
function scrubHidden(text: string): string {
  const reach = ordered[0]?.length ?? 0;
  if (reach === 0 || text.search(HIDDEN) === -1) return text;
  const windows: [number, number][] = [];
  for (const hidden of text.matchAll(HIDDEN)) {
    const from = Math.max(0, hidden.index - reach);
    const to = Math.min(text.length, hidden.index + hidden[0].length + reach);
    const last = windows.at(-1);
    if (last !== undefined && from <= last[1]) last[1] = to;
    else windows.push([from, to]);
  }
  const spans: [number, number][] = [];
  for (const [from, to] of windows) {
    const { visible, origin } = visibleSlice(text, from, to);
    for (const secret of ordered) {
      for (let at = visible.indexOf(secret); at !== -1; at = visible.indexOf(secret, at + secret.length)) {
        spans.push([origin[at] ?? from, (origin[at + secret.length - 1] ?? from) + 1]);
      }
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let kept = 0;
  for (const [start, end] of spans) {
    if (start < kept) continue;
    out += `${text.slice(kept, start)}${REDACTED}`;
    kept = end;
  }
  return out + text.slice(kept);
}

export function scrubText(text: string): string {
  let out = text;
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  out = scrubHidden(out);
  if (out.includes('%')) out = scrubEncoded(out);
  return out.replace(BEARER, `Bearer ${REDACTED}`).replace(JWT, '[redacted-jwt]').replace(USER_INFO, `$1${REDACTED}@`);
}

/** Every string of a JSON-like value, keys included, scrubbed; the shape is kept. */
export function scrubJson<T>(value: T): T {
  return scrubValue(value) as T;
}

function scrubValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map(scrubValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrubText(k), scrubValue(v)]));
  }
  return value;
}

/**
 * An error about to be shown (a report step, a test failure): its message, stack and causes scrubbed in place,
 * so its class and fields still mean what they did to the code that catches it.
 */
export function scrubError(error: unknown): void {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    current.message = scrubText(current.message);
    if (current.stack !== undefined) current.stack = scrubText(current.stack);
    current = current.cause;
  }
}

/** An error's message, scrubbed, for a one-line report. */
export function scrubbedMessage(error: unknown): string {
  return scrubText(error instanceof Error ? error.message : String(error));
}
