import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../helpers/harness/ledger/ledger.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import type { Classification } from '../../helpers/kling/classifier.ts';
import type { FaultRule } from '../../helpers/sandbox/faults.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { recordFigure } from '../support/figures.ts';
import { liveLike, rowEnvironment, workspace } from '../support/harness-env.ts';
import { ledgerTestRow } from '../support/ledger-rows.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/**
 * The fault matrix (promises §2, §8): every scenario runs row B's live code path against the sandbox with one fault
 * scripted in, and asserts the three things that matter: creates per row ≤ 1 (counted by the sandbox), the
 * ledger state, and the classification.
 */

interface Scenario {
  name: string;
  faults: FaultRule[];
  classification: Classification;
  /** The ledger stages this run leaves, in order. */
  ledger: string[];
  tasksCreated: number;
  /** Extra sandbox or runner settings the scenario needs. */
  sandboxClockAheadMs?: number;
  requestTimeoutMs?: number;
  deadlineMs?: number;
  check?: (context: { sleeps: number[]; evidence: Record<string, unknown> }) => void;
}

const create = (fault: FaultRule['fault'], calls: FaultRule['calls'] = [1]): FaultRule => ({ route: 'create', calls, fault });
const query = (fault: FaultRule['fault'], calls: FaultRule['calls'] = [1]): FaultRule => ({ route: 'query', calls, fault });
const download = (fault: FaultRule['fault'], calls: FaultRule['calls'] = [1]): FaultRule => ({ route: 'download', calls, fault });
const OK = ['intent', 'created', 'terminal'];

const SCENARIOS: Scenario[] = [
  // Create
  {
    name: 'create: connection reset before the request is read',
    faults: [create({ kind: 'reset-before-read' })],
    classification: 'environment-auth-transient',
    ledger: ['intent', 'unknown'],
    tasksCreated: 0,
  },
  {
    name: 'create: reset after the task exists, before the answer',
    faults: [create({ kind: 'reset-after-create' })],
    classification: 'environment-auth-transient',
    ledger: ['intent', 'unknown'],
    tasksCreated: 1,
  },
  {
    // A server error may come after the task was made: the outcome is unknown, never a refusal.
    name: 'create: 500/5000 (no task made, but that cannot be known)',
    faults: [create({ kind: 'server-error', code: 5000 })],
    classification: 'environment-auth-transient',
    ledger: ['intent', 'unknown'],
    tasksCreated: 0,
  },
  {
    name: 'create: 500/5000 after the task exists',
    faults: [create({ kind: 'server-error-after-create', code: 5000 })],
    classification: 'environment-auth-transient',
    ledger: ['intent', 'unknown'],
    tasksCreated: 1,
  },
  {
    // A server error may come after the task was made: the outcome is unknown, never a refusal.
    name: 'create: 503/5001 (no task made, but that cannot be known)',
    faults: [create({ kind: 'server-error', code: 5001 })],
    classification: 'environment-auth-transient',
    ledger: ['intent', 'unknown'],
    tasksCreated: 0,
  },
  {
    name: 'create: 503/5001 after the task exists',
    faults: [create({ kind: 'server-error-after-create', code: 5001 })],
    classification: 'environment-auth-transient',
    ledger: ['intent', 'unknown'],
    tasksCreated: 1,
  },
  {
    // A server error may come after the task was made: the outcome is unknown, never a refusal.
    name: 'create: 504/5002 (no task made, but that cannot be known)',
    faults: [create({ kind: 'server-error', code: 5002 })],
    classification: 'environment-auth-transient',
    ledger: ['intent', 'unknown'],
    tasksCreated: 0,
  },
  {
    name: 'create: 504/5002 after the task exists',
    faults: [create({ kind: 'server-error-after-create', code: 5002 })],
    classification: 'environment-auth-transient',
    ledger: ['intent', 'unknown'],
    tasksCreated: 1,
  },
  {
    name: 'create: 429/1303 with Retry-After (not retried: a create never is)',
    faults: [create({ kind: 'throttle', code: 1303, retryAfterSeconds: 2 })],
    classification: 'environment-auth-transient',
    ledger: ['intent', 'terminal'],
    tasksCreated: 0,
    check: ({ sleeps }) => expect(sleeps.filter((s) => s === 2000)).toEqual([]),
  },
  {
    name: 'create: 401/1004 token expired',
    faults: [],
    sandboxClockAheadMs: 2 * 3_600_000,
    classification: 'environment-auth-transient',
    ledger: ['intent', 'terminal'],
    tasksCreated: 0,
    check: ({ evidence }) => expect(evidence.reason).toBe('authentication failed (code 1004): "Authorization token has expired"'),
  },
  {
    name: 'create: client timeout (the task appears later)',
    faults: [create({ kind: 'slow', delayMs: 600 })],
    requestTimeoutMs: 200,
    classification: 'environment-auth-transient',
    ledger: ['intent', 'unknown'],
    tasksCreated: 1,
  },
  // Query
  {
    name: 'query: a burst of 5xx, then answers',
    faults: [query({ kind: 'server-error', code: 5000 }, [1, 2, 3])],
    classification: 'success',
    ledger: OK,
    tasksCreated: 1,
  },
  {
    name: 'query: 429/1303 with Retry-After',
    faults: [query({ kind: 'throttle', code: 1303, retryAfterSeconds: 3 })],
    classification: 'success',
    ledger: OK,
    tasksCreated: 1,
    check: ({ sleeps }) => expect(sleeps).toContain(3000),
  },
  {
    name: 'query: malformed JSON',
    faults: [query({ kind: 'malformed-json' }, [1, 2])],
    classification: 'success',
    ledger: OK,
    tasksCreated: 1,
  },
  {
    name: 'query: slow answers',
    faults: [query({ kind: 'slow', delayMs: 150 }, 'every')],
    classification: 'success',
    ledger: OK,
    tasksCreated: 1,
  },
  {
    name: 'query: task stuck in processing past the deadline (left pending, resumable)',
    faults: [create({ kind: 'stuck' })],
    deadlineMs: 300,
    classification: 'environment-auth-transient',
    ledger: ['intent', 'created'],
    tasksCreated: 1,
  },
  // Download
  {
    name: 'download: cut mid-body, then whole',
    faults: [download({ kind: 'cut-download', afterBytes: 2000 })],
    classification: 'success',
    ledger: OK,
    tasksCreated: 1,
    check: ({ evidence }) => expect(evidence.download).toMatchObject({ bytes: readFileSync('helpers/sandbox/fixtures/result.mp4').length }),
  },
  {
    name: 'download: a wrong content length every time (gives up; the task stays pending for the next run to resume)',
    faults: [download({ kind: 'wrong-length', extraBytes: 100 }, 'every')],
    classification: 'environment-auth-transient',
    ledger: ['intent', 'created'],
    tasksCreated: 1,
  },
];

