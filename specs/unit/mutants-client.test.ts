import { afterEach, describe, expect, it, vi } from 'vitest';
import { KlingClient, type KlingClientOptions } from '../../helpers/kling/client.ts';
import { CreateOutcomeUnknownError, KlingApiError, RequestNotSentError, TransportAbort } from '../../helpers/kling/errors.ts';
import { createFetchContext } from '../../helpers/kling/http-context.ts';
import { createdBody, taskBody } from '../support/kling-bodies.ts';
import { sendJson, startLoopbackServer, type Handler } from '../support/loopback-server.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/**
 * The client to the letter: the exact error and detail of each create outcome at the edges of "server error",
 * the headers of each request, when a token is signed afresh, what each retry is told, and the paths and queries
 * of the free calls. A create that changes class here changes whether the next run creates again.
 */

const TASK = '867283741759111202';
const body = { prompt: 'A paper boat.', duration: '5', mode: 'std' } as const;
const servers = serversStoppedAfterEach();

async function clientFor(handler: Handler, options: Partial<KlingClientOptions> = {}) {
  servers.scripted = await startLoopbackServer(handler);
  const sleeps: number[] = [];
  const tokens: boolean[] = [];
  const retries: [string, unknown, number, number][] = [];
  const client = new KlingClient({
    baseUrl: servers.scripted.url,
    token: (options) => {
      const fresh = options?.fresh === true;
      tokens.push(fresh);
      return Promise.resolve(fresh ? 'fresh-token' : 'cached-token');
    },
    sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    onRetry: (stage, error, attempt, ms) => retries.push([stage, error, attempt, ms]),
    ...options,
  });
  return { client, sleeps, tokens, retries, requests: servers.scripted.requests, host: new URL(servers.scripted.url).host };
}

const thrown = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );
const kling =
  (status: number, code: number, message = 'm'): Handler =>
  (_q, res) =>
    sendJson(res, status, { code, message, request_id: 'rq' });

