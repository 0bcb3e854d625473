import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, LedgerCorruptError, type LedgerEntry, type RowEntryLine } from '../../helpers/harness/ledger/ledger.ts';
import { describeSpend, spendOf } from '../../helpers/harness/ledger/spend.ts';
import { conclusionsFromLedger, endState } from '../../helpers/harness/evidence/end-state.ts';
import { ledgerStatusLines } from '../../helpers/harness/ledger/ledger-report.ts';
import { acquireRunLock, lockFileFor } from '../../helpers/harness/ledger/run-lock.ts';
import { workspace } from '../support/harness-env.ts';
import { fixtureRegistry } from '../support/fixture-registry.ts';

/** The fixture registry's rows that decide the end state. */
const DECISIVE = fixtureRegistry.decisiveRows;

/** The ledger's rules, on ledgers written by hand: what no line can talk it into. */

const at = '2026-11-24T10:00:00.000Z';
const base = (row: RowEntryLine['row'], round: string) => ({ row, round, externalTaskId: `${round}-${row}`, at });
const succeed = (
  row: RowEntryLine['row'],
  round: string,
  taskId: string,
  finalUnitDeduction?: string,
): Extract<LedgerEntry, { stage: 'terminal' }> => ({
  ...base(row, round),
  stage: 'terminal',
  outcome: 'succeed',
  taskId,
  classification: 'success',
  verdict: 'tightened',
  ...(finalUnitDeduction === undefined ? {} : { finalUnitDeduction }),
});

function ledgerOf(entries: LedgerEntry[]): Ledger {
  const ledger = new Ledger(join(workspace().root, 'ledger.jsonl'));
  for (const e of entries) ledger.append(e);
  return ledger;
}

describe('Ledger | a closed row stays closed', () => {
  it('whatever later lines of another round say, until an explicit reopened line', () => {
    const ledger = ledgerOf([
      { ...base('B', 'r1'), stage: 'intent', payloadDigest: 'd' },
      succeed('B', 'r1', '860000000000000001', '1'),
      { ...base('B', 'r2'), stage: 'intent', payloadDigest: 'd' },
      { ...base('B', 'r2'), stage: 'terminal', outcome: 'refused', classification: 'body-shape-mismatch' },
      { ...base('B', 'r3'), stage: 'unknown', reason: 'ECONNRESET' },
    ]);
    expect(ledger.rowState('B')).toMatchObject({ status: 'closed', taskId: '860000000000000001', round: 'r1' });
    ledger.append({ ...base('B', 'r4'), stage: 'reopened', reason: 'builder changed' });
    expect(ledger.rowState('B')).toEqual({ status: 'open' });
  });

  it('a pending row can be reopened too, explicitly', () => {
    const ledger = ledgerOf([
      { ...base('C', 'r1'), stage: 'intent', payloadDigest: 'd' },
      { ...base('C', 'r1'), stage: 'unknown', reason: 'HTTP 502' },
    ]);
    expect(ledger.rowState('C')).toMatchObject({ status: 'pending', externalTaskId: 'r1-C', intentAt: at });
    ledger.append({ ...base('C', 'r2'), stage: 'reopened', reason: 'task given up' });
    expect(ledger.rowState('C')).toEqual({ status: 'open' });
  });
});

describe('Ledger | unknown spend is not zero', () => {
  it.each([
    ['missing', undefined],
    ['negative', '-3'],
    ['not a number', 'lots'],
    ['NaN', 'NaN'],
    ['infinite', 'Infinity'],
  ])('a %s deduction is unknown spend, never summed', (_name, value) => {
    const entries = [succeed('A', 'r1', 't-a', '1'), succeed('B', 'r1', 't-b', value)];
    expect(spendOf(entries)).toMatchObject({ units: 1, unknown: [{ row: 'B', taskId: 't-b', value }] });
    expect(describeSpend(spendOf(entries))).toBe(
      `1 unit, and unknown for 1 task (row B: ${value === undefined ? 'no final_unit_deduction' : `unreadable final_unit_deduction '${value}'`})`,
    );
  });

  it('a refusal, a request never sent or a proved absence spent nothing', () => {
    expect(
      spendOf([
        { ...base('A', 'r1'), stage: 'terminal', outcome: 'refused' },
        { ...base('B', 'r1'), stage: 'terminal', outcome: 'not-sent' },
        { ...base('C', 'r1'), stage: 'terminal', outcome: 'absent', proof: 'lookup: 1203' },
      ]),
    ).toMatchObject({ units: 0, unknown: [] });
  });

  it('pnpm ledger still shows a row the registry no longer lists, and counts its spend', () => {
    const ledger = ledgerOf([succeed('Q', 'r1', '860000000000000009', '2')]);
    const lines = ledgerStatusLines(ledger, fixtureRegistry);
    expect(lines).toContain('  Q: not a row that creates in this registry (1 ledger line(s); any spend is in the total below)');
    expect(lines).toContain('  spent: 2 units (sum of final_unit_deduction)');
  });

  it('pnpm ledger shows it', () => {
    const ledger = ledgerOf([succeed('A', 'r1', '860000000000000001')]);
    expect(ledgerStatusLines(ledger, fixtureRegistry)).toContain(
      '  spent: 0 units, and unknown for 1 task (row A: no final_unit_deduction) (sum of final_unit_deduction)',
    );
  });
});

