import { spawn } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawKnownGoodPng } from '../../helpers/assets/known-good-image.ts';
import type { RegistryRow } from '../../helpers/harness/rows/registry.ts';
import type { RowDefinition } from '../../helpers/harness/rows/row.ts';
import { configProblems } from '../support/config-problems.ts';
import { notCi } from '../support/not-ci.ts';
import type { RowOutcome } from '../../helpers/harness/rows/row-environment.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import {
  buildImage2videoNoModel,
  buildMultiImage2videoNoModel,
  buildOmniFirstFrame,
  buildText2videoNoModel,
} from '../../helpers/kling/builders.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { recordFigure } from '../support/figures.ts';
import { liveLike, rowEnvironment, workspace } from '../support/harness-env.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';
import { matrix } from '../support/matrix.ts';
import { testRow } from '../support/test-row.ts';
import { knownGoodBase64, knownGoodPng } from '../support/images.ts';
import { createdBody } from '../support/kling-bodies.ts';
import { sendJson, startLoopbackServer, type Handler } from '../support/loopback-server.ts';

/**
 * The bad-input catalog: every way an operator, a file or the API can hand the harness something wrong. Each
 * case must end in one clear line, a non-zero exit where it stops the run, and no create.
 */

const LIVE = { HARNESS_MODE: 'live', APPROVE_ROWS: 'A,B', KLING_ACCESS_KEY: 'ak-1234', KLING_SECRET_KEY: 'sk-5678' };
const oneLine = (text: string) => {
  expect(text).not.toContain('\n');
  expect(text.length).toBeGreaterThan(10);
};

const servers = serversStoppedAfterEach();

const row = (id: string, payload: RowDefinition['payload'], extra: Partial<RowDefinition> = {}): RegistryRow =>
  testRow({ id, purpose: 'bad input', payload, ...extra });

describe('Bad input | environment (each stops the run before any request)', () => {
  it.each([
    ['a missing access key', { ...LIVE, KLING_ACCESS_KEY: undefined }],
    ['a blank secret key', { ...LIVE, KLING_SECRET_KEY: ' ' }],
    ['a key with whitespace', { ...LIVE, KLING_ACCESS_KEY: 'ak 12' }],
    ['a base URL that is not a URL', { ...LIVE, KLING_BASE_URL: 'api.klingai' }],
    ['a base URL that is not http(s)', { ...LIVE, KLING_BASE_URL: 'file:///etc/hosts' }],
    ['an unknown row', { ...LIVE, APPROVE_ROWS: 'A,X' }],
    ['a repeated row', { ...LIVE, APPROVE_ROWS: 'A,A' }],
    ['a lower-case row', { ...LIVE, APPROVE_ROWS: 'b' }],
    ['an empty APPROVE_ROWS', { ...LIVE, APPROVE_ROWS: '' }],
    ['APPROVE_ROWS=all', { ...LIVE, APPROVE_ROWS: 'all' }],
    ['the replay-only row R', { ...LIVE, APPROVE_ROWS: 'R' }],
    ['a cap that is not a number', { ...LIVE, MAX_CREATES: 'lots' }],
  ])('%s', (name, env) => {
    const problems = configProblems(env);
    expect(problems).toHaveLength(1);
    oneLine(problems[0] ?? '');
    recordFigure({ kind: 'bad-input', name: `env: ${name}`, creates: 0 });
  });

  it.each([
    ['no rows approved', { ...LIVE, APPROVE_ROWS: '' }, '✗ APPROVE_ROWS is empty'],
    ['live under CI=true', { ...LIVE, CI: 'true' }, '✗ live mode refuses to run on a CI machine (CI=true)'],
    [
      'live on GitHub Actions with CI unset',
      { ...LIVE, CI: '', GITHUB_ACTIONS: 'true' },
      '✗ live mode refuses to run on a CI machine (GITHUB_ACTIONS',
    ],
    ['a misspelt KLING_ setting', { ...LIVE, KLING_BASEURL: 'https://x.test' }, '✗ KLING_BASEURL is not a setting'],
  ])(
    'the real run exits non-zero with one line: %s',
    async (name, env, line) => {
      const ws = workspace();
      const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'rows'], {
        env: { ...notCi(), ...env, REPORTS_DIR: ws.reportsDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).not.toBe(0);
      expect(stderr.split('\n').filter((l) => l.startsWith('✗ '))).toEqual([expect.stringContaining(line.slice(2)) as string]);
      recordFigure({ kind: 'bad-input', name: `run: ${name}`, creates: 0 });
    },
    60_000,
  );
});

