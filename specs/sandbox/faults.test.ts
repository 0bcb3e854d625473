import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { createTokenSource } from '../../helpers/kling/auth.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';
import { KlingClient } from '../../helpers/kling/client.ts';
import { downloadToFile } from '../../helpers/kling/downloader.ts';
import { CreateOutcomeUnknownError } from '../../helpers/kling/errors.ts';
import { pollUntilTerminal } from '../../helpers/kling/poller.ts';
import type { FaultRule } from '../../helpers/sandbox/faults.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { call, dataOf } from '../support/sandbox-http.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

const servers = serversStoppedAfterEach();

const t2v = buildText2videoNoModel({ prompt: 'A paper boat drifts across a calm pond.' });
const noSleep = () => Promise.resolve();

async function withFaults(...faults: FaultRule[]) {
  const sandbox = await startSandbox({ faults, timeScale: 0.01 });
  servers.sandbox = sandbox;
  const client = new KlingClient({ baseUrl: sandbox.url, token: createTokenSource(sandbox.credentials), sleep: noSleep, timeoutMs: 2000 });
  return { sandbox, client };
}

describe('Sandbox | fault injection, per route and call number', () => {
  it('reset before the request is read: no task exists, and the client cannot tell it apart from a lost answer', async () => {
    const { sandbox, client } = await withFaults({ route: 'create', calls: [1], fault: { kind: 'reset-before-read' } });
    await expect(client.create(t2v.family, t2v.body)).rejects.toBeInstanceOf(CreateOutcomeUnknownError);
    expect(sandbox.state.tasksCreated.text2video).toBe(0);
    expect(sandbox.state.createsReceived.text2video).toBe(1);
  });

  it('reset after the task exists: it is billed and findable by external_task_id, though the client got no answer', async () => {
    const { sandbox, client } = await withFaults({ route: 'create', calls: [1], fault: { kind: 'reset-after-create' } });
    await expect(client.create(t2v.family, { ...t2v.body, external_task_id: 'row-b-r1' })).rejects.toMatchObject({ reason: 'no-answer' });
    expect(sandbox.state.tasksCreated.text2video).toBe(1);
    expect(sandbox.state.tasksByExternalId.get('row-b-r1')).toBe(1);
    const found = await client.lookupByExternalId('text2video', 'row-b-r1');
    expect(found !== 'not-found' && found.value.task_info?.external_task_id).toBe('row-b-r1');
  });

  it.each([
    [5000, 500],
    [5001, 503],
    [5002, 504],
  ] as const)('answers code %i with HTTP %i, and creates nothing', async (code, httpStatus) => {
    const { sandbox } = await withFaults({ route: 'create', calls: [1], fault: { kind: 'server-error', code } });
    const answer = await call(sandbox.url, 'POST', '/v1/videos/text2video', { body: t2v.body });
    expect(answer).toMatchObject({ status: httpStatus, json: { code } });
    expect(sandbox.state.tasksCreated.text2video).toBe(0);
  });

  it('throttles with 429 and Retry-After on the call it names, and only that one', async () => {
    const { sandbox } = await withFaults({ route: 'query', calls: [2], fault: { kind: 'throttle', code: 1303, retryAfterSeconds: 4 } });
    const id = dataOf(await call(sandbox.url, 'POST', '/v1/videos/text2video', { body: t2v.body })).task_id as string;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call(sandbox.url, 'GET', `/v1/videos/text2video/${id}`));
    expect(answers.map((a) => a.status)).toEqual([200, 429, 200]);
    expect(answers[1]?.headers.get('retry-after')).toBe('4');
    expect(answers[1]?.json.code).toBe(1303);
  });

  it('answers malformed JSON under HTTP 200', async () => {
    const { sandbox } = await withFaults({ route: 'list', calls: 'every', fault: { kind: 'malformed-json' } });
    const answer = await call(sandbox.url, 'GET', '/v1/videos/text2video');
    expect(answer.status).toBe(200);
    expect(() => JSON.parse(answer.text) as unknown).toThrow();
  });

  it('answers slowly', async () => {
    const { sandbox } = await withFaults({ route: 'list', calls: [1], fault: { kind: 'slow', delayMs: 150 } });
    const started = performance.now();
    await call(sandbox.url, 'GET', '/v1/videos/text2video');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('keeps a task stuck in processing', async () => {
    const { sandbox } = await withFaults({ route: 'create', calls: [1], fault: { kind: 'stuck' } });
    const id = dataOf(await call(sandbox.url, 'POST', '/v1/videos/text2video', { body: t2v.body })).task_id as string;
    await new Promise((r) => setTimeout(r, 100));
    expect(dataOf(await call(sandbox.url, 'GET', `/v1/videos/text2video/${id}`)).task_status).toBe('processing');
  });

  it('cuts a download mid-body after the bytes it names', async () => {
    const { sandbox } = await withFaults({ route: 'download', calls: [1], fault: { kind: 'cut-download', afterBytes: 1000 } });
    const id = dataOf(await call(sandbox.url, 'POST', '/v1/videos/text2video', { body: t2v.body })).task_id as string;
    await new Promise((r) => setTimeout(r, 80));
    const response = await fetch(`${sandbox.url}/files/${id}.mp4`);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(1000);
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect((await fetch(`${sandbox.url}/files/${id}.mp4`)).status).toBe(200);
  });

  it('takes faults injected while running', async () => {
    const { sandbox } = await withFaults();
    sandbox.inject({ route: 'list', calls: [1], fault: { kind: 'server-error', code: 5001 } });
    expect((await call(sandbox.url, 'GET', '/v1/videos/text2video')).status).toBe(503);
  });
});

describe('Sandbox | introspection', () => {
  it('records every request with Authorization redacted, and counts creates received apart from tasks created', async () => {
    const { sandbox } = await withFaults();
    await call(sandbox.url, 'POST', '/v1/videos/text2video', { body: { ...t2v.body, external_task_id: 'e1' } });
    await call(sandbox.url, 'POST', '/v1/videos/text2video', { body: { ...t2v.body, mode: 'bogus' } });
    await call(sandbox.url, 'GET', '/v1/videos/text2video?pageNum=1&pageSize=5');
    expect(sandbox.state.requests.map((r) => `${r.route} ${r.method} ${r.path}`)).toEqual([
      'create POST /v1/videos/text2video',
      'create POST /v1/videos/text2video',
      'list GET /v1/videos/text2video?pageNum=1&pageSize=5',
    ]);
    expect(sandbox.state.requests.every((r) => r.headers.authorization === '[redacted]')).toBe(true);
    expect(JSON.stringify(sandbox.state.requests)).not.toMatch(/eyJ/);
    expect(sandbox.state.requests[0]?.body).toMatchObject({ external_task_id: 'e1' });
    expect(sandbox.state.createsReceived.text2video).toBe(2);
    expect(sandbox.state.tasksCreated.text2video).toBe(1);
    expect([...sandbox.state.tasksByExternalId]).toEqual([['e1', 1]]);
  });
});

describe('Sandbox | driven by the harness client end to end', () => {
  it('create → poll → download with the scaffold client, poller and downloader', async () => {
    const { sandbox, client } = await withFaults({ route: 'query', calls: [1], fault: { kind: 'server-error', code: 5000 } });
    const created = await client.create(t2v.family, t2v.body);
    const statuses: string[] = [];
    const polled = await pollUntilTerminal(
      created.value.task_id,
      () => client.query(t2v.family, created.value.task_id),
      (a) => a.value.task_status,
      {
        schedule: { initialDelayMs: 20, maxDelayMs: 20 },
        onStatus: (c) => statuses.push(c.to),
      },
    );
    expect(polled.final.value.task_status).toBe('succeed');
    expect(statuses.at(-1)).toBe('succeed');
    const videoUrl = polled.final.value.task_result?.videos?.[0]?.url ?? '';
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-e2e-'));
    const saved = await downloadToFile(videoUrl, join(dir, 'result.mp4'), { sleep: noSleep });
    expect(saved.bytes).toBeGreaterThan(1000);
    expect(sandbox.state.tasksCreated.text2video).toBe(1);
    expect(polled.final.drift).toEqual([]);
  });
});