describe('Client | a create: a task, a refusal, or an unknown outcome', () => {
  it('a task: its value, status, request id, no drift, and the body as received', async () => {
    const answer = createdBody(TASK, 'ext-1');
    const { client, requests } = await clientFor((_q, res) => sendJson(res, 200, answer));
    expect(await client.create('text2video', body)).toEqual({
      value: answer.data,
      httpStatus: 200,
      requestId: answer.request_id,
      drift: [],
      body: answer,
    });
    expect(requests[0]?.headers).toMatchObject({
      authorization: 'Bearer cached-token',
      accept: 'application/json',
      'content-type': 'application/json',
    });
  });

  it('a documented refusal under HTTP 499 is a refusal; the same under 500 may have made the task', async () => {
    const refused = await clientFor(kling(499, 1201));
    expect(await thrown(refused.client.create('text2video', body))).toMatchObject({
      name: 'KlingApiError',
      stage: 'create',
      httpStatus: 499,
      code: 1201,
      klingMessage: 'm',
      requestId: 'rq',
    });
    await servers.scripted?.close();
    const server = await clientFor(kling(500, 1201));
    const error = await thrown(server.client.create('text2video', body));
    expect(error).toBeInstanceOf(CreateOutcomeUnknownError);
    expect(error).toMatchObject({ reason: 'server-error', detail: 'HTTP 500, code 1201: a server error can come after the task was made' });
    expect(server.requests).toHaveLength(1);
  });

  it('5000–5002 under any status are server errors; 1303 under 200 is a refusal, never retried', async () => {
    const { client, requests, sleeps } = await clientFor((_q, res, i) =>
      sendJson(res, 200, { code: [5002, 1303][i] ?? 0, message: 'x', request_id: 'rq' }),
    );
    expect(await thrown(client.create('text2video', body))).toMatchObject({
      reason: 'server-error',
      detail: 'HTTP 200, code 5002: a server error can come after the task was made',
    });
    expect(await thrown(client.create('text2video', body))).toMatchObject({ name: 'KlingApiError', code: 1303, httpStatus: 200 });
    expect(requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('what is not a Kling answer, and an accepted answer without a readable task, say why', async () => {
    const gateway = await clientFor((_q, res) => sendJson(res, 404, { code: 404 }));
    expect(await thrown(gateway.client.create('text2video', body))).toMatchObject({
      reason: 'not-kling',
      detail: 'not a Kling answer: HTTP 404 with code 404, which is not a Kling code',
    });
    await servers.scripted?.close();
    const shapeless = await clientFor((_q, res) => sendJson(res, 200, { code: 0, message: 'SUCCEED', data: { task_status: 'submitted' } }));
    expect(await thrown(shapeless.client.create('text2video', body))).toMatchObject({
      reason: 'response-shape',
      detail: 'accepted with code 0, but the task cannot be read',
    });
  });

  it('no answer names the host it did not come from', async () => {
    const { client, host } = await clientFor((_q, res) => res.socket?.destroy());
    const error = await thrown(client.create('text2video', body));
    expect(error).toMatchObject({ name: 'CreateOutcomeUnknownError', reason: 'no-answer' });
    expect((error as CreateOutcomeUnknownError).detail).toMatch(new RegExp(` from ${host.replace(/[.]/g, '\\.')}$`));
  });

  it("the transport's own refusal (no recording) passes through untouched, on a create and a query alike", async () => {
    const http = createFetchContext();
    const abort = new TransportAbort('no recording for this request');
    http.fetch = () => Promise.reject(abort);
    const { client, requests, retries } = await clientFor(kling(200, 0), { http });
    expect(await thrown(client.create('text2video', body))).toBe(abort);
    expect(await thrown(client.query('text2video', TASK))).toBe(abort);
    expect(requests).toHaveLength(0);
    expect(retries).toEqual([]);
  });
});

describe('Client | queries, the token and retries', () => {
  it('a GET carries no content-type; each request is signed with the cached token', async () => {
    const { client, requests, tokens } = await clientFor((_q, res) => sendJson(res, 200, taskBody('processing')));
    await client.query('text2video', TASK);
    expect(requests[0]?.headers).toMatchObject({ authorization: 'Bearer cached-token', accept: 'application/json' });
    expect(requests[0]?.headers).not.toHaveProperty('content-type');
    expect(tokens).toEqual([false]);
  });

  it('1002 is signed afresh once, a second apart; a second 1002 is the error', async () => {
    const { client, requests, tokens, sleeps } = await clientFor(kling(401, 1002));
    const error = await thrown(client.query('text2video', TASK));
    expect(error).toBeInstanceOf(KlingApiError);
    expect(error).toMatchObject({ code: 1002 });
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer cached-token', 'Bearer fresh-token']);
    expect(tokens).toEqual([false, true]);
    expect(sleeps).toEqual([1100]);
  });

  it('another refusal is not re-signed; after one re-signing, a server error is retried without another', async () => {
    const refused = await clientFor(kling(401, 1004));
    await thrown(refused.client.query('text2video', TASK));
    expect(refused.tokens).toEqual([false]);
    await servers.scripted?.close();
    const answers = [kling(401, 1002), kling(503, 5001), kling(401, 1002)];
    const { client, tokens, sleeps, retries } = await clientFor((q, res, i) => (answers[i] ?? kling(200, 0))(q, res, i), {
      retry: { maxAttempts: 2 },
    });
    const error = await thrown(client.query('text2video', TASK));
    expect(error).toMatchObject({ code: 1002 });
    expect(tokens).toEqual([false, true, false]);
    expect(sleeps).toEqual([1100, 1000]);
    expect(retries.map(([stage, e, attempt, ms]) => [stage, (e as KlingApiError).code, attempt, ms])).toEqual([['query', 5001, 1, 1000]]);
  });

  it('each retry is told its stage, error, attempt and wait', async () => {
    const { client, retries } = await clientFor((q, res, i) => (i === 0 ? kling(429, 1303) : kling(200, 0))(q, res, i));
    await thrown(client.list('image2video'));
    expect(retries.map(([stage, e, attempt, ms]) => [stage, (e as KlingApiError).code, attempt, ms])).toEqual([['list', 1303, 1, 1000]]);
  });

  it('a connection refused is never sent, named with its host, after every attempt', async () => {
    const { client, host } = await clientFor(kling(200, 0), { retry: { maxAttempts: 2 } });
    await servers.scripted?.close();
    servers.scripted = undefined;
    const error = await thrown(client.query('text2video', TASK));
    expect(error).toBeInstanceOf(RequestNotSentError);
    expect(error).toMatchObject({ stage: 'query', host });
  });
});

describe('Client | lookups and the free calls', () => {
  it('1203 under a server error is no proof of absence: the error surfaces', async () => {
    const { client, requests } = await clientFor(kling(500, 1203, 'task not found'), { retry: { maxAttempts: 1 } });
    expect(await thrown(client.lookupByExternalId('text2video', 'ext-1'))).toMatchObject({
      name: 'KlingApiError',
      code: 1203,
      httpStatus: 500,
    });
    expect(requests).toHaveLength(1);
  });

  it('a found task that names no external id, an empty one, or ours, is returned; the id is escaped in the path', async () => {
    const answers = [
      taskBody('processing', { task_info: {} }),
      taskBody('processing', { task_info: { external_task_id: '' } }),
      taskBody('processing', { task_info: { external_task_id: 'a/b c' } }),
    ];
    const { client, requests } = await clientFor((_q, res, i) => sendJson(res, 200, answers[i]));
    for (let i = 0; i < answers.length; i++) {
      const found = await client.lookupByExternalId('text2video', 'a/b c');
      expect(found === 'not-found' ? undefined : found.value.task_id).toBe(TASK);
    }
    expect(requests[0]?.url).toBe('/v1/videos/text2video/a%2Fb%20c');
  });

  it('lists page 1 of 30 by default; the account check asks for its window', async () => {
    const { client, requests } = await clientFor((q, res) =>
      q.url.startsWith('/account')
        ? sendJson(res, 200, {
            code: 0,
            message: 'SUCCEED',
            request_id: 'a',
            data: { code: 0, msg: 'ok', resource_pack_subscribe_infos: [] },
          })
        : sendJson(res, 200, { code: 0, message: 'SUCCEED', data: [] }),
    );
    await client.list('text2video');
    await thrown(client.accountCosts({ fromMs: 1, toMs: 2 }));
    expect(requests.map((r) => r.url)).toEqual(['/v1/videos/text2video?pageNum=1&pageSize=30', '/account/costs?start_time=1&end_time=2']);
  });
  it('a query, a lookup, a list and the account check each hand the transport an explicit GET, not its default', async () => {
    // The recorder swaps the context's fetch (polly.ts) and reads the method from what the client hands it: a request
    // that leaves the method out is named by each transport's own default, not by the client.
    const context = createFetchContext();
    const { client } = await clientFor(
      (q, res) => sendJson(res, 200, q.url.includes('?') ? { code: 0, message: 'SUCCEED', data: [] } : taskBody('succeed')),
      { http: context },
    );
    const methods: (string | undefined)[] = [];
    const original = context.fetch;
    context.fetch = ((url: string, init?: Parameters<typeof original>[1]) => {
      methods.push(init?.method);
      return original(url, init);
    }) as typeof context.fetch;
    await client.query('text2video', TASK);
    await client.lookupByExternalId('text2video', 'ext-1');
    await client.list('text2video');
    await thrown(client.accountCosts({ fromMs: 1, toMs: 2 }));
    await client.create('text2video', body);
    expect(methods).toEqual(['GET', 'GET', 'GET', 'GET', 'POST']);
  });
});

describe('Client | its settings', () => {
  afterEach(() => vi.restoreAllMocks());

  it('trims every trailing slash of the base URL', () => {
    expect(new KlingClient({ token: () => Promise.resolve('t'), baseUrl: 'http://127.0.0.1:9///' }).baseUrl).toBe('http://127.0.0.1:9');
  });

  it('gives each request 60 s by default, or what it is told', async () => {
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    const { client } = await clientFor((_q, res) => sendJson(res, 200, taskBody('processing')));
    await client.query('text2video', TASK);
    expect(timeout).toHaveBeenLastCalledWith(60_000);
    const quick = new KlingClient({ baseUrl: servers.scripted?.url ?? '', token: () => Promise.resolve('t'), timeoutMs: 1234 });
    await quick.query('text2video', TASK);
    expect(timeout).toHaveBeenLastCalledWith(1234);
  });

  it('reads Retry-After as seconds from the answer', async () => {
    const { client, sleeps } = await clientFor((q, res, i) =>
      i === 0 ? sendJson(res, 503, { code: 5001, message: 'm' }, { 'retry-after': '2' }) : kling(200, 0)(q, res, i),
    );
    await thrown(client.query('text2video', TASK));
    expect(sleeps).toEqual([2000]);
  });

  it('without a sleep of its own, it waits in real time between attempts', async () => {
    servers.scripted = await startLoopbackServer((q, res, i) => (i === 0 ? kling(503, 5001) : kling(200, 0))(q, res, i));
    const real = new KlingClient({ baseUrl: servers.scripted.url, token: () => Promise.resolve('t'), retry: { baseDelayMs: 40 } });
    const started = performance.now();
    await thrown(real.list('text2video'));
    expect(servers.scripted.requests).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});