function png(width: number, height: number): string {
  const bytes = Buffer.from(drawKnownGoodPng());
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes.toString('base64');
}

async function throughSandbox(spec: RegistryRow): Promise<RowOutcome> {
  servers.sandbox = await startSandbox({ timeScale: 0.01 });
  const { env } = rowEnvironment(workspace(), liveLike(servers.sandbox.url, servers.sandbox.credentials, [spec.id]));
  return runRow(spec, env);
}

describe('Bad input | images and payloads (refused at preflight: nothing is sent)', () => {
  const image = (b64: string) => row('C', () => buildImage2videoNoModel({ image: b64, prompt: 'p' }));
  it.each([
    ['an image too small', image(png(299, 512)), 'asset-quality', 'both sides must be at least 300 px'],
    [
      'an image too large',
      image(Buffer.concat([knownGoodPng, Buffer.alloc(10_000_001)]).toString('base64')),
      'asset-quality',
      'the API takes at most 10 MB',
    ],
    [
      'a GIF by content',
      image(Buffer.concat([Buffer.from('GIF89a\x00\x02\x00\x02', 'latin1'), Buffer.alloc(60)]).toString('base64')),
      'asset-quality',
      'JPEG or PNG only',
    ],
    ['a corrupt header', image(knownGoodPng.subarray(0, 20).toString('base64')), 'asset-quality', 'header is unreadable'],
    ['a data: URI', image(`data:image/png;base64,${knownGoodBase64}`), 'harness-error', 'is a data: URI'],
    ['an extreme aspect ratio', image(png(1300, 500)), 'asset-quality', 'between 1:2.5 and 2.5:1'],
    [
      'kling-v1 on text2video without legacy approval',
      row('B', () => ({ family: 'text2video', body: { ...buildText2videoNoModel({ prompt: 'p' }).body, model_name: 'kling-v1' } })),
      'harness-error',
      'needs the legacyModel approval',
    ],
    [
      'kling-v1-6 on image2video without legacy approval',
      row('C', () => ({
        family: 'image2video',
        body: { ...buildImage2videoNoModel({ image: knownGoodBase64, prompt: 'p' }).body, model_name: 'kling-v1-6' },
      })),
      'harness-error',
      'needs the legacyModel approval',
    ],
    [
      'kling-video-o1 on Omni without the re-check approval',
      row('A', () => ({
        family: 'omni-video',
        body: { ...buildOmniFirstFrame({ prompt: 'p', firstFrame: knownGoodBase64 }).body, model_name: 'kling-video-o1' },
      })),
      'harness-error',
      'needs the omniModelRecheck approval',
    ],
    [
      'pro mode without approval',
      row('B', () => ({ family: 'text2video', body: { ...buildText2videoNoModel({ prompt: 'p' }).body, mode: 'pro' } })),
      'harness-error',
      "'pro' needs the pro approval",
    ],
    [
      'Omni with mode omitted (server default pro)',
      row('A', () => {
        const body = { ...buildOmniFirstFrame({ prompt: 'p', firstFrame: knownGoodBase64 }).body };
        delete body.mode;
        return { family: 'omni-video', body };
      }),
      'harness-error',
      'defaults to pro',
    ],
    [
      'the legacy route without its approval',
      row('D', () => buildMultiImage2videoNoModel({ prompt: 'p', images: [knownGoodBase64] })),
      'harness-error',
      'is a legacy route',
    ],
  ] as [string, RegistryRow, string, string][])('%s', async (name, spec, classification, message) => {
    const outcome = await throughSandbox(spec);
    expect(outcome).toMatchObject({ status: 'done', evidence: { classification } });
    if (outcome.status === 'done') {
      oneLine(outcome.evidence.reason);
      expect(outcome.evidence.reason).toContain(message);
    }
    expect(servers.sandbox?.state.requests).toHaveLength(0);
    recordFigure({ kind: 'bad-input', name: `payload: ${name}`, creates: servers.sandbox?.state.createsReceived.text2video ?? 0 });
  });
});

