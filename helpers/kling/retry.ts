import { SERVER_ERROR_CODES } from './answer-reading.ts';
import { KlingApiError, NoAnswerError, NotKlingAnswerError, RequestNotSentError } from './errors.ts';

/**
 * Bounded retry with exponential backoff for idempotent calls (query, lookup, list, download). Hand-written rather
 * than a retry library because the decision depends on the Kling `code` inside the body (429 is both billing and
 * throttling, kling-api §6) and the wait must go through an injected sleep so replay is instant.
 */

export type Sleep = (ms: number) => Promise<void>;

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking for a longer wait than this is not retried: the error surfaces instead of a silent stall. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/** kling-api §6: throttling codes; Kling asks for backoff starting at 1 s or more. */
const THROTTLE_CODES = new Set([1302, 1303]);

/** The wait before the next attempt, or undefined when the error must not be retried. */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy): number | undefined {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  if (error instanceof RequestNotSentError || error instanceof NoAnswerError) return backoff;
  // A Kling throttle or server error, a gateway's 429 or 5xx in front of the API, or a success whose body came
  // through unreadable may pass; billing problems (1100–1102, also 429), redirects and other refusals will not.
  const transient =
    (error instanceof KlingApiError && (THROTTLE_CODES.has(error.code) || SERVER_ERROR_CODES.has(error.code) || error.httpStatus >= 500)) ||
    (error instanceof NotKlingAnswerError && (error.httpStatus === 429 || error.httpStatus >= 500 || error.httpStatus < 300));
  if (!transient) return undefined;
  if (error.retryAfterMs === undefined) return backoff;
  return error.retryAfterMs <= policy.maxRetryAfterMs ? error.retryAfterMs : undefined;
}

export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: { policy: RetryPolicy; sleep: Sleep; onRetry?: (error: unknown, attempt: number, delayMs: number) => void },
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const delay = n < options.policy.maxAttempts ? retryDelay(error, n, options.policy) : undefined;
      if (delay === undefined) throw error;
      options.onRetry?.(error, n, delay);
      await options.sleep(delay);
    }
  }
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  // A blank value is neither (Date.parse gives NaN); a number padded with spaces is still seconds, not a date.
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
