import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateRefused, guardCreate } from '../../helpers/harness/ledger/create-guard.ts';
import type { RunConfig } from '../../helpers/harness/config/run-config.ts';
import { Ledger } from '../../helpers/harness/ledger/ledger.ts';
import { roundAt } from '../../helpers/harness/evidence/round.ts';
import { createTokenSource } from '../../helpers/kling/auth.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';
import { KlingClient } from '../../helpers/kling/client.ts';
import { createFetchContext } from '../../helpers/kling/http-context.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { workspace } from '../support/harness-env.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

const b = buildText2videoNoModel({ prompt: 'A paper boat.' });
const servers = serversStoppedAfterEach();

async function setup(overrides: Partial<RunConfig> = {}, env: Record<string, string | undefined> = {}, afterIntent?: () => void) {
  const sandbox = await startSandbox({ timeScale: 0.01 });
  servers.sandbox = sandbox;
  const ws = workspace();
  const round = roundAt(ws.reportsDir, 'guard-test');
  const ledger = new Ledger(join(ws.root, 'ledger.jsonl'));
  const http = createFetchContext();
  const client = new KlingClient({ baseUrl: sandbox.url, token: createTokenSource(sandbox.credentials), http });
  const config: RunConfig = {
    mode: 'rehearse',
    approved: ['B'],
    maxCreates: 1,
    baseUrl: sandbox.url,
    credentials: sandbox.credentials,
    recordingsDir: ws.recordingsDir,
    reportsDir: ws.reportsDir,
    ledgerFile: ledger.file,
    reopen: { rows: [], reason: '' },
    target: { kind: 'sandbox', host: new URL(sandbox.url).host },
    ...overrides,
  };
  const guardLedger = 'ledgerFile' in overrides && overrides.ledgerFile === undefined ? undefined : ledger;
  const create = guardCreate({
    row: 'B',
    round: round.id,
    config,
    ledger: guardLedger,
    client,
    externalTaskId: 'guard-test-B',
    replayCassette: false,
    env,
    ...(afterIntent ? { afterIntent } : {}),
  });
  return { sandbox, ledger, round, http, create };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('Harness | create guard (no create without consent, one per row per run)', () => {
  it('sends one create with the row-and-round external_task_id, and refuses a second in the same run', async () => {
    const { sandbox, create } = await setup();
    await create(b.family, b.body);
    const second = await refusal(create(b.family, b.body));
    expect(second).toBeInstanceOf(CreateRefused);
    expect(second).toMatchObject({
      kind: 'second-create',
      message: 'row B: a second create in one run is refused; one create per row per run',
    });
    expect(sandbox.state.createsReceived.text2video).toBe(1);
    expect([...sandbox.state.tasksByExternalId]).toEqual([['guard-test-B', 1]]);
  });

  it("the crash tests' seam runs once the intent is on disk, before the create is sent", async () => {
    const seen: { stages: string[]; creates: number }[] = [];
    const { ledger, sandbox, create } = await setup({}, {}, () =>
      seen.push({ stages: ledger.entries().map((e) => e.stage), creates: sandbox.state.createsReceived.text2video }),
    );
    await create(b.family, b.body);
    expect(seen).toEqual([{ stages: ['intent'], creates: 0 }]);
  });

  it("the crash tests' seam is never honoured outside a rehearsal", async () => {
    let called = false;
    const { create } = await setup({ mode: 'live', target: { kind: 'custom-host', host: 'proxy.example.test' } }, { CI: 'false' }, () => {
      called = true;
    });
    await create(b.family, b.body);
    expect(called).toBe(false);
  });

  it('a failed create is not retried either: a second call after an error is still refused', async () => {
    const { sandbox, create } = await setup();
    sandbox.inject({ route: 'create', calls: [1], fault: { kind: 'server-error', code: 5000 } });
    await expect(create(b.family, b.body)).rejects.toMatchObject({ reason: 'server-error' });
    await expect(create(b.family, b.body)).rejects.toMatchObject({ kind: 'second-create' });
    expect(sandbox.state.createsReceived.text2video).toBe(1);
  });

  it.each([
    ['a row not in APPROVE_ROWS', { approved: [] }, {}, 'not-approved', 'row B is not in APPROVE_ROWS'],
    ['a run with its cap at 0', { maxCreates: 0 }, {}, 'cap', "row B: this run's cap of 0 create(s) is reached"],
    ['no credentials', { credentials: undefined }, {}, 'no-credentials', 'row B: no credentials'],
    ['live under CI=true', { mode: 'live' as const }, { CI: 'true' }, 'ci', 'row B: live creates are refused on a CI machine (CI=true)'],
    ['live under CI=1', { mode: 'live' as const }, { CI: '1' }, 'ci', 'row B: live creates are refused on a CI machine (CI=1)'],
    [
      'live on GitHub Actions without CI',
      { mode: 'live' as const },
      { GITHUB_ACTIONS: 'true' },
      'ci',
      'row B: live creates are refused on a CI machine (GITHUB_ACTIONS is set (GitHub Actions))',
    ],
    [
      'replay without a cassette',
      { mode: 'replay' as const },
      {},
      'no-transport',
      'row B: replay sends no create without a replay cassette',
    ],
  ])('refuses %s, and nothing reaches the server', async (_name, overrides, env, kind, message) => {
    const { sandbox, create } = await setup(overrides, env);
    expect(await refusal(create(b.family, b.body))).toMatchObject({ kind, message });
    expect(sandbox.state.requests).toHaveLength(0);
  });

  it('writes the intent to the ledger, flushed, before the create leaves the process', async () => {
    const { ledger, http, create } = await setup();
    const journalFile = ledger.file;
    const seenAtSend: string[] = [];
    const original = http.fetch;
    http.fetch = ((url: string, init?: Parameters<typeof original>[1]) => {
      seenAtSend.push(existsSync(journalFile) ? readFileSync(journalFile, 'utf8') : '');
      return original(url, init);
    }) as typeof http.fetch;
    await create(b.family, b.body);
    expect(seenAtSend).toHaveLength(1);
    expect(JSON.parse(seenAtSend[0] ?? '{}')).toMatchObject({
      stage: 'intent',
      row: 'B',
      round: 'guard-test',
      externalTaskId: 'guard-test-B',
    });
    expect(JSON.parse(seenAtSend[0] ?? '{}')).toHaveProperty('payloadDigest', expect.stringMatching(/^[0-9a-f]{64}$/) as string);
  });

  it('counts creates across rows of one round from the ledger, so the cap holds across spec files', async () => {
    const { ledger, create } = await setup({ approved: ['A', 'B'], maxCreates: 1 });
    ledger.append({
      stage: 'intent',
      row: 'A',
      round: 'guard-test',
      externalTaskId: 'guard-test-A',
      payloadDigest: 'x',
      at: new Date().toISOString(),
    });
    await expect(create(b.family, b.body)).rejects.toMatchObject({ kind: 'cap' });
  });
});
