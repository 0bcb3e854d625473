import { describe, expect, it } from 'vitest';
import { KLING_CODES, SERVER_ERROR_CODES, readAnswer } from '../../helpers/kling/answer-reading.ts';
import { KlingApiError, NoAnswerError, NotKlingAnswerError, RequestNotSentError } from '../../helpers/kling/errors.ts';
import { DEFAULT_RETRY, parseRetryAfter, retryDelay, withRetry, type RetryPolicy } from '../../helpers/kling/retry.ts';

/**
 * The retry policy and the reading of an answer to the letter: each edge of each status range, the bounds of the
 * backoff and of Retry-After, how many attempts and sleeps a call makes, and which answers are the API's own.
 */

const api = (status: number, code: number, retryAfterMs?: number) => new KlingApiError('query', status, code, 'm', 'r', retryAfterMs);
const gateway = (status: number, retryAfterMs?: number) => new NotKlingAnswerError('query', status, 'why', retryAfterMs);
const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 250, maxRetryAfterMs: 5000 };

describe('Retry | which failures pass, at the edges', () => {
  it.each([
    [gateway(299), 100],
    [gateway(200), 100],
    [gateway(300), undefined],
    [gateway(399), undefined],
    [gateway(428), undefined],
    [gateway(429), 100],
    [gateway(430), undefined],
    [gateway(499), undefined],
    [gateway(500), 100],
    [api(499, 1201), undefined],
    [api(500, 1201), 100],
    [api(429, 1301), undefined],
    [api(429, 1304), undefined],
    [api(429, 1302), 100],
    [api(200, 5002), 100],
    [api(200, 4999), undefined],
  ])('%s → %s', (error, delay) => {
    expect(retryDelay(error, 1, policy)).toBe(delay);
  });

  it('the network: never sent and no answer both pass, with the same backoff', () => {
    expect(retryDelay(new RequestNotSentError('query', 'ECONNREFUSED'), 2, policy)).toBe(200);
    expect(retryDelay(new NoAnswerError('query', 'ECONNRESET'), 2, policy)).toBe(200);
    expect(retryDelay(new TypeError('bug'), 1, policy)).toBeUndefined();
  });

  it('backoff doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(api(503, 5001), n, policy))).toEqual([100, 200, 250, 250]);
    expect(DEFAULT_RETRY).toEqual({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 });
  });

  it('Retry-After is honoured as asked, zero included, up to its bound; beyond, the error surfaces', () => {
    expect(retryDelay(api(429, 1303, 5000), 1, policy)).toBe(5000);
    expect(retryDelay(api(429, 1303, 0), 3, policy)).toBe(0);
    expect(retryDelay(api(429, 1303, 5001), 1, policy)).toBeUndefined();
    expect(retryDelay(gateway(503, 40), 1, policy)).toBe(40);
    expect(retryDelay(api(400, 1201, 10), 1, policy)).toBeUndefined();
  });
});

describe('Retry | a call and its attempts', () => {
  it('sleeps between attempts with each delay, tells each retry, and returns the first success', async () => {
    const sleeps: number[] = [];
    const told: [unknown, number, number][] = [];
    const failures = [api(503, 5001), api(429, 1303, 42)];
    const seen: number[] = [];
    const result = await withRetry(
      (n) => {
        seen.push(n);
        const failure = failures.shift();
        return failure === undefined ? Promise.resolve('ok') : Promise.reject(failure);
      },
      { policy, sleep: (ms) => Promise.resolve(void sleeps.push(ms)), onRetry: (e, n, ms) => told.push([e, n, ms]) },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    expect(sleeps).toEqual([100, 42]);
    expect(told.map(([e, n, ms]) => [(e as KlingApiError).code, n, ms])).toEqual([
      [5001, 1, 100],
      [1303, 2, 42],
    ]);
  });

  it('gives up after maxAttempts with the last error, and sleeps one time fewer', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const last = api(503, 5001);
    const thrown = await withRetry(
      () => {
        calls += 1;
        return Promise.reject(calls === 3 ? last : api(500, 5000));
      },
      { policy, sleep: (ms) => Promise.resolve(void sleeps.push(ms)) },
    ).catch((e: unknown) => e);
    expect(thrown).toBe(last);
    expect(calls).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('one attempt only: no retry at all; a refusal is thrown at once', async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(api(503, 5001));
    };
    await expect(withRetry(failing, { policy: { ...policy, maxAttempts: 1 }, sleep: () => Promise.resolve() })).rejects.toThrow(
      KlingApiError,
    );
    expect(calls).toBe(1);
    const refusal = api(400, 1201);
    await expect(withRetry(() => Promise.reject(refusal), { policy, sleep: () => Promise.reject(new Error('slept')) })).rejects.toBe(
      refusal,
    );
  });
});

