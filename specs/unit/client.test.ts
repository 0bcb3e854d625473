import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenSource } from '../../helpers/kling/auth.ts';
import { GLOBAL_BASE_URL, KlingClient, type KlingClientOptions } from '../../helpers/kling/client.ts';
import {
  CreateOutcomeUnknownError,
  KlingApiError,
  NoAnswerError,
  NotKlingAnswerError,
  RequestNotSentError,
  ResponseShapeError,
  WrongTaskError,
} from '../../helpers/kling/errors.ts';
import { MAX_ANSWER_BYTES, createFetchContext } from '../../helpers/kling/http-context.ts';
import { downloadToFile } from '../../helpers/kling/downloader.ts';
import { createdBody, taskBody } from '../support/kling-bodies.ts';
import { sendJson, startLoopbackServer, type Handler } from '../support/loopback-server.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The task id the contract-shaped bodies carry. */
const TASK = '867283741759111202';
const credentials = { accessKey: 'ak-client-test', secretKey: 'sk-client-test-secret' };
const body = { prompt: 'A paper boat drifts across a calm pond.', duration: '5', mode: 'std', aspect_ratio: '16:9' } as const;

const servers = serversStoppedAfterEach();

async function clientFor(handler: Handler, options: Partial<KlingClientOptions> = {}) {
  const server = await startLoopbackServer(handler);
  servers.scripted = server;
  const sleeps: number[] = [];
  const client = new KlingClient({
    baseUrl: server.url,
    token: createTokenSource(credentials),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...options,
  });
  return { client, sleeps, requests: server.requests };
}

const error =
  (status: number, code: number, message: string, headers: Record<string, string> = {}): Handler =>
  (_req, res) =>
    sendJson(res, status, { code, message, request_id: 'req-err-1' }, headers);

