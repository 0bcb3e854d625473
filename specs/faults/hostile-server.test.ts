import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../helpers/harness/ledger/ledger.ts';
import type { RowOutcome } from '../../helpers/harness/rows/row-environment.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import type { Classification } from '../../helpers/kling/classifier.ts';
import type { Fault, FaultRule, ReflectPlace } from '../../helpers/sandbox/faults.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox/server.ts';
import { recordFigure } from '../support/figures.ts';
import { liveLike, rowEnvironment, workspace } from '../support/harness-env.ts';
import { ledgerTestRow } from '../support/ledger-rows.ts';
import { filesUnder, scanForSecrets } from '../support/secret-scan.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/**
 * Row B's live code path against a server that misbehaves on purpose (promises §11): it redirects the create,
 * fails after the task exists, answers for itself in front of the API, sends far more than asked, claims a
 * success with nothing in it, serves a page as the video, and quotes the credentials back. Each case asserts
 * what matters: creates as counted by the server (never a second task), the ledger, the class, and not one
 * secret in any file written, any line printed or anything handed to the report.
 */

const CANARY = { accessKey: 'CANARYhostileAK93', secretKey: 'CANARYhostileSK41x' };
const MB = 1024 * 1024;

interface Run {
  /** Added to the sandbox before this run; the previous run's faults are cleared. */
  faults: FaultRule[];
  status: RowOutcome['status'];
  classification?: Classification;
}

interface Case {
  name: string;
  runs: Run[];
  /** Ledger stages after the last run. */
  ledger: string[];
  tasksCreated: number;
  createsReceived?: number;
  check?: (context: { sandbox: Sandbox; ws: ReturnType<typeof workspace>; outcomes: RowOutcome[] }) => void;
}

const on = (route: FaultRule['route'], fault: Fault, calls: FaultRule['calls'] = 'every'): FaultRule => ({ route, calls, fault });
const reflect = (route: FaultRule['route'], where: ReflectPlace) => on(route, { kind: 'reflect', where });
const unanswered = on('create', { kind: 'reset-after-create' }, [1]);
const clean: Run = { faults: [], status: 'done', classification: 'success' };
const ENV: Classification = 'environment-auth-transient';
const OK = ['intent', 'created', 'terminal'];

const CASES: Case[] = [
  // A create is never sent twice, and only a clear refusal is a refusal.
  {
    name: 'create answered 307 to the same URL: not followed, the outcome is unknown',
    runs: [{ faults: [on('create', { kind: 'redirect', status: 307, to: 'same' })], status: 'done', classification: ENV }],
    ledger: ['intent', 'unknown'],
    tasksCreated: 0,
    createsReceived: 1,
  },
  {
    name: 'create answered 308 to another host: not followed, nothing from that host reaches the ledger',
    runs: [{ faults: [on('create', { kind: 'redirect', status: 308, to: 'other-host' })], status: 'done', classification: ENV }],
    ledger: ['intent', 'unknown'],
    tasksCreated: 0,
    createsReceived: 1,
  },
  {
    name: 'create answered 500/5000 after the task exists; the rerun finds the task and resumes it',
    runs: [{ faults: [on('create', { kind: 'server-error-after-create', code: 5000 })], status: 'done', classification: ENV }, clean],
    ledger: ['intent', 'unknown', 'created', 'terminal'],
    tasksCreated: 1,
    createsReceived: 1,
  },
  {
    name: "a gateway's JSON 404 on the lookup after an unanswered create is no proof of absence",
    runs: [
      { faults: [unanswered], status: 'done', classification: ENV },
      {
        faults: [
          on('query', { kind: 'gateway', status: 404, body: 'json-not-found' }),
          on('list', { kind: 'gateway', status: 404, body: 'json-not-found' }),
        ],
        status: 'skipped',
      },
      clean,
    ],
    ledger: ['intent', 'unknown', 'created', 'terminal'],
    tasksCreated: 1,
    createsReceived: 1,
  },
  {
    name: "a gateway's HTML 502 on the lookup is no proof of absence either",
    runs: [
      { faults: [unanswered], status: 'done', classification: ENV },
      {
        faults: [on('query', { kind: 'gateway', status: 502, body: 'html' }), on('list', { kind: 'gateway', status: 502, body: 'html' })],
        status: 'skipped',
      },
    ],
    ledger: ['intent', 'unknown'],
    tasksCreated: 1,
    createsReceived: 1,
  },
  {
    name: 'a 1203 lookup alone proves nothing while the list still holds the task: it is resumed',
    runs: [
      { faults: [unanswered], status: 'done', classification: ENV },
      { faults: [on('query', { kind: 'gateway', status: 404, body: 'json-not-found' }, [1])], status: 'done', classification: 'success' },
    ],
    ledger: ['intent', 'unknown', 'created', 'terminal'],
    tasksCreated: 1,
    createsReceived: 1,
    check: ({ ws }) => expect(new Ledger(join(ws.root, 'ledger.jsonl')).entries()[2]).toMatchObject({ stage: 'created', foundBy: 'list' }),
  },
  // Answers larger than anyone asked for.
  {
    name: 'create answered with a 100 MB JSON body: cut off unread, the outcome is unknown',
    runs: [{ faults: [on('create', { kind: 'huge-answer', bytes: 100 * MB })], status: 'done', classification: ENV }],
    ledger: ['intent', 'unknown'],
    tasksCreated: 0,
  },
  {
    name: 'a query answered with a 100 MB JSON body: cut off, retried, then read',
    runs: [{ faults: [on('query', { kind: 'huge-answer', bytes: 100 * MB }, [1])], status: 'done', classification: 'success' }],
    ledger: OK,
    tasksCreated: 1,
  },
  {
    name: 'a 100 MB text-like result downloads in full, and stays out of the cassette',
    runs: [{ faults: [on('download', { kind: 'huge-result', bytes: 100 * MB, fill: 'text' })], status: 'done', classification: 'success' }],
    ledger: OK,
    tasksCreated: 1,
    check: ({ ws, outcomes }) => {
      const outcome = outcomes[0];
      expect(outcome?.status === 'done' && outcome.evidence.download).toMatchObject({ bytes: 100 * MB });
      const dir = join(ws.recordingsDir, ledgerTestRow.name);
      expect(statSync(join(dir, 'cassette.har')).size).toBeLessThan(50 * 1024);
      expect(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))).toMatchObject({ download: { bytes: 100 * MB } });
    },
  },
  // Successes that are not.
  {
    name: 'succeed with zero videos does not close the row; the rerun resumes the same task',
    runs: [{ faults: [on('query', { kind: 'no-videos' })], status: 'done', classification: ENV }, clean],
    ledger: ['intent', 'created', 'terminal'],
    tasksCreated: 1,
  },
  {
    name: 'a query answered about another task is not taken for ours; the rerun resumes ours',
    runs: [{ faults: [on('query', { kind: 'other-task' })], status: 'done', classification: ENV }, clean],
    ledger: ['intent', 'created', 'terminal'],
    tasksCreated: 1,
  },
  {
    name: 'an HTML page served as the video is a failed download, and the row stays pending',
    runs: [{ faults: [on('download', { kind: 'not-a-video', contentType: 'text/html' })], status: 'done', classification: ENV }],
    ledger: ['intent', 'created'],
    tasksCreated: 1,
  },
  {
    name: 'an HTML page that calls itself video/mp4 is refused by its bytes (no ftyp box)',
    runs: [{ faults: [on('download', { kind: 'not-a-video', contentType: 'video/mp4' })], status: 'done', classification: ENV }],
    ledger: ['intent', 'created'],
    tasksCreated: 1,
    check: ({ ws }) => expect(filesUnder(ws.reportsDir).filter((f) => /result\.mp4/.test(f))).toEqual([]),
  },
  // The credentials quoted back, in each place a server can put them.
  ...(
    [
      ['create', 'create-error', 'body-shape-mismatch', ['intent', 'terminal'], 0],
      ['create', 'auth-error', ENV, ['intent', 'terminal'], 0],
      ['query', 'status-message', 'success', OK, 1],
      ['query', 'extra-field', 'success', OK, 1],
      ['create', 'extra-field', 'success', OK, 1],
      ['query', 'header', 'success', OK, 1],
      ['query', 'content-type', 'success', OK, 1],
      ['download', 'content-type', 'success', OK, 1],
      ['query', 'video-url', ENV, ['intent', 'created'], 1],
      ['download', 'html-video', ENV, ['intent', 'created'], 1],
    ] as [FaultRule['route'], ReflectPlace, Classification, string[], number][]
  ).map(([route, where, classification, ledger, tasksCreated]): Case => ({
    name: `the token and key quoted back (${route}: ${where})`,
    runs: [{ faults: [reflect(route, where)], status: 'done', classification }],
    ledger,
    tasksCreated,
  })),
];