describe('Retry | Retry-After', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');

  it('whole seconds, with spaces around them; an HTTP date from now, never negative; anything else is none', () => {
    expect(parseRetryAfter(' 3 ', now)).toBe(3000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:59:00 GMT', now)).toBe(0);
    for (const none of ['', '   ', 'soon', null]) expect(parseRetryAfter(none, now)).toBeUndefined();
    // Not whole seconds, so read as a date (one long past): no wait, never a negative one.
    expect(parseRetryAfter('1.5', now)).toBe(0);
  });
});

describe("Answer reading | the API's own answers, and what is not", () => {
  const raw = (httpStatus: number, json: unknown, location?: string) => ({ httpStatus, json, retryAfterMs: undefined, location });

  it('code 0 under a 2xx is the API accepting; under 300 or more it is not the API', () => {
    expect(readAnswer(raw(200, { code: 0 }))).toEqual({ kind: 'ok' });
    expect(readAnswer(raw(299, { code: 0 }))).toEqual({ kind: 'ok' });
    expect(readAnswer(raw(400, { code: 0 }))).toEqual({ kind: 'not-kling', why: 'HTTP 400 with code 0' });
  });

  it('a redirect, at either edge of 3xx, is not followed and names where it pointed, or that it could not be read', () => {
    expect(readAnswer(raw(300, { code: 1201 }))).toEqual({ kind: 'not-kling', why: 'HTTP 300 redirect, not followed' });
    expect(readAnswer(raw(399, { code: 0 }, '/v1/x'))).toEqual({
      kind: 'not-kling',
      why: 'HTTP 399 redirect to relative.invalid, not followed',
    });
    expect(readAnswer(raw(307, undefined, 'https://elsewhere.test:8443/a'))).toEqual({
      kind: 'not-kling',
      why: 'HTTP 307 redirect to elsewhere.test:8443, not followed',
    });
    expect(readAnswer(raw(302, undefined, 'http://[broken'))).toEqual({
      kind: 'not-kling',
      why: 'HTTP 302 redirect to an unreadable location, not followed',
    });
    expect(readAnswer(raw(400, { code: 1201, message: 'm' }))).toMatchObject({ kind: 'kling-error', code: 1201 });
  });

  it('a body that is not JSON, has no code, or a code the contract does not list, is not the API', () => {
    expect(readAnswer(raw(502, undefined))).toEqual({ kind: 'not-kling', why: 'HTTP 502 with a body that is not JSON' });
    expect(readAnswer(raw(404, { message: 'Not Found' }))).toEqual({ kind: 'not-kling', why: 'HTTP 404 with no Kling code in the body' });
    expect(readAnswer(raw(404, { code: 404 }))).toEqual({ kind: 'not-kling', why: 'HTTP 404 with code 404, which is not a Kling code' });
  });

  it('a documented code is a refusal in its own words, with its request id', () => {
    expect(readAnswer(raw(429, { code: 1303, message: 'too many', request_id: 'q-1' }))).toEqual({
      kind: 'kling-error',
      code: 1303,
      message: 'too many',
      requestId: 'q-1',
    });
    expect(readAnswer(raw(200, { code: 5001 }))).toEqual({ kind: 'kling-error', code: 5001, message: undefined, requestId: undefined });
  });

  it('the documented codes, and the server errors among them', () => {
    expect([...KLING_CODES]).toEqual([
      0, 1000, 1001, 1002, 1003, 1004, 1100, 1101, 1102, 1103, 1200, 1201, 1202, 1203, 1300, 1301, 1302, 1303, 1304, 5000, 5001, 5002,
    ]);
    expect([...SERVER_ERROR_CODES]).toEqual([5000, 5001, 5002]);
  });
});
