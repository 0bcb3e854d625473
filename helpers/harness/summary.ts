import { join } from 'node:path';
import type { RowEvidence } from './evidence.ts';
import { addUp, describeSpend, type Spend } from './ledger.ts';
import type { Round } from './round.ts';
import { writeTextFile } from './scrubbed-files.ts';

/**
 * The round summary the plan asks for ("End state this plan is trying to reach"): which of its two answers the
 * round gave, or why it gave neither, and what it spent.
 */

export function endState(evidence: readonly RowEvidence[]): string {
  const byRow = new Map(evidence.map((e) => [e.row, e]));
  const nonOmni = ['B', 'C'] as const;
  const ran = nonOmni.map((row) => byRow.get(row));
  const modelPolicy = ran.filter((e) => e?.classification === 'model-policy-mismatch');
  if (modelPolicy.length > 0) {
    return `Non-Omni still requires explicit legacy model handling: keep it caller-explicit / provisional (${modelPolicy
      .map((e) => `row ${e?.row ?? '?'}: ${e?.reason ?? ''}`)
      .join('; ')}).`;
  }
  if (ran.every((e) => e?.classification === 'success')) {
    return 'Non-Omni minimal no-model requests are viable: the scaffold policy can tighten (rows B and C succeeded without model_name).';
  }
  const why = nonOmni.map((row) => {
    const e = byRow.get(row);
    return e === undefined ? `row ${row} did not run` : `row ${row}: ${e.classification} (${e.reason})`;
  });
  return `Inconclusive: ${why.join('; ')}.`;
}

/** What the round's rows spent; a row with a task and no readable deduction is unknown spend, never zero. */
export function roundSpend(evidence: readonly RowEvidence[]): Spend {
  return addUp(evidence.flatMap((e) => (e.taskId === undefined ? [] : [{ row: e.row, taskId: e.taskId, value: e.finalUnitDeduction }])));
}

export function renderSummary(round: Round, evidence: readonly RowEvidence[], ledgerLines: readonly string[] = []): string {
  const sandbox = evidence.some((e) => e.recordingProvenance !== 'live');
  const lines = [
    `# Round ${round.id}`,
    '',
    `**End state:** ${endState(evidence)}`,
    '',
    `**Spend:** ${describeSpend(roundSpend(evidence))} (sum of final_unit_deduction${sandbox ? '; sandbox and transcribed rows are not real spend' : ''}).`,
    '',
    '| Row | Endpoint | Recording | Payload | Classification | Verdict | Units | Reason |',
    '|---|---|---|---|---|---|---|---|',
    ...evidence.map(
      (e) =>
        `| ${e.row} | \`${e.endpoint}\` | ${e.recordingProvenance} | ${e.payloadProvenance} | ${e.classification} | **${e.verdict}**${e.conclusive ? '' : ' (inconclusive)'} | ${e.finalUnitDeduction ?? '–'} | ${e.reason.replace(/\|/g, '\\|')}${e.advice ? ` — ${e.advice}` : ''} |`,
    ),
    '',
    ...(ledgerLines.length > 0 ? ['## Ledger after this round', '', '```', ...ledgerLines, '```', ''] : []),
  ];
  if (sandbox) lines.push('Rows recorded against the sandbox or transcribed are rehearsal or history, not live evidence.', '');
  return lines.join('\n');
}

export function writeSummary(dir: string, round: Round, evidence: readonly RowEvidence[], ledgerLines: readonly string[] = []): string {
  const file = join(dir, 'summary.md');
  writeTextFile(file, renderSummary(round, evidence, ledgerLines));
  return file;
}
