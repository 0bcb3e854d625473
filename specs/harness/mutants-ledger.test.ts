import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunConfig } from '../../helpers/harness/config/run-config.ts';
import { CreateLife, recordAccountOverride } from '../../helpers/harness/ledger/create-life.ts';
import { closedRowDecision, resolvePending } from '../../helpers/harness/ledger/ledger-gate.ts';
import { Ledger, LedgerCorruptError, linesOf, type LedgerEntry, type RowState } from '../../helpers/harness/ledger/ledger.ts';
import { RunLockedError, acquireRunLock, isStale, lockFileFor, readHolder } from '../../helpers/harness/ledger/run-lock.ts';
import { KlingClient } from '../../helpers/kling/client.ts';
import { CreateOutcomeUnknownError, KlingApiError, RequestNotSentError } from '../../helpers/kling/errors.ts';
import { workspace } from '../support/harness-env.ts';
import { T0, taskBody } from '../support/kling-bodies.ts';
import { sendJson, startLoopbackServer, type Handler } from '../support/loopback-server.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/**
 * The decisions the ledger's crash and lock tests (ledger.test.ts) prove across a SIGKILL and a second process,
 * made here in this process, so that a broken decision fails a test Stryker can see: what a rerun does with each
 * pending state, what a reopen writes, what a line must be, and who holds the run lock.
 */

const servers = serversStoppedAfterEach();
const INTENT_AT = '2026-11-24T10:00:00.000Z';
const LATER = '2026-11-24T10:05:00.000Z';
const EXT = 'crashed-round-B';
const TASK = '860000000000000042';

const newLedger = () => new Ledger(join(workspace().root, 'ledger.jsonl'));
const key = (round = 'crashed-round') => ({ row: 'B' as const, round, externalTaskId: EXT });
type Line<S extends LedgerEntry['stage']> = Extract<LedgerEntry, { stage: S }>;
const intent = (at = INTENT_AT): Line<'intent'> => ({ ...key(), stage: 'intent', payloadDigest: 'd', at });
const created = (at = LATER): Line<'created'> => ({ ...key(), stage: 'created', taskId: TASK, at });

function ledgerOf(...entries: LedgerEntry[]): Ledger {
  const ledger = newLedger();
  for (const entry of entries) ledger.append(entry);
  return ledger;
}

function pendingOf(ledger: Ledger): Extract<RowState, { status: 'pending' }> {
  const state = ledger.rowState('B');
  if (state.status !== 'pending') throw new Error(`expected a pending row, got ${state.status}`);
  return state;
}

const NOT_FOUND = { code: 1203, message: 'task not found', request_id: 'req-404' };

/** A Kling API for text2video that answers the lookup and the list as the test says, recording every request. */
async function api(lookup: Handler, list: Handler = (_q, res) => sendJson(res, 200, { code: 0, message: 'SUCCEED', data: [] })) {
  servers.scripted = await startLoopbackServer((request, response, index) =>
    (request.url.includes('?') ? list : lookup)(request, response, index),
  );
  const client = new KlingClient({
    baseUrl: servers.scripted.url,
    token: () => Promise.resolve('test-token'),
    sleep: () => Promise.resolve(),
    retry: { maxAttempts: 1 },
  });
  return { client, requests: servers.scripted.requests };
}

