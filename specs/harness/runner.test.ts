import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawKnownGoodPng } from '../../helpers/assets/known-good-image.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import { buildImage2videoNoModel, buildOmniFirstFrame, buildText2videoNoModel } from '../../helpers/kling/builders.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { knownGoodBase64 } from '../support/images.ts';
import { createdBody, taskBody } from '../support/kling-bodies.ts';
import { sendJson, startLoopbackServer } from '../support/loopback-server.ts';
import { liveLike, rowEnvironment, workspace } from '../support/harness-env.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';
import { testRow } from '../support/test-row.ts';

const rowA = testRow({
  id: 'A',
  purpose: 'baseline',
  payloadProvenance: 'live-confirmed',
  payload: () => buildOmniFirstFrame({ prompt: 'A red house.', firstFrame: knownGoodBase64 }),
  successCriteria: ['code=0'],
  stopConditions: ['first success ends the row'],
});
const rowB = testRow({
  id: 'B',
  purpose: 'no-model text2video',
  payloadProvenance: 'policy-test',
  payload: () => buildText2videoNoModel({ prompt: 'A paper boat drifts slowly across a calm pond at sunrise.' }),
  successCriteria: ['code=0'],
  stopConditions: ['stop on first success'],
  legacyRetryModel: 'kling-v1',
});
const rowC = testRow({
  id: 'C',
  purpose: 'no-model image2video',
  payloadProvenance: 'policy-test',
  payload: () => buildImage2videoNoModel({ image: knownGoodBase64, prompt: 'The sun drifts.' }),
  successCriteria: ['code=0'],
  stopConditions: ['replace the asset on asset errors'],
  legacyRetryModel: 'kling-v1-6',
});

const servers = serversStoppedAfterEach();