describe('Bad input | recordings (replay)', () => {
  // Damage done to the committed text2video cassette, in a scratch copy.
  const rowB = matrix.get('B');
  const otherFamily = matrix.rows.find((r) => r.family !== rowB.family && r.liveAllowed);
  const replayB = () => {
    const ws = workspace(true);
    return { ws, env: rowEnvironment(ws, { mode: 'replay' }).env, dir: join(ws.recordingsDir, rowB.name) };
  };
  it.each([
    [
      'a corrupt cassette',
      ({ dir }: ReturnType<typeof replayB>) => writeFileSync(join(dir, 'cassette.har'), '{"log": {"entries": ['),
      /JSON/,
    ],
    [
      'a missing cassette',
      ({ dir }: ReturnType<typeof replayB>) => rmSync(join(dir, 'cassette.har')),
      /^row B has no cassette at .*: record it first \(pnpm recordings:rerecord\)$/,
    ],
    [
      'a cassette from another row',
      ({ ws, dir }: ReturnType<typeof replayB>) =>
        cpSync(join(ws.recordingsDir, otherFamily?.name ?? 'none', 'cassette.har'), join(dir, 'cassette.har')),
      /^row B: today's builder sends POST \/v1\/videos\/text2video; the recording sent POST \/v1\/videos\/[a-z0-9-]+$/,
    ],
  ] as [string, (w: ReturnType<typeof replayB>) => void, RegExp][])('%s', async (name, damage, message) => {
    const w = replayB();
    damage(w);
    const error = await runRow(rowB, w.env).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(message);
    oneLine(error?.message ?? '');
    recordFigure({ kind: 'bad-input', name: `recording: ${name}`, creates: 0 });
  });
});

describe('Bad input | answers from the API', () => {
  const rowB = row('B', () => buildText2videoNoModel({ prompt: 'p' }));
  it.each([
    [
      'a create answer that is not JSON',
      (_req, res) => res.writeHead(200).end('<html>gateway</html>'),
      'environment-auth-transient',
      ['intent', 'unknown'],
    ],
    [
      'an envelope without code',
      (_req, res) => sendJson(res, 200, { message: 'SUCCEED', data: createdBody().data }),
      'environment-auth-transient',
      ['intent', 'unknown'],
    ],
    [
      'a create answer nested 100 000 levels deep (it may still have made the task)',
      (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            `{"code":0,"message":"SUCCEED","data":{"task_id":"1","task_status":"submitted"},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
          ),
      'environment-auth-transient',
      ['intent', 'unknown'],
    ],
    [
      'code != 0 under HTTP 200',
      (_req, res) => sendJson(res, 200, { code: 1201, message: 'model_name is required', request_id: 'r' }),
      'model-policy-mismatch',
      ['intent', 'terminal'],
    ],
  ] as [string, Handler, string, string[]][])('%s', async (name, handler, classification, stages) => {
    servers.scripted = await startLoopbackServer(handler);
    const ws = workspace();
    const ledgerFile = join(ws.root, 'ledger.jsonl');
    const outcome = await runRow(
      rowB,
      rowEnvironment(ws, { ...liveLike(servers.scripted.url, { accessKey: 'ak', secretKey: 'sk' }, ['B']), ledgerFile }).env,
    );
    expect(outcome).toMatchObject({ status: 'done', evidence: { classification } });
    if (outcome.status === 'done') oneLine(outcome.evidence.reason);
    const { Ledger } = await import('../../helpers/harness/ledger/ledger.ts');
    expect(new Ledger(ledgerFile).entries().map((e) => e.stage)).toEqual(stages);
    const posts = servers.scripted.requests.filter((r) => r.method === 'POST').length;
    expect(posts).toBe(1);
    recordFigure({ kind: 'bad-input', name: `answer: ${name}`, creates: posts });
  });
});
