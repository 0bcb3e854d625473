import type { Family } from '../kling/families.ts';

/**
 * Scripted faults, per route and per call number (1-based, counted per route over the sandbox's life), so a test
 * can say "the 2nd query answers 503" or "every download is cut" and know exactly what the client met. A rule may
 * name a family, so one run can meet a different fault on each row.
 *
 * Two kinds of fault: a broken server (resets, 5xx, throttling, slow or cut answers) and a hostile one, which
 * answers what no honest API would — it redirects, it quotes the caller's credentials back, it serves a page as
 * "the video", it claims a success with nothing in it (promises §11).
 */

export type Route = 'create' | 'query' | 'list' | 'download' | 'account';

/** Where a hostile server quotes the request's Authorization header and the access key back. */
export type ReflectPlace =
  /** Create: 400/1201 whose message quotes them (no task is made). */
  | 'create-error'
  /** Any API route: 401/1002 whose message quotes them. */
  | 'auth-error'
  /** Query: task_status_msg quotes them. */
  | 'status-message'
  /** Any API route: an extra field holding them, in the envelope and in `data`. */
  | 'extra-field'
  /** Any route: a response header holding them. */
  | 'header'
  /** Any route: the Content-Type itself holding them. */
  | 'content-type'
  /** Query: the result URL carries the token and the access key in its query string. */
  | 'video-url'
  /** Download: an HTML page quoting them, served as the video. */
  | 'html-video'
  /** Account: a resource pack's name quotes them. */
  | 'pack-name';

export type Fault =
  /** The connection is dropped before the request is read: a create makes no task. */
  | { kind: 'reset-before-read' }
  /** Create only: the task exists (and is billed), then the connection drops before any answer. */
  | { kind: 'reset-after-create' }
  /** Create only: the task exists, and the answer never comes (the connection stays open). */
  | { kind: 'hang-after-create' }
  | { kind: 'server-error'; code: 5000 | 5001 | 5002 }
  /** Create only: the task exists (and is billed), then the answer is a server error. */
  | { kind: 'server-error-after-create'; code: 5000 | 5001 | 5002 }
  | { kind: 'throttle'; code: 1302 | 1303; retryAfterSeconds?: number }
  /** A 200 whose body is cut-off JSON. */
  | { kind: 'malformed-json' }
  /** Delay the answer; combines with any other fault on the same call. */
  | { kind: 'slow'; delayMs: number }
  /** Create only: the task never leaves processing. */
  | { kind: 'stuck' }
  /** Download only: send this many bytes of the declared length, then drop the connection. */
  | { kind: 'cut-download'; afterBytes: number }
  /** Download only: declare more bytes than the body has, send the whole body, then close. */
  | { kind: 'wrong-length'; extraBytes: number }
  | { kind: 'reflect'; where: ReflectPlace }
  /** Any API route: a redirect; `other-host` names the same server by another host name. No task is made. */
  | { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308; to: 'same' | 'other-host' }
  /** Any API route: a gateway in front of the API answering for itself, with no Kling code. */
  | { kind: 'gateway'; status: number; body: 'json-not-found' | 'html' }
  /** Any API route: a 200 JSON answer this many bytes long. */
  | { kind: 'huge-answer'; bytes: number }
  /** Query: `succeed` with an empty video list. */
  | { kind: 'no-videos' }
  /** Query: the answer is about another task than the one asked for. */
  | { kind: 'other-task' }
  /** Download: a result of this many bytes, streamed (an MP4 head, then zeros or printable text). */
  | { kind: 'huge-result'; bytes: number; fill: 'zeros' | 'text' }
  /** Download: for a request with a first frame, a video that starts with another image (a frame of noise). */
  | { kind: 'first-frame-mismatch' }
  /** Download: an HTML page under the given content type, in place of the video. */
  | { kind: 'not-a-video'; contentType: string }
  /**
   * Query or list: the API moved (what `pnpm probe` watches for): a field the docs do not name, a status they do
   * not name, a 22-character task id (kling-api §9b), or the deduction as a number instead of a string.
   */
  | { kind: 'drift'; change: DriftChange };

export type DriftChange = 'new-field' | 'new-status' | 'long-id' | 'numeric-deduction';

export interface FaultRule {
  route: Route;
  calls: readonly number[] | 'every';
  /** Only requests of this family (a download counts for the family of its task). */
  family?: Family;
  fault: Fault;
}

export const SERVER_ERROR_STATUS: Readonly<Record<5000 | 5001 | 5002, number>> = { 5000: 500, 5001: 503, 5002: 504 };

/** The faults that apply to call number `call` of `route`: any delay, then at most one other fault. */
export function faultsFor(
  rules: readonly FaultRule[],
  route: Route,
  call: number,
  family?: Family,
): { delayMs: number; fault: Fault | undefined } {
  const matching = rules
    .filter((r) => r.route === route && (r.calls === 'every' || r.calls.includes(call)) && (r.family === undefined || r.family === family))
    .map((r) => r.fault);
  const delayMs = matching.reduce((sum, f) => sum + (f.kind === 'slow' ? f.delayMs : 0), 0);
  return { delayMs, fault: matching.find((f) => f.kind !== 'slow') };
}
