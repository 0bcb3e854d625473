/**
 * Telling "never sent" from "sent, no answer" on a failed fetch. It matters only for create: a create that was
 * never sent cost nothing and may be tried again within approval; one that may have been sent must be looked up.
 */

/** Failures that happen before a connection exists, so no byte of the request can have reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_LOOPBACK_ONLY',
  // fetch's own refusal of a port it will not connect to (the Fetch standard's "bad port" list).
  'bad port',
]);

/**
 * The innermost error code (undici wraps the socket error as the `cause` of "fetch failed"), or, when no error in
 * the chain has one, the innermost message (undici's own refusals, such as "bad port", carry none).
 */
export function networkErrorCode(error: unknown): string {
  let current: unknown = error;
  let innermost = error instanceof Error ? error.message : 'unknown network error';
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, name, cause, message } = current as { code?: unknown; name?: unknown; cause?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (name === 'TimeoutError' || name === 'AbortError') return 'TIMEOUT';
    if (typeof message === 'string' && message !== '') innermost = message;
    current = cause;
  }
  return innermost;
}

export function provablyNotSent(error: unknown): boolean {
  return NOT_SENT_CODES.has(networkErrorCode(error));
}