async function sandboxed() {
  servers.sandbox = await startSandbox({ timeScale: 0.01 });
  return servers.sandbox;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('Harness | runner against the sandbox (the live code path)', () => {
  it('records afresh: a broken earlier cassette of the row is replaced, never read after the paid create', async () => {
    const sb = await sandboxed();
    const ws = workspace();
    mkdirSync(join(ws.recordingsDir, rowB.name), { recursive: true });
    writeFileSync(join(ws.recordingsDir, rowB.name, 'cassette.har'), '{"log": {"entries": [');
    const { env } = rowEnvironment(ws, liveLike(sb.url, sb.credentials, ['B']));
    const outcome = await runRow(rowB, env);
    expect(outcome).toMatchObject({ status: 'done', evidence: { classification: 'success' } });
    expect(sb.state.tasksCreated.text2video).toBe(1);
    const har = JSON.parse(readFileSync(join(ws.recordingsDir, rowB.name, 'cassette.har'), 'utf8')) as { log: { entries: unknown[] } };
    expect(har.log.entries.length).toBeGreaterThan(1);
  });

  it('makes exactly one create and writes the plan deliverables as evidence, Allure steps and a cassette', async () => {
    const sb = await sandboxed();
    const ws = workspace();
    const { env, sink } = rowEnvironment(ws, liveLike(sb.url, sb.credentials, ['C']));
    const outcome = await runRow(rowC, env);
    expect(outcome.status).toBe('done');
    if (outcome.status !== 'done') return;
    expect(sb.state.tasksCreated.image2video).toBe(1);
    expect(outcome.evidence).toMatchObject({
      row: 'C',
      endpoint: 'POST /v1/videos/image2video',
      recordingProvenance: 'sandbox',
      payloadProvenance: 'policy-test',
      externalTaskId: 'rehearse-test-C',
      classification: 'success',
      verdict: 'tightened',
      conclusive: true,
      finalUnitDeduction: '1',
      create: { httpStatus: 200 },
      download: { fromRecording: false },
      warnings: [{ path: 'aspect_ratio' }],
    });
    // The sandbox's video for a request with a first frame starts with it (first-frame-video.ts): the bytes saved are its.
    expect(outcome.evidence.download?.bytes).toBe(readFileSync(outcome.evidence.download?.path ?? '').length);
    expect((outcome.evidence.payload as { image: string }).image).toMatch(/^\[base64 png 23019 bytes sha256:/);
    expect(outcome.evidence.queries.length).toBeGreaterThanOrEqual(1);
    expect(outcome.evidence.finalAssetUrl).toContain('/files/');

    const steps = sink.events.filter((e) => e.kind === 'step').map((e) => e.name.replace(/^poll \d+$/, 'poll'));
    expect(steps[0]).toBe('preflight');
    expect(steps[1]).toBe('create');
    expect(steps.slice(2, -4).every((s) => s === 'poll')).toBe(true);
    expect(steps.slice(-4)).toEqual(['download', 'first frame', 'classify: success', 'verdict: tightened']);
    const attachments = sink.events.flatMap((e) =>
      e.kind === 'attach' || e.kind === 'attachFile' ? [`${e.name} (${e.contentType})`] : [],
    );
    expect(attachments).toEqual(
      expect.arrayContaining([
        'payload (redacted) (application/json)',
        'input image 1 (image/png)',
        'contract warnings (application/json)',
        'create response (application/json)',
        'result video (video/mp4)',
        'evidence (application/json)',
      ]),
    );
    expect(attachments.filter((a) => a.startsWith('query response ')).at(-1)).toMatch(
      /^query response \d+: succeed \(application\/json\)$/,
    );
    const parameters = Object.fromEntries(sink.events.flatMap((e) => (e.kind === 'parameter' ? [[e.name, e.value]] : [])));
    expect(parameters).toEqual({
      row: 'C',
      endpoint: 'POST /v1/videos/image2video',
      model: 'omitted',
      mode: 'std',
      duration: '5',
      'payload provenance': 'policy-test',
      'recording provenance': 'sandbox',
    });
    const labels = sink.events.flatMap((e) => (e.kind === 'label' ? [`${e.name}=${e.value}`] : []));
    expect(labels).toEqual(
      expect.arrayContaining(['epic=Kling verification round', 'feature=POST /v1/videos/image2video', 'tag=verdict:tightened']),
    );
    expect(sink.events.find((e) => e.kind === 'displayName')).toMatchObject({
      value: expect.stringContaining(' · tightened (sandbox)') as string,
    });

    const cassette = join(ws.recordingsDir, rowC.name);
    expect(readdirSync(cassette).sort()).toEqual(['cassette.har', 'first-frame.png', 'meta.json']);
    expect(JSON.parse(readFileSync(join(cassette, 'meta.json'), 'utf8'))).toMatchObject({
      provenance: 'sandbox',
      classification: 'success',
      verdict: 'tightened',
    });
  });

  it('writes no secret to any file: not the keys, not a JWT, not a Bearer value', async () => {
    servers.sandbox = await startSandbox({
      timeScale: 0.01,
      credentials: { accessKey: 'canary-access-7f3a9', secretKey: 'canary-secret-0c41d' },
    });
    const ws = workspace();
    const { env, lines } = rowEnvironment(ws, liveLike(servers.sandbox.url, servers.sandbox.credentials, ['A']));
    const outcome = await runRow(rowA, env);
    expect(outcome).toMatchObject({ status: 'done', evidence: { classification: 'success' } });
    const files = filesUnder(ws.root);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const text = readFileSync(file).toString('latin1');
      expect(text, file).not.toMatch(/canary-access-7f3a9|canary-secret-0c41d|eyJ[A-Za-z0-9_-]{10,}\.|Bearer /);
    }
    expect(lines.join('\n')).not.toMatch(/canary-|eyJ|Bearer /);
  });

  it('an env/auth failure stops the round: the next row is skipped with that reason and makes no create', async () => {
    const sb = await sandboxed();
    const ws = workspace();
    const wrong = { accessKey: sb.credentials.accessKey, secretKey: 'not-the-sandbox-secret' };
    const a = await runRow(rowA, rowEnvironment(ws, liveLike(sb.url, wrong, ['A', 'B'])).env);
    expect(a).toMatchObject({
      status: 'done',
      evidence: { classification: 'environment-auth-transient', verdict: 'unchanged', conclusive: false },
    });
    const b = await runRow(rowB, rowEnvironment(ws, liveLike(sb.url, sb.credentials, ['A', 'B'])).env);
    expect(b).toEqual({
      status: 'skipped',
      reason: 'the round stopped at row A: authentication failed (code 1002): "Authorization is invalid"',
    });
    expect(sb.state.tasksCreated.text2video).toBe(0);
  });

  it('an image below the floor is refused before any spend and says "replace the asset"', async () => {
    const sb = await sandboxed();
    const small = Buffer.from(drawKnownGoodPng());
    small.writeUInt32BE(299, 16);
    const spec = { ...rowC, payload: () => buildImage2videoNoModel({ image: small.toString('base64'), prompt: 'p' }) };
    const outcome = await runRow(spec, rowEnvironment(workspace(), liveLike(sb.url, sb.credentials, ['C'])).env);
    expect(outcome).toMatchObject({
      status: 'done',
      evidence: { classification: 'asset-quality', verdict: 'unchanged', advice: 'replace the asset; this is not a contract failure' },
    });
    expect(sb.state.createsReceived.image2video).toBe(0);
  });

  it('a model-policy failure on B names exactly one legacy-model retry (kling-v1) and never tries it', async () => {
    servers.scripted = await startLoopbackServer((_req, res) =>
      sendJson(res, 400, { code: 1201, message: 'model_name is required', request_id: 'r-1' }),
    );
    const outcome = await runRow(
      rowB,
      rowEnvironment(workspace(), liveLike(servers.scripted.url, { accessKey: 'ak', secretKey: 'sk' }, ['B'])).env,
    );
    expect(outcome).toMatchObject({
      status: 'done',
      evidence: {
        classification: 'model-policy-mismatch',
        verdict: 'reopened',
        advice: 'document the exact error and ask approval for exactly one legacy-model retry with kling-v1; do not try it in this round',
      },
    });
    expect(servers.scripted.requests.map((r) => r.method)).toEqual(['POST']);
    expect(JSON.parse(servers.scripted.requests[0]?.body ?? '{}')).not.toHaveProperty('model_name');
  });

  it('an asset failure reported by the API after create (Image pixel is invalid) also says "replace the asset"', async () => {
    servers.scripted = await startLoopbackServer((req, res) =>
      req.method === 'POST'
        ? sendJson(res, 200, createdBody())
        : sendJson(res, 200, taskBody('failed', { task_status_msg: 'Image pixel is invalid', final_unit_deduction: '0' })),
    );
    const outcome = await runRow(
      rowC,
      rowEnvironment(workspace(), liveLike(servers.scripted.url, { accessKey: 'ak', secretKey: 'sk' }, ['C'])).env,
    );
    expect(outcome).toMatchObject({ status: 'done', evidence: { classification: 'asset-quality', finalUnitDeduction: '0' } });
    if (outcome.status === 'done') expect(outcome.evidence.advice).toContain('replace the asset');
  });

  it('skips a row that is not approved, with the reason, and sends nothing', async () => {
    const sb = await sandboxed();
    const outcome = await runRow(rowB, rowEnvironment(workspace(), liveLike(sb.url, sb.credentials, ['A'])).env);
    expect(outcome).toEqual({ status: 'skipped', reason: 'row B is not approved for this run (APPROVE_ROWS=A)' });
    expect(sb.state.requests).toHaveLength(0);
  });

  it('skips the replay-only row R in a live-path run', async () => {
    const sb = await sandboxed();
    const spec = testRow({ ...rowA, id: 'R', liveAllowed: false });
    const outcome = await runRow(spec, rowEnvironment(workspace(), liveLike(sb.url, sb.credentials, ['A'])).env);
    expect(outcome).toMatchObject({ status: 'skipped', reason: expect.stringContaining('replay-only') as string });
  });

  it('stops at the per-run cap: with MAX_CREATES=1 the second approved row makes no create', async () => {
    const sb = await sandboxed();
    const ws = workspace();
    const config = { ...liveLike(sb.url, sb.credentials, ['A', 'B']), maxCreates: 1 };
    expect((await runRow(rowA, rowEnvironment(ws, config).env)).status).toBe('done');
    const b = await runRow(rowB, rowEnvironment(ws, config).env);
    expect(b).toEqual({ status: 'skipped', reason: "row B: this run's cap of 1 create(s) is reached" });
    expect(sb.state.tasksCreated).toMatchObject({ 'omni-video': 1, text2video: 0 });
  });
});
