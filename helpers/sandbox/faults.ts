/**
 * Scripted faults, per route and per call number (1-based, counted per route over the sandbox's life), so a test
 * can say "the 2nd query answers 503" or "every download is cut" and know exactly what the client met.
 */

export type Route = 'create' | 'query' | 'list' | 'download';

export type Fault =
  /** The connection is dropped before the request is read: a create makes no task. */
  | { kind: 'reset-before-read' }
  /** Create only: the task exists (and is billed), then the connection drops before any answer. */
  | { kind: 'reset-after-create' }
  /** Create only: the task exists, and the answer never comes (the connection stays open). */
  | { kind: 'hang-after-create' }
  | { kind: 'server-error'; code: 5000 | 5001 | 5002 }
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
  | { kind: 'wrong-length'; extraBytes: number };

export interface FaultRule {
  route: Route;
  calls: readonly number[] | 'every';
  fault: Fault;
}

export const SERVER_ERROR_STATUS: Readonly<Record<5000 | 5001 | 5002, number>> = { 5000: 500, 5001: 503, 5002: 504 };

/** The faults that apply to call number `call` of `route`: any delay, then at most one other fault. */
export function faultsFor(rules: readonly FaultRule[], route: Route, call: number): { delayMs: number; fault: Fault | undefined } {
  const matching = rules.filter((r) => r.route === route && (r.calls === 'every' || r.calls.includes(call))).map((r) => r.fault);
  const delayMs = matching.reduce((sum, f) => sum + (f.kind === 'slow' ? f.delayMs : 0), 0);
  return { delayMs, fault: matching.find((f) => f.kind !== 'slow') };
}