describe('Ledger | what it claims after a reopen, and of tasks that have not ended', () => {
  it("a reopen sets the row's answer aside: the end state no longer counts it", () => {
    const ledger = ledgerOf([
      { ...base('B', 'r1'), stage: 'intent', payloadDigest: 'd' },
      succeed('B', 'r1', 't-b1', '1'),
      { ...base('C', 'r1'), stage: 'intent', payloadDigest: 'd' },
      succeed('C', 'r1', 't-c1', '1'),
    ]);
    expect(endState(DECISIVE, conclusionsFromLedger(ledger, DECISIVE))).toMatch(/^Non-Omni minimal no-model requests are viable/);
    ledger.append({ ...base('B', 'r2'), stage: 'reopened', reason: 'builder changed' });
    expect(endState(DECISIVE, conclusionsFromLedger(ledger, DECISIVE))).toBe(
      'Inconclusive: row B has no answer yet; row C closed in round r1 by task t-c1.',
    );
  });

  it('a task still pending, or given up by a reopen, is unknown spend; balance spend is added up beside the units', () => {
    const spend = spendOf([
      { ...base('A', 'r1'), stage: 'intent', payloadDigest: 'd' },
      { ...base('A', 'r1'), stage: 'created', taskId: 't-a' },
      { ...base('B', 'r1'), stage: 'intent', payloadDigest: 'd' },
      { ...base('B', 'r1'), stage: 'unknown', reason: 'no answer' },
      { ...base('B', 'r2'), stage: 'reopened', reason: 'given up' },
      { ...base('C', 'r1'), stage: 'intent', payloadDigest: 'd' },
      { ...succeed('C', 'r1', 't-c', '2'), finalBalanceDeduction: { quota: '5', listPrice: '3.5' } },
    ]);
    expect(describeSpend(spend)).toBe(
      '2 units, and unknown for 2 tasks (row A: task t-a has not ended; row B: a create whose outcome is unknown was given up by a reopen); outside the packs: quota 5, list price 3.5 (1 task)',
    );
  });
});

describe('Ledger | lines it refuses, naming the line and the field', () => {
  it.each([
    ['null', 'null', 'Invalid input: expected object, received null'],
    ['a number', '42', 'Invalid input: expected object, received number'],
    ['an array', '[{"stage":"intent"}]', 'Invalid input: expected object, received array'],
    ['an unknown stage', '{"stage":"closed","row":"A","round":"r","externalTaskId":"x","at":"t"}', "field 'stage'"],
    [
      'a row that is not a row id',
      '{"stage":"intent","row":"b-1","round":"r","externalTaskId":"x","at":"t","payloadDigest":"d"}',
      "field 'row' must be a row id (an upper-case letter, then letters or digits)",
    ],
    [
      'a deduction that is a number',
      `{"stage":"terminal","row":"A","round":"r","externalTaskId":"x","at":"t","outcome":"succeed","finalUnitDeduction":1}`,
      "field 'finalUnitDeduction'",
    ],
  ])('%s', (_name, line, message) => {
    const file = join(workspace().root, 'ledger.jsonl');
    writeFileSync(file, `${JSON.stringify({ ...base('A', 'r0'), stage: 'intent', payloadDigest: 'd' })}\n${line}\n`);
    const error = (() => {
      try {
        new Ledger(file).entries();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(LedgerCorruptError);
    expect((error as Error).message).toContain(`${file} line 2 is not a ledger entry (`);
    expect((error as Error).message).toContain(message);
  });

  it("shows the run's own lock as its own, and another run's as another's", () => {
    const ws = workspace();
    const ledger = new Ledger(join(ws.root, 'ledger.jsonl'));
    writeFileSync(ledger.file, `${JSON.stringify({ ...base('A', 'r1'), stage: 'intent', payloadDigest: 'd' })}\n`);
    const lock = acquireRunLock(ledger.file, 'r1');
    try {
      expect(ledgerStatusLines(ledger, fixtureRegistry).at(-1)).toBe('  locked by this run (round r1) until it ends');
    } finally {
      lock.release();
    }
    writeFileSync(
      lockFileFor(ledger.file),
      JSON.stringify({ pid: 1, host: 'ci-runner-7', round: 'r2', since: '2026-12-01T10:00:00.000Z' }),
    );
    expect(ledgerStatusLines(ledger, fixtureRegistry).at(-1)).toBe(
      '  locked by another run: pid 1 on ci-runner-7, round r2, since 2026-12-01T10:00:00.000Z',
    );
  });
});
