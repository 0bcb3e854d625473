import { KlingApiError, NoAnswerError, RequestNotSentError } from './errors.ts';

/**
 * Bounded retry with exponential backoff for idempotent calls (query, lookup, list, download). Hand-written rather
 * than a retry library because the decision depends on the Kling `code` inside the body (429 is both billing and
 * throttling, contract §6) and the wait must go through an injected sleep so replay is instant.
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

/** §6: throttling codes; Kling asks for backoff starting at 1 s or more. */
const THROTTLE_CODES = new Set([1302, 1303]);

/** The wait before the next attempt, or undefined when the error must not be retried. */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy): number | undefined {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  if (error instanceof RequestNotSentError || error instanceof NoAnswerError) return backoff;
  if (error instanceof KlingApiError) {
    const throttled = error.httpStatus === 429 && (error.code === undefined || THROTTLE_CODES.has(error.code));
    if (throttled || error.httpStatus >= 500) {
      if (error.retryAfterMs === undefined) return backoff;
      return error.retryAfterMs <= policy.maxRetryAfterMs ? error.retryAfterMs : undefined;
    }
  }
  return undefined;
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

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
