import { ageText } from '../../helpers/harness/evidence/evidence-age.ts';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, LedgerCorruptError, type LedgerEntry } from '../../helpers/harness/ledger/ledger.ts';
import { ledgerStatusLines } from '../../helpers/harness/ledger/ledger-report.ts';
import { RunLockedError, acquireRunLock, lockFileFor } from '../../helpers/harness/ledger/run-lock.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import type { SandboxOptions } from '../../helpers/sandbox/options.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox/server.ts';
import { configProblems } from '../support/config-problems.ts';
import { recordFigure } from '../support/figures.ts';
import { liveLike, rowEnvironment, workspace } from '../support/harness-env.ts';
import { ledgerTestRow } from '../support/ledger-rows.ts';
import { fixtureRegistry } from '../support/fixture-registry.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

const servers = serversStoppedAfterEach();

/** The sandbox with a clock the test can move forward (tokens stay valid: it only ever runs ahead of real time). */
async function clockedSandbox(options: SandboxOptions = {}) {
  let offset = 0;
  const sandbox = await startSandbox({ now: () => Date.now() + offset, timing: { submittedMs: 50, processingMs: 200 }, ...options });
  servers.sandbox = sandbox;
  return { sandbox, advance: (ms: number) => (offset += ms) };
}

function setup(sb: Sandbox) {
  const ws = workspace();
  const config = liveLike(sb.url, sb.credentials, ['B']);
  // Where a rehearsal keeps its ledger: the child runs below derive the same path from REPORTS_DIR.
  const ledgerFile = join(ws.reportsDir, 'rehearsal', 'ledger.jsonl');
  return { ws, ledgerFile, ledger: new Ledger(ledgerFile), config: { ...config, ledgerFile } };
}

/** What a run against the sandbox is given: rehearse mode, the sandbox, and the test's own ledger and folders. */
function sandboxRunEnv(sb: Sandbox, ws: ReturnType<typeof workspace>, approve: string): Record<string, string> {
  return {
    HARNESS_MODE: 'rehearse',
    KLING_BASE_URL: sb.url,
    KLING_ACCESS_KEY: sb.credentials.accessKey,
    KLING_SECRET_KEY: sb.credentials.secretKey,
    APPROVE_ROWS: approve,
    REPORTS_DIR: ws.reportsDir,
    RECORDINGS_DIR: ws.recordingsDir,
  };
}

/** Runs row B in a child process; resolves when `until` holds (then kills it with SIGKILL) or the child exits. */
function runChild(sb: Sandbox, ws: ReturnType<typeof workspace>, env: Record<string, string>, until?: () => boolean) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'specs/support/run-row-child.ts'], {
    env: { ...process.env, ...sandboxRunEnv(sb, ws, 'B'), ROUND_ID: 'crashed-round', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.child = proc;
  return new Promise<{ signal: NodeJS.Signals | null; code: number | null }>((resolve) => {
    const timer = until
      ? setInterval(() => {
          if (until()) {
            clearInterval(timer);
            proc.kill('SIGKILL');
          }
        }, 10)
      : undefined;
    proc.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal });
    });
  });
}

/** A later run is a new round (its own journal, its own per-run cap). */
const nextRound = (id: string) => ({ round: { id, dir: join(workspace().root, id) } });

const stages = (ledger: Ledger) => ledger.entries().map((e) => e.stage);

