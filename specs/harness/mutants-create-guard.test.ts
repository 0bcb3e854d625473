import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../helpers/harness/config/run-config.ts';
import { CreateRefused, guardCreate, payloadDigest } from '../../helpers/harness/ledger/create-guard.ts';
import { Ledger } from '../../helpers/harness/ledger/ledger.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';
import { KlingClient } from '../../helpers/kling/client.ts';
import { workspace } from '../support/harness-env.ts';
import { createdBody } from '../support/kling-bodies.ts';
import { sendJson, startLoopbackServer } from '../support/loopback-server.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/**
 * The create guard's decisions to the letter, against a scripted API that counts every create: which refusal
 * comes first when several apply, what is sent and what is written before it, and what replay may send.
 */

const servers = serversStoppedAfterEach();
const b = buildText2videoNoModel({ prompt: 'A paper boat.' });
const KEYS = { accessKey: 'ak-guard', secretKey: 'sk-guard' };

async function guarded(
  overrides: Partial<RunConfig>,
  options: { env?: Record<string, string>; replayCassette?: boolean; noLedger?: boolean } = {},
) {
  servers.scripted = await startLoopbackServer((_request, response) => sendJson(response, 200, createdBody('860000000000000007')));
  const ws = workspace();
  const ledger = new Ledger(join(ws.root, 'ledger.jsonl'));
  const config = {
    mode: 'rehearse',
    approved: ['B'],
    maxCreates: 1,
    credentials: KEYS,
    ...overrides,
  } as RunConfig;
  const seams: string[] = [];
  const create = guardCreate({
    row: 'B',
    round: 'guard-round',
    config,
    ledger: options.noLedger === true ? undefined : ledger,
    client: new KlingClient({ baseUrl: servers.scripted.url, token: () => Promise.resolve('t') }),
    externalTaskId: 'guard-round-B',
    replayCassette: options.replayCassette ?? false,
    env: options.env ?? {},
    afterIntent: () => seams.push(existsSync(ledger.file) ? 'intent on disk' : 'no intent'),
  });
  return { create, ledger, seams, requests: servers.scripted.requests };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('Create guard | what leaves, and what is written first', () => {
  it('a rehearsal sends the body once with its external_task_id, after an intent naming the row, round and payload digest', async () => {
    const { create, ledger, seams, requests } = await guarded({});
    const answer = await create(b.family, b.body);
    expect(answer.value.task_id).toBe('860000000000000007');
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/videos/text2video']);
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ ...b.body, external_task_id: 'guard-round-B' });
    expect(ledger.entries()).toEqual([
      {
        row: 'B',
        round: 'guard-round',
        externalTaskId: 'guard-round-B',
        stage: 'intent',
        payloadDigest: payloadDigest(b.body),
        at: expect.any(String) as string,
      },
    ]);
    expect(seams).toEqual(['intent on disk']);
  });

  it('the digest is of the body as the ledger may hold it: keys sorted, large base64 as its digest token', () => {
    expect(payloadDigest({ b: 2, a: 1 })).toBe(createHash('sha256').update('{"a":1,"b":2}').digest('hex'));
    expect(payloadDigest({ b: 2, a: 1 })).toBe(payloadDigest({ a: 1, b: 2 }));
    const image = Buffer.alloc(60, 3).toString('base64');
    const token = `[base64 binary 60 bytes sha256:${createHash('sha256').update(Buffer.alloc(60, 3)).digest('hex')}]`;
    expect(payloadDigest({ image })).toBe(
      createHash('sha256')
        .update(JSON.stringify({ image: token }))
        .digest('hex'),
    );
  });

  it('live on a machine that is not CI sends, and its seam for the crash tests is never called', async () => {
    const { create, ledger, seams, requests } = await guarded({ mode: 'live' }, { env: { CI: 'false' } });
    await create(b.family, b.body);
    expect(requests).toHaveLength(1);
    expect(ledger.entries().map((e) => e.stage)).toEqual(['intent']);
    expect(seams).toEqual([]);
  });

  it('replay with a cassette sends into it without an intent (it spends nothing), once; without one it sends nothing', async () => {
    const replay = await guarded(
      { mode: 'replay', approved: [], maxCreates: 0, credentials: undefined },
      { replayCassette: true, noLedger: true },
    );
    await replay.create(b.family, b.body);
    expect(replay.requests).toHaveLength(1);
    expect(replay.seams).toEqual([]);
    expect(existsSync(replay.ledger.file)).toBe(false);
    expect(await refusal(replay.create(b.family, b.body))).toMatchObject({ kind: 'second-create' });
    expect(replay.requests).toHaveLength(1);
  });

  it('a refusal uses nothing up and writes nothing: every later call is refused the same way', async () => {
    const { create, ledger, requests } = await guarded({ approved: ['A'] });
    for (let i = 0; i < 2; i++) expect(await refusal(create(b.family, b.body))).toMatchObject({ kind: 'not-approved' });
    expect(requests).toHaveLength(0);
    expect(existsSync(ledger.file)).toBe(false);
  });
});

describe('Create guard | which refusal, when several apply', () => {
  it.each([
    [
      'on CI, live: CI before anything else',
      { mode: 'live', approved: [], credentials: undefined },
      { CI: 'true' },
      true,
      'ci',
      'row B: live creates are refused on a CI machine (CI=true)',
    ],
    [
      'a rehearsal under CI is no live create: the next refusal applies',
      { approved: [] },
      { CI: 'true' },
      false,
      'not-approved',
      'row B is not in APPROVE_ROWS',
    ],
    [
      'not approved before no credentials',
      { approved: [], credentials: undefined },
      {},
      true,
      'not-approved',
      'row B is not in APPROVE_ROWS',
    ],
    ['no credentials before no ledger', { credentials: undefined }, {}, true, 'no-credentials', 'row B: no credentials'],
    ['no ledger before the cap', { maxCreates: 0 }, {}, true, 'no-ledger', 'row B: no spend ledger to write the intent to'],
    ['the cap', { maxCreates: 0 }, {}, false, 'cap', "row B: this run's cap of 0 create(s) is reached"],
  ] as const)('%s', async (_name, overrides, env, noLedger, kind, message) => {
    const { create, ledger, requests } = await guarded(overrides as Partial<RunConfig>, { env, noLedger });
    const error = await refusal(create(b.family, b.body));
    expect(error).toBeInstanceOf(CreateRefused);
    expect(error).toMatchObject({ name: 'CreateRefused', kind, message });
    expect(requests).toHaveLength(0);
    expect(existsSync(ledger.file)).toBe(false);
  });

  it('the cap counts the intents of this round already on the ledger, any row: one under it still sends', async () => {
    const { create, ledger, requests } = await guarded({ approved: ['A', 'B'], maxCreates: 2 });
    ledger.append({ row: 'A', round: 'guard-round', externalTaskId: 'guard-round-A', stage: 'intent', payloadDigest: 'd', at: 'now' });
    ledger.append({ row: 'A', round: 'older-round', externalTaskId: 'older-round-A', stage: 'intent', payloadDigest: 'd', at: 'then' });
    await create(b.family, b.body);
    expect(requests).toHaveLength(1);
    expect(ledger.intentsInRound('guard-round')).toBe(2);
  });
});
