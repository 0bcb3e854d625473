import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../helpers/harness/ledger/ledger.ts';
import { ledgerStatusLines } from '../../helpers/harness/ledger/ledger-report.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import { renderSummary } from '../../helpers/harness/evidence/summary.ts';
import { sendJson, startLoopbackServer } from '../support/loopback-server.ts';
import { liveLike, rowEnvironment, workspace } from '../support/harness-env.ts';
import { ledgerTestRow } from '../support/ledger-rows.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';
import { fixtureRegistry } from '../support/fixture-registry.ts';
import { closedPort } from '../support/ports.ts';

/** The fixture registry's rows that decide the end state. */
const DECISIVE = fixtureRegistry.decisiveRows;

/**
 * Answers seen from the real API (kling-api §9b) that our own sandbox never gives: a 22-character task id whose
 * request_id equals it, a fractional duration, a succeed with no final_unit_deduction but a
 * final_balance_deduction, no task_info. Row B's live path against a server that answers exactly that.
 */

const ID = 'CjI17WevH1IAAAAAAHmgsw';
const T0 = 1_738_000_000_000;
const MP4 = readFileSync('helpers/sandbox/fixtures/result.mp4');
const servers = serversStoppedAfterEach();

async function realLike(statuses: string[]) {
  let polls = 0;
  servers.scripted = await startLoopbackServer((req, res) => {
    if (req.url.startsWith('/files/')) {
      res.writeHead(200, { 'content-type': 'video/mp4' }).end(MP4);
      return;
    }
    if (req.method === 'POST') {
      sendJson(res, 200, {
        code: 0,
        message: 'SUCCEED',
        request_id: ID,
        data: { task_id: ID, task_status: 'submitted', created_at: T0, updated_at: T0 },
      });
      return;
    }
    const status = statuses[Math.min(polls++, statuses.length - 1)] ?? 'processing';
    sendJson(res, 200, {
      code: 0,
      message: 'SUCCEED',
      request_id: ID,
      data: {
        task_id: ID,
        task_status: status,
        task_status_msg: '',
        created_at: T0,
        updated_at: T0 + polls * 1000,
        ...(status === 'succeed'
          ? {
              task_result: { videos: [{ id: 'v1', url: `${servers.scripted?.url ?? ''}/files/${ID}.mp4`, duration: '5.1' }] },
              final_balance_deduction: { quota: '0.5', list_price: 0.7 },
            }
          : {}),
      },
    });
  });
  return servers.scripted;
}

describe('Harness | answers seen from the real API', () => {
  it('a 22-character task id, a fractional duration, no deduction: the row closes, spend is unknown, not zero', async () => {
    const server = await realLike(['processing', 'succeed']);
    const ws = workspace();
    const { env } = rowEnvironment(ws, liveLike(server.url, { accessKey: 'ak-real-22', secretKey: 'sk-real-22' }, ['B']));
    const outcome = await runRow(ledgerTestRow, env);
    expect(outcome).toMatchObject({
      status: 'done',
      evidence: { classification: 'success', taskId: ID, finalBalanceDeduction: { quota: '0.5', listPrice: '0.7' } },
    });
    if (outcome.status !== 'done') return;
    expect(outcome.evidence.drift.filter((d) => d.path.includes('duration'))).toEqual([]);

    const ledger = new Ledger(join(ws.root, 'ledger.jsonl'));
    expect(ledger.rowState('B')).toMatchObject({ status: 'closed', taskId: ID });
    expect(ledger.entries().at(-1)).toMatchObject({
      stage: 'terminal',
      taskId: ID,
      finalBalanceDeduction: { quota: '0.5', listPrice: '0.7' },
    });
    expect(ledgerStatusLines(ledger, fixtureRegistry)).toContain(
      '  spent: 0 units, and unknown for 1 task (row B: no final_unit_deduction); outside the packs: quota 0.5, list price 0.7 (1 task) (sum of final_unit_deduction)',
    );
    expect(renderSummary({ id: 'r', dir: ws.root }, [outcome.evidence], { decisive: DECISIVE })).toContain(
      '**Spent in this run:** 0 units, and unknown for 1 task (row B: no final_unit_deduction)',
    );

    // The cassette holds no trace of the real id, and normalizes it as it does an 18-digit one.
    const cassette = readFileSync(join(ws.recordingsDir, ledgerTestRow.name, 'cassette.har'), 'utf8');
    expect(cassette).not.toContain(ID);
    expect(cassette).toContain('/v1/videos/text2video/900000000000001000');
  });

  it('a status the docs do not name is response drift: the round stops, nothing reopens, and the task stays pending', async () => {
    const server = await realLike(['queued']);
    const ws = workspace();
    const { env } = rowEnvironment(ws, liveLike(server.url, { accessKey: 'ak-real-22', secretKey: 'sk-real-22' }, ['B']));
    const outcome = await runRow(ledgerTestRow, env);
    expect(outcome).toMatchObject({
      status: 'done',
      evidence: { classification: 'environment-auth-transient', verdict: 'unchanged', conclusive: false },
    });
    if (outcome.status === 'done')
      expect(outcome.evidence.reason).toMatch(/^response drift: the answer no longer matches the docs \(data\.task_status/);
    expect(env.journal.stopped()).toMatchObject({ row: 'B' });
    expect(new Ledger(join(ws.root, 'ledger.jsonl')).rowState('B')).toMatchObject({ status: 'pending', taskId: ID });
  });
});

describe('Harness | what counts as a create sent', () => {
  it('a request that never left is not a create sent, and its line names the host and the error', async () => {
    const ws = workspace();
    const dead = `127.0.0.1:${await closedPort()}`;
    const { env } = rowEnvironment(ws, liveLike(`http://${dead}`, { accessKey: 'ak-dead-1', secretKey: 'sk-dead-1' }, ['B']));
    const outcome = await runRow(ledgerTestRow, env);
    expect(outcome).toMatchObject({ status: 'done', evidence: { reason: `create: the request was never sent (ECONNREFUSED at ${dead})` } });
    const lines = ledgerStatusLines(new Ledger(join(ws.root, 'ledger.jsonl')), fixtureRegistry);
    expect(lines).toContain(`  B: open (0 creates sent; 1 never left (create: the request was never sent (ECONNREFUSED at ${dead})))`);
  });

  it('a refusal is an attempt, not spend', async () => {
    servers.scripted = await startLoopbackServer((_req, res) =>
      sendJson(res, 401, { code: 1002, message: 'Authorization is invalid', request_id: 'r' }),
    );
    const ws = workspace();
    await runRow(
      ledgerTestRow,
      rowEnvironment(ws, liveLike(servers.scripted.url, { accessKey: 'ak-401-1', secretKey: 'sk-401-1' }, ['B'])).env,
    );
    const lines = ledgerStatusLines(new Ledger(join(ws.root, 'ledger.jsonl')), fixtureRegistry);
    expect(lines).toContain('  B: open (1 create sent (1 refused))');
    expect(lines).toContain('  spent: 0 units (sum of final_unit_deduction)');
  });
});
