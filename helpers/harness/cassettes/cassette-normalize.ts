import type { Har, HarEntry, NameValue } from './cassette-format.ts';
import { Fixturizer, taskIdsOf } from './fixturizer.ts';
import { digestOf, redactBody } from './redact.ts';

/**
 * The cassette as it may be committed (storage; matching is cassette-matching.ts): no credentials, no large base64,
 * no volatile ids or clocks (fixturizer.ts), so re-recording an unchanged API gives an empty diff.
 */

const FIXTURE_EPOCH_MS = Date.UTC(2026, 0, 1);
const KEPT_REQUEST_HEADERS = new Set(['content-type']);
const KEPT_RESPONSE_HEADERS = new Set(['content-type', 'retry-after']);

function keepHeaders(headers: readonly NameValue[], kept: ReadonlySet<string>): NameValue[] {
  return headers.filter((h) => kept.has(h.name.toLowerCase())).map((h) => ({ name: h.name.toLowerCase(), value: h.value }));
}

function queryOf(url: string): NameValue[] {
  return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
}

/** A JSON body with its images as digests and its volatile values stood in for; `ours`: our own request. */
function normalizeJsonText(text: string, fx: Fixturizer, ours: boolean): string {
  try {
    return JSON.stringify(fx.json(redactBody(JSON.parse(text) as unknown), ours));
  } catch {
    return ours ? text : fx.text(text);
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
          const text = content.text === undefined ? undefined : normalizeJsonText(content.text, fx, false);
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