describe('Ledger | a rerun after a crash, decided in-process', () => {
  it('mid-poll (intent and created on disk): resumed by its task id with no request at all, even where a lookup would say 1203', async () => {
    const ledger = ledgerOf(intent(), created());
    const { client, requests } = await api((_q, res) => sendJson(res, 404, NOT_FOUND));
    const decision = await resolvePending(ledger, { id: 'B' }, 'text2video', pendingOf(ledger), client);
    expect(decision).toEqual({ kind: 'resume', taskId: TASK, externalTaskId: EXT, round: 'crashed-round' });
    expect(requests).toHaveLength(0);
    expect(ledger.entries().map((e) => e.stage)).toEqual(['intent', 'created']);
  });

  it('after the intent, before the create (nothing made): absence proved twice, written with its proof, then one create', async () => {
    const ledger = ledgerOf(intent());
    const { client, requests } = await api((_q, res) => sendJson(res, 404, NOT_FOUND));
    const decision = await resolvePending(ledger, { id: 'B' }, 'text2video', pendingOf(ledger), client);
    expect(decision).toEqual({ kind: 'create' });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /v1/videos/text2video/${EXT}`,
      'GET /v1/videos/text2video?pageNum=1&pageSize=500',
    ]);
    expect(ledger.entries().at(-1)).toMatchObject({
      ...key(),
      stage: 'terminal',
      outcome: 'absent',
      proof: 'lookup: 1203, not found; list: no task with it, read to its end (1 page(s) read)',
    });
    expect(ledger.rowState('B')).toEqual({ status: 'open' });
  });

  it('after the create, before its answer (the task exists): found by its external_task_id, written as created, resumed, no create', async () => {
    const ledger = ledgerOf(intent());
    const { client } = await api((_q, res) =>
      sendJson(res, 200, taskBody('processing', { task_id: TASK, task_info: { external_task_id: EXT }, created_at: T0 })),
    );
    const decision = await resolvePending(ledger, { id: 'B' }, 'text2video', pendingOf(ledger), client);
    expect(decision).toEqual({ kind: 'resume', taskId: TASK, externalTaskId: EXT, round: 'crashed-round' });
    expect(ledger.entries().at(-1)).toMatchObject({
      ...key(),
      stage: 'created',
      taskId: TASK,
      requestId: '0c7e1f37-3f0e-4bb3-8d57-5d3f4f1fb0a2',
      foundBy: 'lookup',
    });
    expect(pendingOf(ledger).taskId).toBe(TASK);
  });

  it('sent without an answer, and the API cannot say now: skipped, naming the create and why, and nothing written', async () => {
    const ledger = ledgerOf(intent(), { ...key(), stage: 'unknown', reason: 'ECONNRESET', at: LATER });
    const { client } = await api(
      (_q, res) => sendJson(res, 503, { code: 5001, message: 'busy', request_id: 'r' }),
      (_q, res) => sendJson(res, 503, { code: 5001, message: 'busy', request_id: 'r' }),
    );
    const decision = await resolvePending(ledger, { id: 'B' }, 'text2video', pendingOf(ledger), client);
    expect(decision).toEqual({
      kind: 'skip',
      reason:
        'row B: an earlier create (external_task_id crashed-round-B, sent without an answer: ECONNRESET) has an outcome the API cannot settle now (lookup: HTTP 503, code 5001: busy (request_id r); list: HTTP 503, code 5001: busy (request_id r)); no create until it can, or until REOPEN_ROWS=B REOPEN_REASON="…" gives that task up',
    });
    expect(ledger.entries()).toHaveLength(2);
  });

  it('an intent the API cannot settle names the intent and its time', async () => {
    const ledger = ledgerOf(intent());
    const { client } = await api((_q, res) => sendJson(res, 502, { error: 'bad gateway' }));
    const decision = await resolvePending(ledger, { id: 'B' }, 'text2video', pendingOf(ledger), client);
    expect(decision.kind === 'skip' ? decision.reason : '').toMatch(
      /^row B: an earlier create \(external_task_id crashed-round-B, intent at 2026-11-24T10:00:00\.000Z\) has an outcome the API cannot settle now \(lookup: not a Kling answer/,
    );
  });
});

const config = (reopen: RunConfig['reopen'] = { rows: [], reason: '' }) => ({ reopen }) as RunConfig;

describe('Ledger | the gate before any request: closed, pending, reopened', () => {
  it('an open row passes and writes nothing', () => {
    const ledger = newLedger();
    expect(closedRowDecision(ledger, { id: 'B' }, config(), 'r2', undefined)).toBeUndefined();
    expect(existsSync(ledger.file)).toBe(false);
  });

  it('a closed row is skipped with its date, task and how to reopen it; the plan criteria as a hint when there are some', () => {
    const ledger = ledgerOf(intent(), { ...key(), stage: 'terminal', outcome: 'succeed', taskId: TASK, at: LATER });
    expect(closedRowDecision(ledger, { id: 'B' }, config(), 'r2', undefined)).toEqual({
      kind: 'skip',
      reason: `row B closed on 2026-11-24, task ${TASK}; to run it again: REOPEN_ROWS=B REOPEN_REASON="…"`,
    });
    expect(closedRowDecision(ledger, { id: 'B' }, config(), 'r2', 'only if it fails')).toEqual({
      kind: 'skip',
      reason: `row B closed on 2026-11-24, task ${TASK}; to run it again: REOPEN_ROWS=B REOPEN_REASON="…"; the plan reopens it only if it fails`,
    });
  });

  it("a closed row reopened by this run passes, with the reason on the ledger under this run's round", () => {
    const ledger = ledgerOf(intent(), { ...key(), stage: 'terminal', outcome: 'succeed', taskId: TASK, at: LATER });
    expect(closedRowDecision(ledger, { id: 'B' }, config({ rows: ['B'], reason: 'builder changed' }), 'r2', undefined)).toBeUndefined();
    expect(ledger.entries().at(-1)).toMatchObject({
      row: 'B',
      round: 'r2',
      externalTaskId: '',
      stage: 'reopened',
      reason: 'builder changed',
    });
    expect(ledger.rowState('B')).toEqual({ status: 'open' });
  });

  it("a pending row passes to be resolved; reopened, it is given up under its own external_task_id; another row's reopen changes nothing", () => {
    const ledger = ledgerOf(intent());
    expect(closedRowDecision(ledger, { id: 'B' }, config({ rows: ['C'], reason: 'x' }), 'r2', undefined)).toBeUndefined();
    expect(ledger.entries()).toHaveLength(1);
    expect(closedRowDecision(ledger, { id: 'B' }, config({ rows: ['B'], reason: 'task given up' }), 'r2', undefined)).toBeUndefined();
    expect(ledger.entries().at(-1)).toMatchObject({
      row: 'B',
      round: 'r2',
      externalTaskId: EXT,
      stage: 'reopened',
      reason: 'task given up',
    });
    expect(ledger.rowState('B')).toEqual({ status: 'open' });
  });
});

describe("Ledger | a row's state from its lines", () => {
  it('an intent alone is pending since the intent, with no task id to resume by', () => {
    const ledger = ledgerOf(intent());
    expect(ledger.rowState('B')).toEqual({
      status: 'pending',
      since: intent(),
      externalTaskId: EXT,
      round: 'crashed-round',
      intentAt: INTENT_AT,
    });
  });

  it('created and unknown keep the time of their intent; without an intent line, their own', () => {
    expect(pendingOf(ledgerOf(intent(), created()))).toMatchObject({ taskId: TASK, intentAt: INTENT_AT, since: created() });
    expect(pendingOf(ledgerOf(created()))).toMatchObject({ taskId: TASK, intentAt: LATER });
    const unknown: LedgerEntry = { ...key(), stage: 'unknown', reason: 'no answer', at: LATER };
    expect(pendingOf(ledgerOf(intent(), unknown))).toEqual({
      status: 'pending',
      since: unknown,
      externalTaskId: EXT,
      round: 'crashed-round',
      intentAt: INTENT_AT,
    });
    expect(pendingOf(ledgerOf(unknown)).intentAt).toBe(LATER);
  });

  it('a succeed closes the row with its time, task and round; any other end, or a proved absence, opens it', () => {
    const succeed: LedgerEntry = { ...key(), stage: 'terminal', outcome: 'succeed', taskId: TASK, at: LATER };
    expect(ledgerOf(intent(), succeed).rowState('B')).toEqual({ status: 'closed', closedAt: LATER, taskId: TASK, round: 'crashed-round' });
    expect(ledgerOf({ ...key(), stage: 'terminal', outcome: 'succeed', at: LATER }).rowState('B')).toMatchObject({
      status: 'closed',
      taskId: '?',
    });
    for (const outcome of ['failed', 'refused', 'not-sent', 'absent'] as const) {
      expect(ledgerOf(intent(), { ...key(), stage: 'terminal', outcome, at: LATER }).rowState('B')).toEqual({ status: 'open' });
    }
  });

  it('a reopened line opens a closed row, and a new intent after it is pending again', () => {
    const ledger = ledgerOf(
      intent(),
      { ...key(), stage: 'terminal', outcome: 'succeed', taskId: TASK, at: LATER },
      { ...key('r2'), stage: 'reopened', reason: 'builder changed', at: LATER },
      { ...key('r2'), stage: 'intent', payloadDigest: 'd2', at: LATER },
    );
    expect(ledger.rowState('B')).toMatchObject({ status: 'pending', round: 'r2', intentAt: LATER });
  });

  it("another row's lines and a round's account override say nothing about this row", () => {
    const ledger = ledgerOf({ ...intent(), row: 'C' });
    recordAccountOverride(ledger, 'crashed-round', 'no online pack', 'operator checked by hand');
    expect(ledger.rowState('B')).toEqual({ status: 'open' });
    expect(linesOf(ledger.entries(), 'C').map((e) => e.stage)).toEqual(['intent']);
    expect(ledger.entries().at(-1)).toMatchObject({
      stage: 'account-override',
      round: 'crashed-round',
      refused: 'no online pack',
      reason: 'operator checked by hand',
    });
  });

  it('the per-run cap counts the intents of this round only: not another round, not the other stages', () => {
    const ledger = ledgerOf(intent(), created(), { ...intent(), round: 'other' }, { ...intent(), row: 'C' });
    expect(ledger.intentsInRound('crashed-round')).toBe(2);
    expect(ledger.intentsInRound('other')).toBe(1);
    expect(ledger.intentsInRound('none')).toBe(0);
  });
});

describe('Ledger | the lines of a create, as its one writer writes them', () => {
  it('intent, created (with how it was found), unknown, terminal: each one line under the create’s key, timed', () => {
    const ledger = newLedger();
    const life = new CreateLife(ledger, key());
    life.intent('digest-1');
    life.created(TASK);
    life.created(TASK, 'req-1', 'list');
    const entries = ledger.entries();
    expect(entries[0]).toEqual({ ...key(), stage: 'intent', payloadDigest: 'digest-1', at: expect.any(String) as string });
    expect(entries[1]).toEqual({ ...key(), stage: 'created', taskId: TASK, at: expect.any(String) as string });
    expect(entries[2]).toEqual({
      ...key(),
      stage: 'created',
      taskId: TASK,
      requestId: 'req-1',
      foundBy: 'list',
      at: expect.any(String) as string,
    });
    expect(Date.parse(entries[0]?.at ?? '')).toBeGreaterThan(Date.parse('2026-01-01'));
  });
});

describe('Ledger | a create that made no task id, as its one writer records it', () => {
  const refused = { classification: 'body-shape-mismatch', reason: 'the API refused a field (code 1201)' } as const;

  it('sent without an answer: unknown, with the outcome-unknown detail as its reason, not the classifier’s', () => {
    const ledger = newLedger();
    new CreateLife(ledger, key()).createFailed(new CreateOutcomeUnknownError('no-answer', 'ECONNRESET from h:1'), refused, 'policy-test');
    expect(ledger.entries()).toEqual([{ ...key(), stage: 'unknown', reason: 'ECONNRESET from h:1', at: expect.any(String) as string }]);
  });

  it('refused by the API: terminal refused, with its class, verdict, reason and request id', () => {
    const ledger = newLedger();
    const life = new CreateLife(ledger, key());
    life.createFailed(new KlingApiError('create', 400, 1201, 'bad', 'req-9'), refused, 'policy-test');
    life.createFailed(new KlingApiError('create', 400, 1201, 'bad', undefined), refused, 'doc-derived');
    expect(ledger.entries()).toEqual([
      {
        ...key(),
        stage: 'terminal',
        outcome: 'refused',
        ...refused,
        verdict: 'reopened',
        requestId: 'req-9',
        at: expect.any(String) as string,
      },
      { ...key(), stage: 'terminal', outcome: 'refused', ...refused, verdict: 'reopened', at: expect.any(String) as string },
    ]);
  });

  it('never sent: terminal not-sent; anything else after the POST left: unknown, with the classifier’s reason', () => {
    const ledger = newLedger();
    const life = new CreateLife(ledger, key());
    const env = { classification: 'environment-auth-transient', reason: 'create: the request was never sent' } as const;
    life.createFailed(new RequestNotSentError('create', 'ECONNREFUSED'), env, 'policy-test');
    life.createFailed(new TypeError('bug'), { classification: 'harness-error', reason: 'ours' }, 'policy-test');
    expect(ledger.entries()).toEqual([
      { ...key(), stage: 'terminal', outcome: 'not-sent', ...env, verdict: 'unchanged', at: expect.any(String) as string },
      { ...key(), stage: 'unknown', reason: 'ours', at: expect.any(String) as string },
    ]);
  });
});

describe('Ledger | a line that is not an entry stops the run, naming the line', () => {
  function corrupt(lines: string[]): string {
    const ledger = newLedger();
    writeFileSync(ledger.file, `${lines.join('\n')}\n`);
    try {
      ledger.entries();
    } catch (error) {
      expect(error).toBeInstanceOf(LedgerCorruptError);
      expect(error).toHaveProperty('name', 'LedgerCorruptError');
      return (error as Error).message.replace(ledger.file, '<ledger>');
    }
    throw new Error('the ledger was read without complaint');
  }
  const good = JSON.stringify(intent());
  const FIX = 'fix or remove that line by hand (the file is never rewritten by the harness)';

  it.each([
    ['cut-off JSON', '{"stage":"created","row":"B"', `<ledger> line 3 is not valid JSON; ${FIX}`],
    ['an empty object', '{}', "<ledger> line 3 is not a ledger entry (field 'stage'"],
    ['an intent without its digest', JSON.stringify({ ...key(), stage: 'intent', at: INTENT_AT }), "field 'payloadDigest'"],
    ['a created without its task', JSON.stringify({ ...key(), stage: 'created', at: LATER }), "field 'taskId'"],
    ['an unknown without its reason', JSON.stringify({ ...key(), stage: 'unknown', at: LATER }), "field 'reason'"],
    ['a terminal with an unknown outcome', JSON.stringify({ ...key(), stage: 'terminal', outcome: 'done', at: LATER }), "field 'outcome'"],
    ['a reopened without its reason', JSON.stringify({ ...key(), stage: 'reopened', at: LATER }), "field 'reason'"],
    ['an entry without its time', JSON.stringify({ ...key(), stage: 'reopened', reason: 'x' }), "field 'at'"],
    [
      'an override without its refusal',
      JSON.stringify({ stage: 'account-override', round: 'r', reason: 'x', at: LATER }),
      "field 'refused'",
    ],
    [
      'an entry without its round',
      JSON.stringify({ row: 'B', externalTaskId: EXT, stage: 'reopened', reason: 'x', at: LATER }),
      "field 'round'",
    ],
    [
      'an entry without its external id',
      JSON.stringify({ row: 'B', round: 'r', stage: 'reopened', reason: 'x', at: LATER }),
      "field 'externalTaskId'",
    ],
  ])('%s', (_name, line, message) => {
    // A blank line is skipped but still counted: the line number is the file's.
    const text = corrupt([good, '', line]);
    expect(text).toContain(message);
    expect(text).toMatch(
      /^<ledger> line 3 is not (valid JSON|a ledger entry \(.+\)); fix or remove that line by hand \(the file is never rewritten by the harness\)$/,
    );
  });

  it('every stage as written reads back as written', () => {
    const ledger = ledgerOf(
      intent(),
      created(),
      { ...key(), stage: 'unknown', reason: 'r', at: LATER },
      {
        ...key(),
        stage: 'terminal',
        outcome: 'failed',
        taskId: TASK,
        requestId: 'q',
        classification: 'asset-quality',
        verdict: 'unchanged',
        finalUnitDeduction: '0',
        finalBalanceDeduction: { quota: '1', listPrice: '2' },
        reason: 'why',
        proof: 'p',
        at: LATER,
      },
      { ...key(), stage: 'reopened', reason: 'x', at: LATER },
    );
    expect(ledger.entries().map((e) => e.stage)).toEqual(['intent', 'created', 'unknown', 'terminal', 'reopened']);
    expect(ledger.entries()[3]).toMatchObject({ classification: 'asset-quality', finalBalanceDeduction: { quota: '1', listPrice: '2' } });
  });
});

/**
 * A pid no process can have: above the largest the kernel hands out (Linux caps pid_max at 2^22). The dead
 * process of ledger.test.ts, without a child process here: this file's assertions must all run in-process.
 */
const deadPid = () => 2 ** 22 + 1;

describe('Ledger | one run at a time (the run lock), in-process', () => {
  const lockedLedger = () => join(workspace().root, 'nested', 'ledger.jsonl');
  afterEach(() => vi.restoreAllMocks());

  it('its refusal is a RunLockedError by name too, as the run reports it', () => {
    expect(new RunLockedError('x')).toMatchObject({ name: 'RunLockedError', message: 'x' });
  });

  it("a process of another user's (EPERM) is alive; one the kernel does not know (ESRCH) is not", () => {
    const failing = (code: string) => () => {
      throw Object.assign(new Error(code), { code });
    };
    vi.spyOn(process, 'kill').mockImplementation(failing('EPERM'));
    expect(isStale({ pid: 4242, host: hostname(), round: 'r', since: 's' })).toBe(false);
    vi.spyOn(process, 'kill').mockImplementation(failing('ESRCH'));
    expect(isStale({ pid: 4242, host: hostname(), round: 'r', since: 's' })).toBe(true);
  });

  it('a lock that is there but cannot be read at all (a folder) is refused as a lock, never cleared', () => {
    const file = lockedLedger();
    mkdirSync(lockFileFor(file), { recursive: true });
    const message = `${lockFileFor(file)} exists but cannot be read; if no run is going on, delete it by hand`;
    expect(() => readHolder(lockFileFor(file))).toThrow(new RunLockedError(message));
    expect(() => acquireRunLock(file, 'round-7')).toThrow(new RunLockedError(message));
  });

  it('a lock that is there and never readable (a dangling link) is given up after its retry, in one line', () => {
    const file = lockedLedger();
    mkdirSync(join(file, '..'), { recursive: true });
    symlinkSync(join(file, '..', 'nowhere'), lockFileFor(file));
    expect(() => acquireRunLock(file, 'round-8')).toThrow(new RunLockedError(`could not take the lock ${lockFileFor(file)}`));
  });

  it('a lock file the system refuses to create is that error, not a lock held by someone', () => {
    const file = join(workspace().root, `${'l'.repeat(300)}.jsonl`);
    expect(() => acquireRunLock(file, 'round-9')).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }) as Error);
  });

  it('takes the lock in a folder that does not exist yet, holding its pid, host, round and time', () => {
    const file = lockedLedger();
    const lock = acquireRunLock(file, 'round-1');
    expect(lock).not.toHaveProperty('clearedStale');
    expect(readHolder(lockFileFor(file))).toEqual({
      pid: process.pid,
      host: hostname(),
      round: 'round-1',
      since: expect.any(String) as string,
    });
    lock.release();
    expect(existsSync(lockFileFor(file))).toBe(false);
  });

  it('a second run is refused, naming the holder exactly', () => {
    const file = lockedLedger();
    const lock = acquireRunLock(file, 'round-1');
    const since = readHolder(lockFileFor(file))?.since ?? '';
    expect(() => acquireRunLock(file, 'round-2')).toThrow(
      new RunLockedError(`another run holds the ledger ${file}: pid ${process.pid} on ${hostname()}, round round-1, since ${since}`),
    );
    lock.release();
    acquireRunLock(file, 'round-3').release();
  });

  it('release leaves a lock that is no longer ours: another round, or another process, took it', () => {
    const file = lockedLedger();
    const lock = acquireRunLock(file, 'round-1');
    const other = { pid: process.pid, host: hostname(), round: 'round-9', since: 'x' };
    writeFileSync(lockFileFor(file), JSON.stringify(other));
    lock.release();
    expect(readHolder(lockFileFor(file))).toEqual(other);
    writeFileSync(lockFileFor(file), JSON.stringify({ ...other, round: 'round-1', pid: 1 }));
    lock.release();
    expect(existsSync(lockFileFor(file))).toBe(true);
  });

  it('a lock left by a dead process on this host is cleared and reported; the new holder is this run', () => {
    const file = lockedLedger();
    const dead = { pid: deadPid(), host: hostname(), round: 'dead-round', since: 'then' };
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(lockFileFor(file), JSON.stringify(dead));
    expect(isStale(dead)).toBe(true);
    const lock = acquireRunLock(file, 'round-4');
    expect(lock.clearedStale).toEqual(dead);
    expect(readHolder(lockFileFor(file))).toMatchObject({ pid: process.pid, round: 'round-4' });
    lock.release();
  });

  it('a lock held by a live process, or by any process on another host, is not stale: refused', () => {
    const file = lockedLedger();
    mkdirSync(join(file, '..'), { recursive: true });
    expect(isStale({ pid: process.pid, host: hostname(), round: 'r', since: 's' })).toBe(false);
    // pid 1 is always running; another user's process answers EPERM, which still means alive.
    expect(isStale({ pid: 1, host: hostname(), round: 'r', since: 's' })).toBe(false);
    const elsewhere = { pid: deadPid(), host: `${hostname()}-elsewhere`, round: 'far', since: 's' };
    expect(isStale(elsewhere)).toBe(false);
    writeFileSync(lockFileFor(file), JSON.stringify(elsewhere));
    expect(() => acquireRunLock(file, 'round-5')).toThrow(`pid ${elsewhere.pid} on ${elsewhere.host}, round far, since s`);
    expect(readHolder(lockFileFor(file))).toEqual(elsewhere);
  });

  it('a lock that cannot be read is still a lock: refused in one line, never cleared', () => {
    const file = lockedLedger();
    mkdirSync(join(file, '..'), { recursive: true });
    expect(readHolder(lockFileFor(file))).toBeUndefined();
    writeFileSync(lockFileFor(file), 'not json');
    expect(() => acquireRunLock(file, 'round-6')).toThrow(RunLockedError);
    expect(() => acquireRunLock(file, 'round-6')).toThrow(/; if no run is going on, delete it by hand$/);
    writeFileSync(lockFileFor(file), JSON.stringify({ pid: 'one', host: 'h', round: 'r', since: 's' }));
    expect(() => readHolder(lockFileFor(file))).toThrow(/^.*field 'pid'.*; if no run is going on, delete it by hand$/);
    expect(readFileSync(lockFileFor(file), 'utf8')).toContain('"pid":"one"');
  });
});