describe('Client | create', () => {
  it('POSTs the body once to the family path with a Bearer JWT signed by the secret key', async () => {
    const { client, requests } = await clientFor((_req, res) => sendJson(res, 200, createdBody('867283741759111202', 'ext-1')));
    const answer = await client.create('text2video', body);
    expect(answer.value).toMatchObject({ task_id: '867283741759111202', task_status: 'submitted' });
    expect(answer.requestId).toBe('2b0bd5d4-5f8e-4c1a-9a53-0d0e7a7c8f11');
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req).toMatchObject({ method: 'POST', url: '/v1/videos/text2video' });
    expect(JSON.parse(req?.body ?? '')).toEqual(body);
    expect(req?.headers['content-type']).toBe('application/json');
    const auth = req?.headers.authorization ?? '';
    expect(auth).toMatch(/^Bearer [^ ]+$/);
    const { payload } = await jwtVerify(auth.slice('Bearer '.length), new TextEncoder().encode(credentials.secretKey));
    expect(payload.iss).toBe(credentials.accessKey);
  });

  it.each([
    ['1303 concurrency', 429, 1303],
    ['1302 rate limit', 429, 1302],
  ])('is never retried, even on %s', async (_name, status, code) => {
    const { client, requests, sleeps } = await clientFor(error(status, code, 'x', { 'retry-after': '1' }));
    const thrown = await client.create('text2video', body).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(KlingApiError);
    expect(thrown).toMatchObject({ httpStatus: status, code, requestId: 'req-err-1', stage: 'create' });
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it.each([
    ['500/5000', 500, 5000],
    ['503/5001', 503, 5001],
    ['504/5002', 504, 5002],
    ['5000 under HTTP 200', 200, 5000],
    ['1201 under HTTP 502', 502, 1201],
  ])(
    'a server error (%s) can come after the task was made: an unknown outcome, not a refusal, and never retried',
    async (_n, status, code) => {
      const { client, requests, sleeps } = await clientFor(error(status, code, 'x', { 'retry-after': '1' }));
      const thrown = await client.create('text2video', body).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(CreateOutcomeUnknownError);
      expect(thrown).toMatchObject({ reason: 'server-error' });
      expect(requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    },
  );

  it.each([
    ['a 307 to the same URL', 307, '/v1/videos/text2video'],
    ['a 308 to another host', 308, 'http://localhost:9/v1/videos/text2video'],
    ['a 302', 302, '/elsewhere'],
  ])('a redirect (%s) is never followed: one POST, and the outcome is unknown', async (_name, status, location) => {
    const { client, requests } = await clientFor((_req, res) => res.writeHead(status, { location }).end());
    const thrown = await client.create('text2video', body).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(CreateOutcomeUnknownError);
    expect(thrown).toMatchObject({ reason: 'not-kling' });
    expect((thrown as Error).message).toContain(`HTTP ${status} redirect`);
    expect(requests.map((r) => r.method)).toEqual(['POST']);
  });

  it.each([
    ["a gateway's JSON 404", 404, { code: 404, message: 'Not Found' }],
    ['JSON with no code', 400, { error: 'bad' }],
    ['an unknown code', 400, { code: 4242, message: 'new' }],
    ['code 0 under HTTP 500', 500, { code: 0, message: 'SUCCEED' }],
    ['a code that is not a number', 400, { code: '1201', message: 'bad' }],
  ])('%s at create is not a Kling answer: the outcome is unknown, not a refusal', async (_name, status, answer) => {
    const { client } = await clientFor((_req, res) => sendJson(res, status, answer));
    await expect(client.create('text2video', body)).rejects.toMatchObject({ name: 'CreateOutcomeUnknownError', reason: 'not-kling' });
  });

  it('decides on code: a non-zero code under HTTP 200 is an error carrying code, message and request_id', async () => {
    const { client } = await clientFor(error(200, 1201, 'model_name is invalid'));
    await expect(client.create('text2video', body)).rejects.toThrow(
      'create: HTTP 200, code 1201: model_name is invalid (request_id req-err-1)',
    );
  });

  it('a connection reset after the request was read is an unknown outcome, not an error to retry', async () => {
    const { client, requests } = await clientFor((_req, res) => res.socket?.destroy());
    const thrown = await client.create('text2video', body).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(CreateOutcomeUnknownError);
    expect(thrown).toMatchObject({ reason: 'no-answer' });
    expect((thrown as Error).message).toContain('look it up by external_task_id before any new create');
    expect(requests).toHaveLength(1);
  });

  it('a timeout is an unknown outcome', async () => {
    const { client } = await clientFor(() => undefined, { timeoutMs: 150 });
    await expect(client.create('text2video', body)).rejects.toMatchObject({
      name: 'CreateOutcomeUnknownError',
      reason: 'no-answer',
      detail: expect.stringMatching(/^TIMEOUT from 127\.0\.0\.1:\d+$/) as string,
    });
  });

  it('an answer that is not JSON is an unknown outcome', async () => {
    const { client } = await clientFor((_req, res) => res.writeHead(200).end('<html>gateway</html>'));
    await expect(client.create('text2video', body)).rejects.toMatchObject({
      name: 'CreateOutcomeUnknownError',
      reason: 'not-kling',
      detail: 'not a Kling answer: HTTP 200 with a body that is not JSON',
    });
  });

  it('code 0 without a task_id is an unknown outcome that names the broken field', async () => {
    const broken = createdBody();
    delete (broken.data as { task_id?: string }).task_id;
    const { client } = await clientFor((_req, res) => sendJson(res, 200, broken));
    const thrown = await client.create('text2video', body).catch((e: unknown) => e);
    expect(thrown).toMatchObject({ reason: 'response-shape', problems: [{ path: 'data.task_id' }] });
  });

  it('a refused connection provably sent nothing', async () => {
    const { client } = await clientFor(() => undefined);
    await servers.scripted?.close();
    servers.scripted = undefined;
    await expect(client.create('text2video', body)).rejects.toBeInstanceOf(RequestNotSentError);
  });
});

describe('Client | query, lookup and list', () => {
  it('retries 5xx with backoff and returns the task', async () => {
    const { client, requests, sleeps } = await clientFor((_req, res, i) =>
      i < 2 ? sendJson(res, 500, { code: 5000, message: 'oops' }) : sendJson(res, 200, taskBody('processing')),
    );
    const answer = await client.query('text2video', '867283741759111202');
    expect(answer.value.task_status).toBe('processing');
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(Array(3).fill('GET /v1/videos/text2video/867283741759111202'));
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('honours Retry-After on 429/1303', async () => {
    const { client, sleeps } = await clientFor((_req, res, i) =>
      i === 0
        ? sendJson(res, 429, { code: 1303, message: 'parallel task over resource pack limit' }, { 'retry-after': '7' })
        : sendJson(res, 200, taskBody('processing')),
    );
    await client.query('text2video', TASK);
    expect(sleeps).toEqual([7000]);
  });

  it('retries an answer that is not JSON', async () => {
    const { client, requests } = await clientFor((_req, res, i) =>
      i === 0 ? res.writeHead(200).end('{"code":0,') : sendJson(res, 200, taskBody('submitted')),
    );
    await client.query('text2video', TASK);
    expect(requests).toHaveLength(2);
  });

  it.each([
    ['400/1201 policy error', 400, 1201],
    ['429/1102 balance exhausted', 429, 1102],
    ['401/1004 token expired', 401, 1004],
  ])('does not retry a %s', async (_name, status, code) => {
    const { client, requests } = await clientFor(error(status, code, 'no'));
    await expect(client.query('text2video', TASK)).rejects.toMatchObject({ httpStatus: status, code });
    expect(requests).toHaveLength(1);
  });

  it('gives up after a bounded number of attempts', async () => {
    const { client, requests } = await clientFor(error(503, 5001, 'maintenance'), { retry: { maxAttempts: 3 } });
    await expect(client.query('text2video', TASK)).rejects.toMatchObject({ code: 5001 });
    expect(requests).toHaveLength(3);
  });

  it('does not wait for a Retry-After beyond its bound: the error surfaces', async () => {
    const { client, requests } = await clientFor(error(429, 1303, 'busy', { 'retry-after': '3600' }));
    await expect(client.query('text2video', TASK)).rejects.toMatchObject({ code: 1303 });
    expect(requests).toHaveLength(1);
  });

  it('a broken required field in a task is a shape error, not retried', async () => {
    const { client, requests } = await clientFor((_req, res) => sendJson(res, 200, taskBody('succeed', { task_status: 'succeeded' })));
    await expect(client.query('text2video', TASK)).rejects.toBeInstanceOf(ResponseShapeError);
    expect(requests).toHaveLength(1);
  });

  it('looks a task up by external_task_id in the path, and says not-found only when the API says 1203', async () => {
    const { client, requests } = await clientFor((req, res) =>
      req.url.endsWith('/row-b-r1')
        ? sendJson(res, 200, taskBody('processing'))
        : sendJson(res, 404, { code: 1203, message: 'task not found' }),
    );
    const found = await client.lookupByExternalId('text2video', 'row-b-r1');
    expect(found !== 'not-found' && found.value.task_status).toBe('processing');
    expect(await client.lookupByExternalId('text2video', 'row-b-r2')).toBe('not-found');
    expect(requests.map((r) => r.url)).toEqual(['/v1/videos/text2video/row-b-r1', '/v1/videos/text2video/row-b-r2']);
  });

  it.each([
    ["a gateway's JSON 404 (no Kling code)", (res: Parameters<Handler>[1]) => sendJson(res, 404, { code: 404, message: 'Not Found' })],
    ['an HTML 404', (res: Parameters<Handler>[1]) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>')],
    ['an empty 404', (res: Parameters<Handler>[1]) => res.writeHead(404).end()],
    ['a 307', (res: Parameters<Handler>[1]) => res.writeHead(307, { location: '/v1/videos/text2video/x' }).end()],
  ])('%s on lookup is no proof of absence: it throws, never says not-found', async (_name, answer) => {
    const { client, requests } = await clientFor((_req, res) => answer(res));
    await expect(client.lookupByExternalId('text2video', 'row-b-r1')).rejects.toBeInstanceOf(NotKlingAnswerError);
    expect(requests).toHaveLength(1);
  });

  it('a lookup that finds a task naming another external_task_id is refused', async () => {
    const { client } = await clientFor((_req, res) =>
      sendJson(res, 200, taskBody('processing', { task_info: { external_task_id: 'row-b-r9' } })),
    );
    await expect(client.lookupByExternalId('text2video', 'row-b-r1')).rejects.toBeInstanceOf(WrongTaskError);
  });

  it('a query answered about another task is refused, not taken for ours', async () => {
    const { client } = await clientFor((_req, res) => sendJson(res, 200, taskBody('succeed')));
    await expect(client.query('text2video', '867283741759111999')).rejects.toThrow(
      'query: asked about task 867283741759111999, the answer is about task 867283741759111202',
    );
  });

  it('a redirect on query is not followed, and not retried', async () => {
    const { client, requests } = await clientFor((_req, res) => res.writeHead(302, { location: 'http://localhost:9/x' }).end());
    await expect(client.query('text2video', TASK)).rejects.toThrow(
      'query: not a Kling answer (HTTP 302 redirect to localhost:9, not followed)',
    );
    expect(requests).toHaveLength(1);
  });

  it('an answer larger than the cap is cut off unread, whatever it declares; a list page may be larger', async () => {
    const huge = Buffer.alloc(MAX_ANSWER_BYTES + 1024, 'a');
    const { client } = await clientFor(
      (req, res) => {
        if (req.url.includes('pageNum=')) sendJson(res, 200, { ...taskBody('succeed'), data: [], pad: 'x'.repeat(MAX_ANSWER_BYTES) });
        else if (req.url.endsWith('/declared')) res.writeHead(200, { 'content-type': 'application/json' }).end(huge);
        else {
          res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
          res.end(huge);
        }
      },
      { retry: { maxAttempts: 1 } },
    );
    await expect(client.query('text2video', 'declared')).rejects.toThrow(/ERR_ANSWER_TOO_LARGE/);
    await expect(client.query('text2video', 'chunked')).rejects.toThrow(/ERR_ANSWER_TOO_LARGE/);
    await expect(client.create('text2video', body)).rejects.toMatchObject({
      reason: 'no-answer',
      detail: expect.stringMatching(/^ERR_ANSWER_TOO_LARGE from /) as string,
    });
    await expect(client.list('text2video')).resolves.toMatchObject({ value: [] });
  });

  it('an answer nested deeper than any API answer is unreadable, not a stack to overflow', async () => {
    const deep = `{"code":0,"message":"SUCCEED","data":{"task_id":"1","task_status":"submitted"},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const { client } = await clientFor((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(deep));
    await expect(client.create('text2video', body)).rejects.toMatchObject({
      reason: 'not-kling',
      detail: 'not a Kling answer: HTTP 200 with a body that is not JSON',
    });
  });

  it('a query refused with 1002 is tried once more with a freshly signed token; a create never is', async () => {
    const tokens: string[] = [];
    const { client, requests } = await clientFor((req, res) => {
      tokens.push(req.headers.authorization ?? '');
      if (tokens.length === 1) sendJson(res, 401, { code: 1002, message: 'Authorization signature is invalid', request_id: 'r' });
      else sendJson(res, 200, taskBody('processing'));
    });
    await expect(client.query('text2video', TASK)).resolves.toMatchObject({ value: { task_status: 'processing' } });
    expect(requests).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
    tokens.length = 0;
    requests.length = 0;
    await expect(client.create('text2video', body)).rejects.toMatchObject({ code: 1002 });
    expect(requests).toHaveLength(1);
  });

  it('lists with pageNum and pageSize', async () => {
    const { client, requests } = await clientFor((_req, res) =>
      sendJson(res, 200, { ...taskBody('succeed'), data: [taskBody('succeed').data] }),
    );
    const answer = await client.list('omni-video', { pageNum: 2, pageSize: 10 });
    expect(answer.value).toHaveLength(1);
    expect(requests[0]?.url).toBe('/v1/videos/omni-video?pageNum=2&pageSize=10');
  });

  it('a network failure on query is retried', async () => {
    const { client, requests } = await clientFor((_req, res, i) =>
      i === 0 ? res.socket?.destroy() : sendJson(res, 200, taskBody('processing')),
    );
    await client.query('text2video', TASK);
    expect(requests).toHaveLength(2);
    expect(new NoAnswerError('query', 'x')).toBeInstanceOf(Error);
  });
});

describe('Client | transport', () => {
  it('goes through the fetch context at call time, so a fetch swapped in later sees every API request (downloads go around it)', async () => {
    const context = createFetchContext();
    const { client } = await clientFor(
      (req, res) => {
        if (req.url.startsWith('/files/')) res.writeHead(200, { 'content-type': 'video/mp4' }).end('mp4');
        else if (req.method === 'POST') sendJson(res, 200, createdBody());
        else if (req.url.includes('?')) sendJson(res, 200, { ...taskBody('succeed'), data: [] });
        else sendJson(res, 200, taskBody('succeed'));
      },
      { http: context },
    );
    const seen: string[] = [];
    const original = context.fetch;
    context.fetch = ((url: string, init?: { method?: string }) => {
      seen.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
      return original(url, init);
    }) as typeof context.fetch;

    await client.create('text2video', body);
    await client.query('text2video', TASK);
    await client.lookupByExternalId('text2video', 'ext-1');
    await client.list('text2video');
    const dir = await mkdtemp(join(tmpdir(), 'kling-transport-'));
    await expect(downloadToFile(`${servers.scripted?.url ?? ''}/files/v.mp4`, join(dir, 'v.mp4'))).rejects.toThrow('not a video');
    expect(seen).toEqual([
      'POST /v1/videos/text2video',
      `GET /v1/videos/text2video/${TASK}`,
      'GET /v1/videos/text2video/ext-1',
      'GET /v1/videos/text2video',
    ]);
  });

  it('defaults to the global host, and takes any base URL from config', () => {
    const token = createTokenSource(credentials);
    expect(new KlingClient({ token }).baseUrl).toBe(GLOBAL_BASE_URL);
    expect(GLOBAL_BASE_URL).toBe('https://api-singapore.klingai.com');
    expect(new KlingClient({ token, baseUrl: 'http://127.0.0.1:9/' }).baseUrl).toBe('http://127.0.0.1:9');
  });
});