const servers = serversStoppedAfterEach();

describe('Faults | a hostile server, row B', () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, scenario) => {
      const sb = await startSandbox({ credentials: CANARY, timeScale: 0.01 });
      servers.sandbox = sb;
      const ws = workspace();
      const outcomes: RowOutcome[] = [];
      const printed: string[] = [];
      const handed: unknown[] = [];
      for (const [i, run] of scenario.runs.entries()) {
        sb.state.faults.length = 0;
        sb.inject(...run.faults);
        const { env, sink, lines } = rowEnvironment(ws, liveLike(sb.url, CANARY, ['B']), {
          round: { id: `hostile-${i + 1}`, dir: join(ws.reportsDir, 'rounds', `hostile-${i + 1}`) },
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))),
          pollSchedule: { initialDelayMs: 20, maxDelayMs: 20 },
        });
        const outcome = await runRow(ledgerTestRow, env);
        outcomes.push(outcome);
        printed.push(...lines, ...(outcome.status === 'skipped' ? [outcome.reason] : []));
        handed.push(
          ...sink.events.map((e) => ('content' in e && Buffer.isBuffer(e.content) ? { ...e, content: e.content.toString('latin1') } : e)),
        );
        expect(outcome.status, JSON.stringify(outcome).slice(0, 400)).toBe(run.status);
        if (run.classification !== undefined && outcome.status === 'done') {
          expect(outcome.evidence.classification, outcome.evidence.reason).toBe(run.classification);
        }
      }
      expect(new Ledger(join(ws.root, 'ledger.jsonl')).entries().map((e) => e.stage)).toEqual(scenario.ledger);
      expect(sb.state.tasksCreated.text2video).toBe(scenario.tasksCreated);
      if (scenario.createsReceived !== undefined) expect(sb.state.createsReceived.text2video).toBe(scenario.createsReceived);
      scenario.check?.({ sandbox: sb, ws, outcomes });

      const { scanned, hits } = scanForSecrets(ws.root, CANARY, { printed: printed.join('\n'), report: JSON.stringify(handed) });
      const doubleCreates = Math.max(0, sb.state.tasksCreated.text2video - 1);
      recordFigure({
        kind: 'hostile',
        name: scenario.name,
        creates: sb.state.tasksCreated.text2video,
        doubleCreates,
        filesScanned: scanned,
        hits: hits.length,
      });
      expect(hits).toEqual([]);
      expect(doubleCreates).toBe(0);
    },
    60_000,
  );
});