const servers = serversStoppedAfterEach();

describe('Faults | the matrix, row B against the sandbox', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const ahead = scenario.sandboxClockAheadMs ?? 0;
    const sandbox = await startSandbox({ faults: scenario.faults, timeScale: 0.01, now: () => Date.now() + ahead });
    servers.sandbox = sandbox;
    const ws = workspace();
    const ledgerFile = join(ws.root, 'ledger.jsonl');
    const sleeps: number[] = [];
    const { env } = rowEnvironment(
      ws,
      { ...liveLike(sandbox.url, sandbox.credentials, ['B']), ledgerFile },
      {
        sleep: (ms) => {
          sleeps.push(ms);
          return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20)));
        },
        pollSchedule: { initialDelayMs: 20, maxDelayMs: 20, ...(scenario.deadlineMs ? { deadlineMs: scenario.deadlineMs } : {}) },
        ...(scenario.requestTimeoutMs ? { requestTimeoutMs: scenario.requestTimeoutMs } : {}),
      },
    );
    const outcome = await runRow(ledgerTestRow, env);
    if (scenario.requestTimeoutMs) await new Promise((resolve) => setTimeout(resolve, 800));

    expect(outcome.status).toBe('done');
    if (outcome.status !== 'done') return;
    expect(outcome.evidence.classification, outcome.evidence.reason).toBe(scenario.classification);
    expect(new Ledger(ledgerFile).entries().map((e) => e.stage)).toEqual(scenario.ledger);
    const created = sandbox.state.tasksCreated.text2video;
    expect(created).toBe(scenario.tasksCreated);
    expect(created).toBeLessThanOrEqual(1);
    expect(sandbox.state.createsReceived.text2video).toBeLessThanOrEqual(1);
    scenario.check?.({ sleeps, evidence: outcome.evidence as unknown as Record<string, unknown> });
    recordFigure({ kind: 'scenario', name: scenario.name, creates: created, doubleCreates: Math.max(0, created - 1) });
  });
});
