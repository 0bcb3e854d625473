import { describe, expect, it } from 'vitest';
import type { SandboxOptions } from '../../helpers/sandbox/options.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { knownGoodBase64 } from '../support/images.ts';
import { call, dataOf } from '../support/sandbox-http.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

const servers = serversStoppedAfterEach();
async function start(options: SandboxOptions = {}): Promise<string> {
  servers.sandbox = await startSandbox(options);
  return servers.sandbox.url;
}

const t2v = { prompt: 'A paper boat drifts across a calm pond.', duration: '5', mode: 'std', aspect_ratio: '16:9' };

describe('Sandbox | routes and envelope (kling-api §2, §5)', () => {
  it('create answers the documented envelope: code 0, SUCCEED, a UUID request_id, an 18-digit task id, ms timestamps', async () => {
    const url = await start();
    const answer = await call(url, 'POST', '/v1/videos/text2video', { body: { ...t2v, external_task_id: 'ext-1' } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ code: 0, message: 'SUCCEED' });
    expect(answer.json.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const data = dataOf(answer);
    expect(data.task_id).toMatch(/^\d{18}$/);
    expect(data).toMatchObject({ task_status: 'submitted', task_info: { external_task_id: 'ext-1' } });
    expect(data.created_at).toBeGreaterThan(1_700_000_000_000);
  });

  it('multi-image2video answers without task_info, as the documented sample does', async () => {
    const url = await start();
    const answer = await call(url, 'POST', '/v1/videos/multi-image2video', {
      body: { prompt: 'p', image_list: [{ image: knownGoodBase64 }] },
    });
    expect(dataOf(answer)).not.toHaveProperty('task_info');
  });

  it('queries a task by task_id, by external_task_id in the path, and by ?external_task_id=', async () => {
    const url = await start();
    const id = dataOf(await call(url, 'POST', '/v1/videos/text2video', { body: { ...t2v, external_task_id: 'row-b-1' } }))
      .task_id as string;
    for (const path of [`/v1/videos/text2video/${id}`, '/v1/videos/text2video/row-b-1', '/v1/videos/text2video?external_task_id=row-b-1']) {
      const answer = await call(url, 'GET', path);
      const data = path.includes('?') ? (answer.json.data as Record<string, unknown>[])[0] : dataOf(answer);
      expect(data, path).toMatchObject({ task_id: id, task_info: { external_task_id: 'row-b-1' } });
    }
  });

  it('keeps families apart: a task is not found under another family', async () => {
    const url = await start();
    const id = dataOf(await call(url, 'POST', '/v1/videos/text2video', { body: t2v })).task_id as string;
    const answer = await call(url, 'GET', `/v1/videos/image2video/${id}`);
    expect([answer.status, answer.json.code]).toEqual([404, 1203]);
  });

  it('lists a family newest first as an array, paged by pageNum and pageSize', async () => {
    const url = await start();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(dataOf(await call(url, 'POST', '/v1/videos/text2video', { body: t2v })).task_id as string);
    await call(url, 'POST', '/v1/videos/omni-video', {
      body: { model_name: 'kling-v3-omni', prompt: 'p', mode: 'std', aspect_ratio: '16:9' },
    });
    const page = await call(url, 'GET', '/v1/videos/text2video?pageNum=1&pageSize=2');
    expect((page.json.data as { task_id: string }[]).map((t) => t.task_id)).toEqual([ids[2], ids[1]]);
    const second = await call(url, 'GET', '/v1/videos/text2video?pageNum=2&pageSize=2');
    expect((second.json.data as { task_id: string }[]).map((t) => t.task_id)).toEqual([ids[0]]);
  });

  it.each([
    ['pageNum=0', 'pageNum'],
    ['pageSize=501', 'pageSize'],
    ['pageNum=1.5', 'pageNum'],
  ])('refuses list paging %s with 1201 naming the field', async (query, field) => {
    const url = await start();
    const answer = await call(url, 'GET', `/v1/videos/text2video?${query}`);
    expect([answer.status, answer.json.code]).toEqual([400, 1201]);
    expect(answer.json.message).toContain(field);
  });

  it('answers a wrong method with 1202 and an unknown family with 1203', async () => {
    const url = await start();
    expect((await call(url, 'DELETE', '/v1/videos/text2video')).json.code).toBe(1202);
    expect((await call(url, 'GET', '/v1/videos/reference2video/1')).json.code).toBe(1203);
  });
});

describe('Sandbox | request judgement as the API does (kling-api §3, §4)', () => {
  it.each([
    ['kling-v1 on text2video (accepted live; refused only by our policy)', 'text2video', { ...t2v, model_name: 'kling-v1' }],
    [
      'the plan row C body with aspect_ratio (a docs/plan disagreement, not a refusal)',
      'image2video',
      { image: knownGoodBase64, prompt: 'p', duration: '5', mode: 'std', aspect_ratio: '16:9' },
    ],
    [
      'multi_shot sent as the string "true", as one of Kling\'s own samples does',
      'text2video',
      { ...t2v, model_name: 'kling-v3', multi_shot: 'true', shot_type: 'intelligence' },
    ],
    ['no model_name and no mode on Omni (server defaults)', 'omni-video', { prompt: 'p', aspect_ratio: '16:9' }],
  ])('accepts %s', async (_name, family, body) => {
    const url = await start();
    const answer = await call(url, 'POST', `/v1/videos/${family}`, { body });
    expect(answer.json, answer.text).toMatchObject({ code: 0 });
  });

  it.each([
    [
      'an unknown model for the family',
      'text2video',
      { ...t2v, model_name: 'kling-v3-omni' },
      404,
      1203,
      'model not found: model_name kling-v3-omni is not supported on text2video',
    ],
    ['a model name rejected in a live probe', 'text2video', { ...t2v, model_name: 'kling-v2-5' }, 404, 1203, 'model not found'],
    ['a bad enum', 'text2video', { ...t2v, mode: 'standard' }, 400, 1201, 'Invalid request field mode'],
    [
      'a bad shape',
      'omni-video',
      { model_name: 'kling-v3-omni', prompt: 'p', image_list: [{ image: knownGoodBase64 }] },
      400,
      1201,
      'Invalid request field image_list[0].image',
    ],
    [
      'a data: URI',
      'image2video',
      { prompt: 'p', image: `data:image/png;base64,${knownGoodBase64}` },
      400,
      1201,
      'File is not in a valid base64 format',
    ],
    ['a missing image', 'image2video', { prompt: 'p' }, 400, 1201, 'image can not be null'],
    ['a duration the default model does not take', 'text2video', { ...t2v, duration: '7' }, 400, 1201, 'Invalid request field duration'],
  ])('refuses %s', async (_name, family, body, status, code, message) => {
    const url = await start();
    const answer = await call(url, 'POST', `/v1/videos/${family}`, { body });
    expect([answer.status, answer.json.code]).toEqual([status, code]);
    expect(answer.json.message).toContain(message);
    expect(servers.sandbox?.state.tasksCreated).toMatchObject({ [family]: 0 });
  });

  it('refuses a body that is not JSON with 1200', async () => {
    const url = await start();
    const answer = await call(url, 'POST', '/v1/videos/text2video', { rawBody: '{"prompt":' });
    expect([answer.status, answer.json.code]).toEqual([400, 1200]);
  });

  it('refuses a duplicate external_task_id, and creates nothing the second time', async () => {
    const url = await start();
    await call(url, 'POST', '/v1/videos/text2video', { body: { ...t2v, external_task_id: 'dup' } });
    const again = await call(url, 'POST', '/v1/videos/text2video', { body: { ...t2v, external_task_id: 'dup' } });
    expect([again.status, again.json.code]).toEqual([400, 1201]);
    expect(again.json.message).toBe('external_task_id dup already exists');
    expect(servers.sandbox?.state.tasksByExternalId.get('dup')).toBe(1);
    expect(servers.sandbox?.state.createsReceived.text2video).toBe(2);
  });
});
