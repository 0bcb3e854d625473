import { describe, expect, it } from 'vitest';
import type { RowEvidence } from '../../helpers/harness/evidence/evidence.ts';
import { conclusionsFromEvidence, conclusionsFromLedger, endState } from '../../helpers/harness/evidence/end-state.ts';
import { Ledger } from '../../helpers/harness/ledger/ledger.ts';
import { renderSummary, roundSpend, spendStatement } from '../../helpers/harness/evidence/summary.ts';
import { workspace } from '../support/harness-env.ts';
import { join } from 'node:path';
import { fixtureRegistry } from '../support/fixture-registry.ts';

/** The fixture registry's rows that decide the end state. */
const DECISIVE = fixtureRegistry.decisiveRows;

function row(rowId: RowEvidence['row'], classification: RowEvidence['classification'], extra: Partial<RowEvidence> = {}): RowEvidence {
  return {
    row: rowId,
    title: `row ${rowId}`,
    round: 'live-20261124-100000',
    mode: 'live',
    endpoint: 'POST /v1/videos/text2video',
    recordingProvenance: 'live',
    payloadProvenance: 'policy-test',
    payload: {},
    warnings: [],
    queries: [],
    drift: [],
    classification,
    verdict: classification === 'success' ? 'tightened' : 'reopened',
    conclusive: true,
    reason: `${classification} reason`,
    ...extra,
  };
}

describe('Harness | round summary', () => {
  it('says non-Omni can tighten when B and C both succeeded', () => {
    expect(
      endState(
        DECISIVE,
        conclusionsFromEvidence([row('A', 'success'), row('B', 'success', { taskId: 't-b' }), row('C', 'success', { taskId: 't-c' })]),
      ),
    ).toBe(
      'Non-Omni minimal no-model requests are viable: the scaffold policy can tighten (row B succeeded in round live-20261124-100000 by task t-b; row C succeeded in round live-20261124-100000 by task t-c, without model_name).',
    );
  });

  it('says non-Omni must stay caller-explicit when B or C hit a model-policy mismatch', () => {
    expect(
      endState(
        DECISIVE,
        conclusionsFromEvidence([
          row('B', 'model-policy-mismatch', { reason: 'the API refused the model (code 1201)' }),
          row('C', 'success'),
        ]),
      ),
    ).toBe(
      'Non-Omni still requires explicit legacy model handling: keep it caller-explicit / provisional (row B, round live-20261124-100000: the API refused the model (code 1201)).',
    );
  });

  it('says inconclusive, and why, otherwise', () => {
    expect(
      endState(DECISIVE, conclusionsFromEvidence([row('B', 'success'), row('C', 'asset-quality', { reason: 'replace the asset' })])),
    ).toBe('Inconclusive: row B succeeded in round live-20261124-100000; row C: asset-quality (replace the asset).');
    expect(endState(DECISIVE, conclusionsFromEvidence([row('A', 'success')]))).toBe(
      'Inconclusive: row B has no answer yet; row C has no answer yet.',
    );
  });

  it('counts earlier rounds: B closed in one round and C in the next is an answer, from the ledger', () => {
    const ledger = new Ledger(join(workspace().root, 'ledger.jsonl'));
    const at = '2026-11-24T10:00:00.000Z';
    const closed = (row: 'B' | 'C', round: string, taskId: string) => {
      ledger.append({ stage: 'intent', row, round, externalTaskId: `${round}-${row}`, payloadDigest: 'd', at });
      ledger.append({
        stage: 'terminal',
        row,
        round,
        externalTaskId: `${round}-${row}`,
        outcome: 'succeed',
        taskId,
        classification: 'success',
        verdict: 'tightened',
        at,
      });
    };
    closed('B', 'live-1', '860000000000000001');
    expect(endState(DECISIVE, conclusionsFromLedger(ledger, DECISIVE))).toBe(
      'Inconclusive: row B closed in round live-1 by task 860000000000000001; row C has no answer yet.',
    );
    closed('C', 'live-2', 'CjI17WevH1IAAAAAAHmgsw');
    expect(endState(DECISIVE, conclusionsFromLedger(ledger, DECISIVE))).toBe(
      'Non-Omni minimal no-model requests are viable: the scaffold policy can tighten (row B closed in round live-1 by task 860000000000000001; row C closed in round live-2 by task CjI17WevH1IAAAAAAHmgsw, without model_name).',
    );
  });

  it('sums final_unit_deduction, strings and all, and marks non-live rows as not real spend', () => {
    const evidence = [
      row('A', 'success', { finalUnitDeduction: '1', taskId: 't-a' }),
      row('B', 'success', { finalUnitDeduction: '3.5', recordingProvenance: 'sandbox', taskId: 't-b' }),
      row('C', 'body-shape-mismatch'),
    ];
    expect(roundSpend(evidence)).toMatchObject({ units: 4.5, unknown: [] });
    const md = renderSummary({ id: 'r1', dir: '/tmp/r1' }, evidence, { decisive: DECISIVE });
    expect(md).toContain(
      '**Spent in this run:** 4.5 units (sum of final_unit_deduction; sandbox and transcribed rows are not real spend).',
    );
    expect(md).toContain('| B | `POST /v1/videos/text2video` | sandbox | policy-test | success | **tightened** | 3.5 |');
    expect(md).toContain('not live evidence');
  });

  it.each([
    ['missing', undefined],
    ['negative', '-2'],
    ['not a number', 'two'],
    ['not finite', 'Infinity'],
    ['exponent', '1e3'],
  ])('a task whose deduction is %s is unknown spend, never 0 or negative', (_name, value) => {
    const evidence = [
      row('A', 'success', { finalUnitDeduction: '1', taskId: 't-a' }),
      row('B', 'success', { taskId: 't-b', ...(value === undefined ? {} : { finalUnitDeduction: value }) }),
    ];
    expect(roundSpend(evidence)).toMatchObject({ units: 1, unknown: [{ row: 'B', taskId: 't-b', value }] });
    expect(renderSummary({ id: 'r1', dir: '/tmp/r1' }, evidence, { decisive: DECISIVE })).toContain(
      `**Spent in this run:** 1 unit, and unknown for 1 task (row B: ${value === undefined ? 'no final_unit_deduction' : `unreadable final_unit_deduction '${value}'`})`,
    );
  });

  it('a replay shows recorded spend and says it spent nothing; a live run says what it spent; one unit is "1 unit"', () => {
    const replayed = [row('A', 'success', { mode: 'replay', finalUnitDeduction: '1', taskId: 't-a', recordingProvenance: 'sandbox' })];
    expect(spendStatement(replayed)).toEqual({
      label: 'recorded spend (this replay spent nothing)',
      figure: '1 unit (not billed: sandbox)',
      line: 'Recorded spend (this replay spent nothing): 1 unit (sum of final_unit_deduction; sandbox and transcribed rows are not real spend).',
    });
    expect(renderSummary({ id: 'r1', dir: '/tmp/r1' }, replayed, { decisive: DECISIVE })).toContain(
      '**Recorded spend (this replay spent nothing):** 1 unit (sum',
    );
    const live = [row('B', 'success', { finalUnitDeduction: '2', taskId: 't-b' }), row('C', 'success', { taskId: 't-c' })];
    expect(spendStatement(live)).toMatchObject({ label: 'spent in this run', figure: '2 units, unknown for 1 task' });
  });
});
