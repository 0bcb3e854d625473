import { describe, expect, it } from 'vitest';
import { KlingApiError, NoAnswerError, NotKlingAnswerError, RequestNotSentError, ResponseShapeError } from '../../helpers/kling/errors.ts';
import { DEFAULT_RETRY, parseRetryAfter, retryDelay } from '../../helpers/kling/retry.ts';

const api = (status: number, code: number, retryAfterMs?: number) => new KlingApiError('query', status, code, 'm', 'r', retryAfterMs);
const gateway = (status: number, retryAfterMs?: number) => new NotKlingAnswerError('query', status, 'no Kling code', retryAfterMs);

describe('Client | retry decision', () => {
  it.each([
    ['network: not sent', new RequestNotSentError('query', 'ECONNREFUSED'), 1000],
    ['network: no answer', new NoAnswerError('query', 'ECONNRESET'), 1000],
    ['500/5000', api(500, 5000), 1000],
    ['503/5001', api(503, 5001), 1000],
    ['504/5002', api(504, 5002), 1000],
    ['429/1302', api(429, 1302), 1000],
    ['429/1303 with Retry-After 7 s', api(429, 1303, 7000), 7000],
    ['a gateway 429 (no Kling code)', gateway(429), 1000],
    ['a gateway 502 with Retry-After 3 s', gateway(502, 3000), 3000],
    ['5000 under HTTP 200', api(200, 5000), 1000],
    ['1303 under HTTP 200', api(200, 1303), 1000],
    ['a 200 whose body is not a Kling envelope', gateway(200), 1000],
  ])('retries %s', (_name, error, expected) => {
    expect(retryDelay(error, 1, DEFAULT_RETRY)).toBe(expected);
  });

  it.each([
    ['400/1201', api(400, 1201)],
    ['400/1200', api(400, 1200)],
    ['401/1004', api(401, 1004)],
    ['429/1100 account exception', api(429, 1100)],
    ['429/1101 arrears', api(429, 1101)],
    ['429/1102 balance', api(429, 1102)],
    ['429/1304 IP whitelist', api(429, 1304)],
    ['403/1103', api(403, 1103)],
    ['404/1203', api(404, 1203)],
    ['a shape error', new ResponseShapeError('query', [], [])],
    ['a redirect', gateway(307)],
    ['a gateway 404', gateway(404)],
    ['a gateway 400', gateway(400)],
    ['1102 under HTTP 200', api(200, 1102)],
    ['anything else', new Error('bug')],
  ])('never retries %s', (_name, error) => {
    expect(retryDelay(error, 1, DEFAULT_RETRY)).toBeUndefined();
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(api(500, 5000), n, DEFAULT_RETRY))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(parseRetryAfter('12', now)).toBe(12_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
