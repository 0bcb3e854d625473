import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig, type RunConfig } from '../../helpers/harness/config/run-config.ts';
import { roundAt } from '../../helpers/harness/evidence/round.ts';
import { guardCreate } from '../../helpers/harness/ledger/create-guard.ts';
import { Ledger, type LedgerEntry } from '../../helpers/harness/ledger/ledger.ts';
import { planRound } from '../../helpers/harness/plan/approval-plan.ts';
import { planMarkdown } from '../../helpers/harness/plan/plan-markdown.ts';
import { approvalOf } from '../../helpers/harness/plan/run-approval.ts';
import { approvedPlanProblems, savePlan } from '../../helpers/harness/plan/saved-plans.ts';
import { Registry } from '../../helpers/harness/rows/registry.ts';
import { createTokenSource } from '../../helpers/kling/auth.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';
import { KlingClient } from '../../helpers/kling/client.ts';
import { createFetchContext } from '../../helpers/kling/http-context.ts';
import type { Price } from '../../helpers/kling/pricing.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { approvedLive } from '../support/approved-plan.ts';
import { configProblems } from '../support/config-problems.ts';
import { fixtureRegistry } from '../support/fixture-registry.ts';
import { matrix } from '../support/matrix.ts';
import { testRow } from '../support/test-row.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/**
 * The approval request (`pnpm plan`) and the run bound to it: what a live run sends must be what was approved,
 * to the payload, and a run's exposure may be capped. Unknown prices are said, never guessed.
 */

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const daysAgo = (n: number) => new Date(NOW - n * 86_400_000).toISOString();
const closed = (row: string, days: number, taskId = `86000000000000000${row.charCodeAt(0) % 10}`): LedgerEntry[] => [
  { row, round: 'r0', externalTaskId: `x-${row}`, at: daysAgo(days), stage: 'intent', payloadDigest: 'd' },
  { row, round: 'r0', externalTaskId: `x-${row}`, at: daysAgo(days), stage: 'terminal', outcome: 'succeed', taskId },
];
const plan = (extra: Partial<Parameters<typeof planRound>[0]> = {}) =>
  planRound({ registry: matrix, approved: matrix.defaultRound, inputs: {}, reopen: [], ledgerEntries: [], now: NOW, ...extra });

const t2v = (prompt: string) => () => buildText2videoNoModel({ prompt });
const registryOf = (bPrompt: string, withC = true, withD = false) =>
  new Registry([
    testRow({ id: 'A', order: 1, defaultRound: true, payload: t2v('row a') }),
    testRow({ id: 'B', order: 2, defaultRound: true, payload: t2v(bPrompt) }),
    ...(withC ? [testRow({ id: 'C', order: 3, defaultRound: true, payload: t2v('row c') })] : []),
    ...(withD ? [testRow({ id: 'D', order: 4, payload: t2v('row d') })] : []),
  ]);
const reports = () => mkdtempSync(join(tmpdir(), 'plan-'));
const KEYS = { KLING_ACCESS_KEY: 'ak-1234', KLING_SECRET_KEY: 'sk-5678' };

