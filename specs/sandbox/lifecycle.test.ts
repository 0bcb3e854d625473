import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { drawKnownGoodPng } from '../../helpers/assets/known-good-image.ts';
import type { SandboxOptions } from '../../helpers/sandbox/options.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { knownGoodBase64 } from '../support/images.ts';
import { call, dataOf } from '../support/sandbox-http.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

const servers = serversStoppedAfterEach();

/** A sandbox on a clock the test moves by hand (starting at real time, so tokens stay valid). */
async function startWithClock(options: SandboxOptions = {}) {
  let now = Date.now();
  servers.sandbox = await startSandbox({ now: () => now, ...options });
  return { url: servers.sandbox.url, advance: (ms: number) => (now += ms) };
}

const t2v = { prompt: 'A paper boat drifts across a calm pond.', duration: '5', mode: 'std', aspect_ratio: '16:9' };
const create = async (url: string, body: unknown, family = 'text2video') => call(url, 'POST', `/v1/videos/${family}`, { body });
const status = async (url: string, id: string, family = 'text2video') => dataOf(await call(url, 'GET', `/v1/videos/${family}/${id}`));

function pngBase64(width: number, height: number): string {
  const png = Buffer.from(drawKnownGoodPng());
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return png.toString('base64');
}

describe('Sandbox | task lifecycle on its own clock', () => {
  it('goes submitted → processing → succeed, then serves a real MP4 at the result URL', async () => {
    const { url, advance } = await startWithClock();
    const id = dataOf(await create(url, t2v)).task_id as string;
    expect((await status(url, id)).task_status).toBe('submitted');
    advance(1000);
    expect((await status(url, id)).task_status).toBe('processing');
    advance(4000);
    const done = await status(url, id);
    expect(done).toMatchObject({ task_status: 'succeed', final_unit_deduction: '1', task_result: { videos: [{ duration: '5' }] } });
    const videoUrl = (done.task_result as { videos: { url: string }[] }).videos[0]?.url ?? '';
    expect(videoUrl.startsWith(`${url}/files/`)).toBe(true);
    const response = await fetch(videoUrl);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(bytes.equals(readFileSync(new URL('../../helpers/sandbox/fixtures/result.mp4', import.meta.url)))).toBe(true);
  });

  it('does not serve the result before the task succeeded', async () => {
    const { url } = await startWithClock();
    const id = dataOf(await create(url, t2v)).task_id as string;
    expect((await fetch(`${url}/files/${id}.mp4`)).status).toBe(404);
  });

  it.each([
    ['std 5 s', { mode: 'std', duration: '5' }, '1'],
    ['std 10 s', { mode: 'std', duration: '10' }, '2'],
    ['pro 5 s', { mode: 'pro', duration: '5' }, '3.5'],
    ['pro 10 s', { mode: 'pro', duration: '10' }, '7'],
  ])('deducts by mode and duration: %s → "%s"', async (_name, fields, units) => {
    const { url, advance } = await startWithClock();
    const id = dataOf(await create(url, { ...t2v, ...fields })).task_id as string;
    advance(5000);
    expect((await status(url, id)).final_unit_deduction).toBe(units);
  });

  it('runs a default lifecycle of a few seconds, and faster under a time scale', async () => {
    servers.sandbox = await startSandbox({ timeScale: 0.01 });
    const { url } = servers.sandbox;
    const id = dataOf(await create(url, t2v)).task_id as string;
    await new Promise((r) => setTimeout(r, 80));
    expect((await status(url, id)).task_status).toBe('succeed');
  });
});

describe('Sandbox | failures deferred past create, as seen live (kling-api §4, §6)', () => {
  it('accepts an image below the floor, then fails the task with "Image pixel is invalid" and deducts "0"', async () => {
    const { url, advance } = await startWithClock();
    const answer = await create(url, { prompt: 'p', image: pngBase64(338, 191), duration: '5', mode: 'std' }, 'image2video');
    expect(answer.json.code).toBe(0);
    advance(5000);
    expect(await status(url, dataOf(answer).task_id as string, 'image2video')).toMatchObject({
      task_status: 'failed',
      task_status_msg: 'Image pixel is invalid',
      final_unit_deduction: '0',
    });
  });

  it('accepts a prompt on the risk list, then fails it at moderation with "0" deducted', async () => {
    const { url, advance } = await startWithClock({ riskTerms: ['lingerie'] });
    const answer = await create(
      url,
      { model_name: 'kling-v3-omni', prompt: 'A host holds the Lingerie up', duration: '10', image_list: [{ image_url: knownGoodBase64 }] },
      'omni-video',
    );
    expect(answer.json.code).toBe(0);
    advance(5000);
    expect(await status(url, dataOf(answer).task_id as string, 'omni-video')).toMatchObject({
      task_status: 'failed',
      task_status_msg: 'Failure to pass the risk control system',
      final_unit_deduction: '0',
    });
  });

  it('fails a task whose raw-base64 reference is on the risk list by digest', async () => {
    const sha = createHash('sha256').update(Buffer.from(knownGoodBase64, 'base64')).digest('hex');
    const { url, advance } = await startWithClock({ riskImageSha256: [sha] });
    const id = dataOf(
      await create(
        url,
        { model_name: 'kling-v3-omni', prompt: 'calm', aspect_ratio: '16:9', image_list: [{ image_url: knownGoodBase64 }] },
        'omni-video',
      ),
    ).task_id as string;
    advance(5000);
    expect((await status(url, id, 'omni-video')).task_status_msg).toBe('Failure to pass the risk control system');
  });

  it('refuses a prompt on the submit list with 400/1301 and creates nothing', async () => {
    const { url } = await startWithClock({ submitBlockTerms: ['forbidden'] });
    const answer = await create(url, { ...t2v, prompt: 'something FORBIDDEN' });
    expect([answer.status, answer.json.code]).toEqual([400, 1301]);
    expect(servers.sandbox?.state.tasksCreated.text2video).toBe(0);
  });
});

describe('Sandbox | account limits (kling-api §7)', () => {
  it('answers 429/1303 past the concurrent-task limit, and frees the slot when a task ends', async () => {
    const { url, advance } = await startWithClock({ concurrencyLimit: 1 });
    expect((await create(url, t2v)).json.code).toBe(0);
    const refused = await create(url, t2v);
    expect([refused.status, refused.json.code, refused.json.message]).toEqual([429, 1303, 'parallel task over resource pack limit']);
    advance(5000);
    expect((await create(url, t2v)).json.code).toBe(0);
  });

  it('answers 429/1102 when the balance cannot cover a create, and a failed task gives its units back', async () => {
    const { url, advance } = await startWithClock({ balanceUnits: 1.5 });
    const first = dataOf(await create(url, { prompt: 'p', image: pngBase64(200, 200), duration: '5', mode: 'std' }, 'image2video'))
      .task_id as string;
    const refused = await create(url, t2v);
    expect([refused.status, refused.json.code, refused.json.message]).toEqual([429, 1102, 'Account balance not enough']);
    advance(5000);
    expect((await status(url, first, 'image2video')).task_status).toBe('failed');
    expect((await create(url, t2v)).json.code).toBe(0);
    expect(servers.sandbox?.spentUnits()).toBe(1);
  });
});
