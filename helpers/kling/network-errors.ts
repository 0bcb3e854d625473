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
]);

/** The innermost error code (undici wraps the socket error as the `cause` of "fetch failed"). */
export function networkErrorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, name, cause } = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    if (name === 'TimeoutError' || name === 'AbortError') return 'TIMEOUT';
    current = cause;
  }
  return error instanceof Error ? error.message : 'unknown network error';
}

export function provablyNotSent(error: unknown): boolean {
  return NOT_SENT_CODES.has(networkErrorCode(error));
}