describe('Harness | the approval request', () => {
  it('plans the default round as 3 creates, each priced or unknown, and leaves out every other row, saying why', () => {
    const p = plan();
    expect(p.rows.map((r) => [r.row, r.endpoint, r.model, r.mode, r.duration, r.creates])).toEqual([
      ['A', 'POST /v1/videos/omni-video', 'kling-v3-omni', 'std', '5', 1],
      ['B', 'POST /v1/videos/text2video', 'omitted', 'std', '5', 1],
      ['C', 'POST /v1/videos/image2video', 'omitted', 'std', '5', 1],
    ]);
    expect(p.creates).toBe(3);
    expect(p.exposure).toEqual({ units: 0, unknownRows: ['A', 'B', 'C'] });
    expect(p.leftOut.map((l) => l.row)).toEqual(['D', 'R', 'E', 'F', 'G', 'H']);
    expect(p.leftOut[0]?.why).toBe('only when named: not in the default round');
    expect(p.leftOut[1]?.why).toBe('replay only: a transcription of a past run, never created');
    expect(p.leftOut.find((l) => l.row === 'F')?.why).toBe(
      'next round, approved in a run of its own (the plan: "no element-backed generation yet")',
    );
    const md = planMarkdown(p, 'A,B,C');
    expect(md).toContain('## Approval request: 3 billable create(s)');
    expect(md).toContain(
      '**Total:** 3 create(s); maximum exposure unknown for A, B, C (no price with a source in helpers/kling/pricing.ts).',
    );
    expect(md).toContain('- Price of A (omni-video kling-v3-omni std 5 s): not found, so unknown.');
    expect(md).toContain(`**Plan digest:** \`${p.digest}\``);
    expect(md).toContain(`\`APPROVED_PLAN=${p.digest} APPROVE_ROWS=A,B,C pnpm test:live\``);
    expect(md).toContain(`| A | confirm the current safest one-scene Omni path`);
  });

  it('sums the prices it has, citing each, and says which are unknown', () => {
    const prices: Price[] = [
      { family: 'omni-video', model: 'kling-v3-omni', mode: 'std', duration: '5', units: 10, source: 'a test price' },
      { family: 'text2video', model: 'omitted', mode: 'std', duration: '5', units: 2, source: 'another' },
    ];
    const p = plan({ prices });
    expect(p.exposure).toEqual({ units: 12, unknownRows: ['C'] });
    const md = planMarkdown(p, 'A,B,C');
    expect(md).toContain('| 1 | 10 units (a test price) |');
    expect(md).toContain('maximum exposure at least 12 units; unknown for C');
    const all = plan({
      prices: [...prices, { family: 'image2video', model: 'omitted', mode: 'std', duration: '5', units: 3, source: 'c' }],
    });
    expect(planMarkdown(all, 'A,B,C')).toContain('**Total:** 3 create(s); maximum exposure 15 units.');
  });

  it('leaves a closed row out with its age, and lists closed rows past 30 days to re-verify', () => {
    const p = plan({ ledgerEntries: [...closed('A', 40), ...closed('B', 3)] });
    expect(p.rows.map((r) => r.row)).toEqual(['C']);
    expect(p.leftOut.slice(0, 2)).toEqual([
      { row: 'A', why: 'closed on 2026-10-22 by task 860000000000000005 (40 day(s) ago)' },
      { row: 'B', why: 'closed on 2026-11-28 by task 860000000000000006 (3 day(s) ago)' },
    ]);
    expect(p.reverify).toEqual([{ row: 'A', closedAt: daysAgo(40), days: 40, taskId: '860000000000000005' }]);
    expect(planMarkdown(p, 'C')).toContain('- A: closed 2026-10-22 by task 860000000000000005, 40 days ago');
    // A reopened row is planned again.
    expect(plan({ ledgerEntries: closed('A', 40), reopen: ['A'] }).rows.map((r) => r.row)).toEqual(['A', 'B', 'C']);
  });

  it('its digest is the same for the same request and changes with any payload', () => {
    const one = planRound({ registry: registryOf('b'), approved: ['A', 'B'], inputs: {}, reopen: [], ledgerEntries: [] });
    const again = planRound({ registry: registryOf('b'), approved: ['A', 'B'], inputs: {}, reopen: [], ledgerEntries: [] });
    const changed = planRound({ registry: registryOf('b!'), approved: ['A', 'B'], inputs: {}, reopen: [], ledgerEntries: [] });
    expect(one.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(again.digest).toBe(one.digest);
    expect(changed.digest).not.toBe(one.digest);
  });
});

describe('Harness | a live run bound to its approval', () => {
  it('names what changed since the approved plan: a payload field, a row added; a row dropped spends less and passes', () => {
    const dir = reports();
    const approved = planRound({
      registry: registryOf('a calm lake'),
      approved: ['A', 'B', 'C'],
      inputs: {},
      reopen: [],
      ledgerEntries: [],
    });
    savePlan(dir, approved);
    const today = planRound({
      registry: registryOf('a stormy lake', false, true),
      approved: ['A', 'B', 'D'],
      inputs: {},
      reopen: [],
      ledgerEntries: [],
    });
    expect(approvedPlanProblems(approved.digest, today, dir)).toEqual([
      `APPROVED_PLAN=${approved.digest} is not today's plan (${today.digest}): what was approved is not what would be sent`,
      'row B: payload prompt: approved "a calm lake", today "a stormy lake"',
      'row D: not in the approved plan',
    ]);
    expect(approvedPlanProblems(approved.digest, approved, dir)).toEqual([]);
    // Fewer creates than approved (C closed since, or no longer named) is within the approval.
    const fewer = planRound({ registry: registryOf('a calm lake'), approved: ['A', 'B'], inputs: {}, reopen: [], ledgerEntries: [] });
    expect(fewer.digest).not.toBe(approved.digest);
    expect(approvedPlanProblems(approved.digest, fewer, dir)).toEqual([]);
  });

  it('refuses a live run without APPROVED_PLAN, with a malformed one, or with one nobody saved, in one line each', () => {
    const env = { ...KEYS, HARNESS_MODE: 'live', APPROVE_ROWS: 'A,B', REPORTS_DIR: reports() };
    expect(configProblems(env)).toEqual([
      'APPROVED_PLAN is not set: print the approval request with APPROVE_ROWS=A,B pnpm plan, have it approved, and run with APPROVED_PLAN=<its digest>',
    ]);
    expect(configProblems({ ...env, APPROVED_PLAN: 'yes' })).toEqual([
      "APPROVED_PLAN='yes' is not a plan digest (16 hex characters, the last line of pnpm plan)",
    ]);
    const [line] = configProblems({ ...env, APPROVED_PLAN: '0123456789abcdef' });
    expect(line).toMatch(
      /^APPROVED_PLAN=0123456789abcdef is not today's plan \([0-9a-f]{16}\): what was approved is not what would be sent; no saved plan 0123456789abcdef in .*plans says what changed: run pnpm plan and have today's block approved$/,
    );
    const config = parseRunConfig(approvedLive(env, fixtureRegistry), fixtureRegistry);
    expect(config.approvedPlan).toMatch(/^[0-9a-f]{16}$/);
    // A rehearsal spends nothing: it needs no approval, and checks one when given.
    const rehearse = { ...env, HARNESS_MODE: 'rehearse', KLING_BASE_URL: 'http://127.0.0.1:4010' };
    expect(configProblems(rehearse)).toEqual([]);
    expect(configProblems({ ...rehearse, APPROVED_PLAN: 'yes' })).toHaveLength(1);
  });

  it('MAX_UNITS caps the exposure: under the cap runs, over it or with an unknown price is refused', () => {
    const prices: Price[] = [{ family: 'text2video', model: 'omitted', mode: 'std', duration: '5', units: 4, source: 'a test price' }];
    const cap = (MAX_UNITS: string, table: Price[] = prices) =>
      approvalOf({ MAX_UNITS }, 'rehearse', fixtureRegistry, ['A', 'B'], [], undefined, reports(), table);
    expect(cap('8')).toMatchObject({ problems: [], maxUnits: 8 });
    expect(cap('7').problems).toEqual(["MAX_UNITS=7 is below this run's maximum exposure of 8 units: approve fewer rows or a higher cap"]);
    expect(cap('100', []).problems).toEqual([
      'MAX_UNITS=100 cannot be checked before the creates: the price of A, B is unknown (no price with a source in helpers/kling/pricing.ts)',
    ]);
    expect(cap('lots').problems).toEqual(["MAX_UNITS must be a number of units, got 'lots'"]);
  });
});

describe('Harness | the ledger records the approval', () => {
  const servers = serversStoppedAfterEach();
  it('each intent carries the approved plan digest', async () => {
    const sandbox = await startSandbox({ timeScale: 0.01 });
    servers.sandbox = sandbox;
    const dir = reports();
    const ledger = new Ledger(join(dir, 'ledger.jsonl'));
    const config: RunConfig = {
      mode: 'rehearse',
      approved: ['B'],
      maxCreates: 1,
      baseUrl: sandbox.url,
      credentials: sandbox.credentials,
      recordingsDir: join(dir, 'recordings'),
      reportsDir: dir,
      ledgerFile: ledger.file,
      reopen: { rows: [], reason: '' },
      target: { kind: 'sandbox', host: new URL(sandbox.url).host },
      approvedPlan: '0f563b825b231f64',
    };
    const client = new KlingClient({ baseUrl: sandbox.url, token: createTokenSource(sandbox.credentials), http: createFetchContext() });
    const create = guardCreate({
      row: 'B',
      round: roundAt(dir, 'r1').id,
      config,
      ledger,
      client,
      externalTaskId: 'r1-B',
      replayCassette: false,
    });
    await create('text2video', buildText2videoNoModel({ prompt: 'a paper boat' }).body);
    const intent = JSON.parse(readFileSync(ledger.file, 'utf8').split('\n')[0] ?? '{}') as Record<string, unknown>;
    expect(intent).toMatchObject({ stage: 'intent', row: 'B', approvedPlan: '0f563b825b231f64' });
    expect(ledger.entries()[0]).toMatchObject({ approvedPlan: '0f563b825b231f64' });
  });
});