describe('Ledger | crash-safe: resume, never re-create', () => {
  it('crash after the intent and before the create (SIGKILL): the rerun looks the task up, finds nothing, makes one create', async () => {
    const { sandbox: sb } = await clockedSandbox();
    const { ws, ledger, config } = setup(sb);
    const crashed = await runChild(sb, ws, { HARNESS_FAILPOINT: 'after-intent' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(stages(ledger)).toEqual(['intent']);
    expect(sb.state.createsReceived.text2video).toBe(0);

    const rerun = await runRow(ledgerTestRow, rowEnvironment(ws, config).env);
    expect(rerun).toMatchObject({ status: 'done', evidence: { classification: 'success' } });
    // Absence proved twice: the lookup says 1203, and the list holds no task with that external_task_id.
    expect(sb.state.requests.map((r) => `${r.route} ${r.method}`).slice(0, 3)).toEqual(['query GET', 'list GET', 'create POST']);
    expect(sb.state.tasksCreated.text2video).toBe(1);
    expect(stages(ledger)).toEqual(['intent', 'terminal', 'intent', 'created', 'terminal']);
    expect(ledger.entries()[1]).toMatchObject({
      stage: 'terminal',
      outcome: 'absent',
      externalTaskId: 'crashed-round-B',
      proof: 'lookup: 1203, not found; list: no task with it, read to its end (1 page(s) read)',
    });
    recordFigure({
      kind: 'scenario',
      name: 'process: SIGKILL after the intent, then rerun',
      creates: 1,
      doubleCreates: sb.state.tasksCreated.text2video - 1,
    });
  }, 60_000);

  it('crash after the create and before the answer is read: the rerun finds the task by external_task_id and resumes it, zero new creates', async () => {
    const { sandbox: sb } = await clockedSandbox({ faults: [{ route: 'create', calls: [1], fault: { kind: 'hang-after-create' } }] });
    const { ws, ledger, config } = setup(sb);
    const crashed = await runChild(sb, ws, {}, () => sb.state.tasksCreated.text2video === 1);
    expect(crashed.signal).toBe('SIGKILL');
    expect(stages(ledger)).toEqual(['intent']);

    const rerun = await runRow(ledgerTestRow, rowEnvironment(ws, config).env);
    expect(rerun).toMatchObject({
      status: 'done',
      evidence: { classification: 'success', resumed: { externalTaskId: 'crashed-round-B' } },
    });
    expect(sb.state.tasksCreated.text2video).toBe(1);
    expect(sb.state.createsReceived.text2video).toBe(1);
    expect(ledger.entries().map((e) => `${e.stage}${e.stage === 'created' && e.foundBy ? `:${e.foundBy}` : ''}`)).toEqual([
      'intent',
      'created:lookup',
      'terminal',
    ]);
    recordFigure({
      kind: 'scenario',
      name: 'process: SIGKILL before the create answer, then rerun',
      creates: 1,
      doubleCreates: sb.state.tasksCreated.text2video - 1,
    });
  }, 60_000);

  it('crash mid-poll: the rerun resumes the same task by its id, zero new creates, and writes the terminal entry', async () => {
    const { sandbox: sb, advance } = await clockedSandbox({ timing: { submittedMs: 50, processingMs: 1_200_000 } });
    const { ws, ledger, config } = setup(sb);
    const crashed = await runChild(sb, ws, {}, () => sb.state.calls.query >= 2);
    expect(crashed.signal).toBe('SIGKILL');
    expect(stages(ledger)).toEqual(['intent', 'created']);
    const taskId = (ledger.entries()[1] as Extract<LedgerEntry, { stage: 'created' }>).taskId;

    advance(1_200_000); // less than the 30 min token lifetime, so tokens signed now stay valid
    const rerun = await runRow(ledgerTestRow, rowEnvironment(ws, config).env);
    expect(rerun).toMatchObject({
      status: 'done',
      evidence: { classification: 'success', taskId, resumed: { taskId, round: 'crashed-round' } },
    });
    expect(sb.state.tasksCreated.text2video).toBe(1);
    recordFigure({
      kind: 'scenario',
      name: 'process: SIGKILL mid-poll, then rerun',
      creates: 1,
      doubleCreates: sb.state.tasksCreated.text2video - 1,
    });
    expect(ledger.entries().at(-1)).toMatchObject({
      stage: 'terminal',
      outcome: 'succeed',
      taskId,
      round: 'crashed-round',
      finalUnitDeduction: '1',
    });
  }, 60_000);

  it('a create sent without an answer is "unknown" and refuses to create until a lookup resolves it', async () => {
    const { sandbox: sb } = await clockedSandbox({ faults: [{ route: 'create', calls: [1], fault: { kind: 'reset-after-create' } }] });
    const { ws, ledger, config } = setup(sb);
    const first = await runRow(ledgerTestRow, rowEnvironment(ws, config).env);
    expect(first).toMatchObject({ status: 'done', evidence: { classification: 'environment-auth-transient' } });
    expect(stages(ledger)).toEqual(['intent', 'unknown']);

    sb.inject(
      { route: 'query', calls: 'every', fault: { kind: 'server-error', code: 5001 } },
      { route: 'list', calls: 'every', fault: { kind: 'server-error', code: 5001 } },
    );
    const refused = await runRow(ledgerTestRow, rowEnvironment(ws, config, nextRound('second')).env);
    expect(refused.status).toBe('skipped');
    if (refused.status === 'skipped') {
      expect(refused.reason).toMatch(
        /^row B: an earlier create \(external_task_id rehearse-test-B, sent without an answer: .*\) has an outcome the API cannot settle now \(lookup: HTTP 503, code 5001.*; list: HTTP 503, code 5001.*\); no create until it can, or until REOPEN_ROWS=B REOPEN_REASON="…" gives that task up$/,
      );
    }
    expect(sb.state.createsReceived.text2video).toBe(1);

    sb.state.faults.length = 0;
    const resolved = await runRow(ledgerTestRow, rowEnvironment(ws, config, nextRound('third')).env);
    expect(resolved).toMatchObject({
      status: 'done',
      evidence: { classification: 'success', resumed: { externalTaskId: 'rehearse-test-B' } },
    });
    expect(sb.state.tasksCreated.text2video).toBe(1);
  }, 60_000);
});

describe('Ledger | closed rows and reopening', () => {
  it('a closed row is skipped with its date and task, and the plan reopen criteria as a hint', async () => {
    const { sandbox: sb } = await clockedSandbox();
    const { ws, ledger, config } = setup(sb);
    expect(await runRow(ledgerTestRow, rowEnvironment(ws, config).env)).toMatchObject({ status: 'done' });
    const taskId = ledger.rowState('B');
    expect(taskId.status).toBe('closed');
    const again = await runRow(ledgerTestRow, rowEnvironment(ws, config).env);
    expect(again.status).toBe('skipped');
    if (again.status === 'skipped' && taskId.status === 'closed') {
      expect(again.reason).toBe(
        `row B closed on ${taskId.closedAt.slice(0, 10)}, task ${taskId.taskId}; to run it again: REOPEN_ROWS=B REOPEN_REASON="…"; the plan reopens it only if the no-model attempt fails with a clearly model-policy-specific error`,
      );
    }
    expect(sb.state.createsReceived.text2video).toBe(1);
  });

  it('reopening without a reason is refused before the run starts', () => {
    const problems = configProblems({
      HARNESS_MODE: 'live',
      APPROVE_ROWS: 'B',
      REOPEN_ROWS: 'B',
      KLING_ACCESS_KEY: 'ak',
      KLING_SECRET_KEY: 'sk',
    });
    expect(problems).toEqual(['REOPEN_ROWS=B needs REOPEN_REASON="why": the reason goes into the ledger']);
  });

  it('reopening with a reason makes exactly one create, and the reason is on the ledger', async () => {
    const { sandbox: sb } = await clockedSandbox();
    const { ws, ledger, config } = setup(sb);
    await runRow(ledgerTestRow, rowEnvironment(ws, config).env);
    const reopened = { ...config, reopen: { rows: ['B' as const], reason: 'builder changed: prompt wording' } };
    const outcome = await runRow(ledgerTestRow, rowEnvironment(ws, reopened, nextRound('reopen')).env);
    expect(outcome).toMatchObject({ status: 'done', evidence: { classification: 'success' } });
    expect(sb.state.tasksCreated.text2video).toBe(2);
    expect(ledger.entries().filter((e) => e.stage === 'reopened')).toMatchObject([{ row: 'B', reason: 'builder changed: prompt wording' }]);
  });
});

describe('Ledger | integrity and the run lock', () => {
  it('a corrupt line stops the run with an error naming the line, and the file is left exactly as it was', async () => {
    const { sandbox: sb } = await clockedSandbox();
    const { ws, ledgerFile, config } = setup(sb);
    const good = JSON.stringify({
      stage: 'intent',
      row: 'A',
      round: 'r',
      externalTaskId: 'r-A',
      payloadDigest: 'x',
      at: '2026-11-24T00:00:00Z',
    });
    mkdirSync(dirname(ledgerFile), { recursive: true });
    writeFileSync(ledgerFile, `${good}\n{"stage":"created","row":"A"\n`);
    const before = readFileSync(ledgerFile);
    await expect(runRow(ledgerTestRow, rowEnvironment(ws, config).env)).rejects.toThrow(
      new LedgerCorruptError(
        `${ledgerFile} line 2 is not valid JSON; fix or remove that line by hand (the file is never rewritten by the harness)`,
      ),
    );
    expect(readFileSync(ledgerFile).equals(before)).toBe(true);
    expect(sb.state.requests).toHaveLength(0);
  });

  it('a second run on the same ledger is refused, naming the holder', () => {
    const ws = workspace();
    const ledgerFile = join(ws.root, 'ledger.jsonl');
    const first = acquireRunLock(ledgerFile, 'round-1');
    expect(() => acquireRunLock(ledgerFile, 'round-2')).toThrow(RunLockedError);
    expect(() => acquireRunLock(ledgerFile, 'round-2')).toThrow(new RegExp(`pid ${process.pid} on .*, round round-1, since `));
    first.release();
    acquireRunLock(ledgerFile, 'round-3').release();
  });

  it('a stale lock from a dead process is detected and cleared', () => {
    const ws = workspace();
    const ledgerFile = join(ws.root, 'ledger.jsonl');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(
      lockFileFor(ledgerFile),
      JSON.stringify({
        pid: Number(dead.stdout),
        host: hostname(),
        round: 'dead-round',
        since: 'x',
      }),
    );
    const lock = acquireRunLock(ledgerFile, 'round-4');
    expect(lock.clearedStale).toMatchObject({ pid: Number(dead.stdout), round: 'dead-round' });
    lock.release();
  });

  it('a concurrent run of the matrix is refused before any request, naming the holder, with zero creates', async () => {
    const { sandbox: sb } = await clockedSandbox();
    const ws = workspace();
    const ledgerFile = join(ws.reportsDir, 'rehearsal', 'ledger.jsonl');
    const held = acquireRunLock(ledgerFile, 'round-held');
    try {
      const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'rows'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, ...sandboxRunEnv(sb, ws, 'A,B,C') },
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`✗ another run holds the ledger ${ledgerFile}: pid ${process.pid}`);
      expect(sb.state.requests).toHaveLength(0);
      recordFigure({ kind: 'scenario', name: 'process: two runs at once on one ledger', creates: 0, doubleCreates: 0 });
    } finally {
      held.release();
    }
  }, 60_000);

  it('pnpm ledger tells per row what is closed, pending or open, and the total spent', () => {
    const ws = workspace();
    const ledger = new Ledger(join(ws.root, 'ledger.jsonl'));
    const at = '2026-11-24T10:00:00.000Z';
    ledger.append({ stage: 'intent', row: 'A', round: 'r1', externalTaskId: 'r1-A', payloadDigest: 'd', at });
    ledger.append({ stage: 'created', row: 'A', round: 'r1', externalTaskId: 'r1-A', taskId: '860000000000000001', at });
    ledger.append({
      stage: 'terminal',
      row: 'A',
      round: 'r1',
      externalTaskId: 'r1-A',
      outcome: 'succeed',
      taskId: '860000000000000001',
      classification: 'success',
      verdict: 'unchanged',
      finalUnitDeduction: '1',
      at,
    });
    ledger.append({ stage: 'intent', row: 'B', round: 'r1', externalTaskId: 'r1-B', payloadDigest: 'd', at });
    ledger.append({ stage: 'unknown', row: 'B', round: 'r1', externalTaskId: 'r1-B', reason: 'ECONNRESET', at });
    ledger.append({ stage: 'intent', row: 'C', round: 'r1', externalTaskId: 'r1-C', payloadDigest: 'd', at });
    ledger.append({ stage: 'created', row: 'C', round: 'r1', externalTaskId: 'r1-C', taskId: '860000000000000003', at });
    ledger.append({ stage: 'intent', row: 'D', round: 'r1', externalTaskId: 'r1-D', payloadDigest: 'd', at });
    ledger.append({
      stage: 'terminal',
      row: 'D',
      round: 'r1',
      externalTaskId: 'r1-D',
      outcome: 'failed',
      taskId: '860000000000000004',
      classification: 'asset-quality',
      verdict: 'unchanged',
      finalUnitDeduction: '0',
      at,
    });
    expect(ledgerStatusLines(ledger, fixtureRegistry)).toEqual([
      `Ledger ${ledger.file}:`,
      `  A: closed on 2026-11-24 (${ageText(at)}), task 860000000000000001 (1 create sent)`,
      '  B: pending: outcome unknown for external_task_id r1-B; the next run looks it up (1 create sent)',
      '  C: pending: task 860000000000000003 not finished; the next run resumes it (1 create sent)',
      '  D: open (1 create sent)',
      '  spent: 1 unit, and unknown for 2 tasks (row B: a create whose outcome is unknown has not ended; row C: task 860000000000000003 has not ended) (sum of final_unit_deduction)',
      '  end state: Inconclusive: row B is pending: a create whose outcome is unknown (round r1); row C is pending: task 860000000000000003 not finished (round r1).',
    ]);
  });
});
