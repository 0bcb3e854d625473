import { join } from 'node:path';
import type { Family } from '../../kling/families.ts';
import { proposePolicy } from './policy-proposal.ts';
import type { RowEvidence } from './evidence.ts';
import { addUp, describeSpend, unitsText, type Spend } from '../ledger/spend.ts';
import { conclusionsFromEvidence, endState, type Conclusion, type DecisiveRows } from './end-state.ts';
import type { Round } from './round.ts';
import type { RowId } from '../rows/row.ts';
import { writeTextFile } from '../sinks/scrubbed-files.ts';

/**
 * The round summary the plan asks for: the end state (end-state.ts, over every round the ledger knows), what this
 * round spent, each row's answer, the account before and after, and the ledger as the round left it.
 */

/** A table cell holding server text: one line, no cell boundary of its own. */
const cell = (text: string) => text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');

/** What the round's rows spent; a row with a task and no readable deduction is unknown spend, never zero. */
export function roundSpend(evidence: readonly RowEvidence[]): Spend {
  return addUp(
    evidence.flatMap((e) =>
      e.taskId === undefined ? [] : [{ row: e.row, taskId: e.taskId, value: e.finalUnitDeduction, balance: e.finalBalanceDeduction }],
    ),
  );
}

/** What the spend of this round's rows is, by where they were recorded: only a Kling host's is certainly real. */
function spendNote(evidence: readonly RowEvidence[]): string {
  const kinds = new Set(evidence.map((e) => e.recordingProvenance));
  const notes = [
    ...(kinds.has('sandbox') || kinds.has('transcribed') ? ['sandbox and transcribed rows are not real spend'] : []),
    ...(kinds.has('custom-host') ? ['custom-host rows may be real spend: whatever answers behind that host may bill'] : []),
  ];
  return notes.length === 0 ? '' : `; ${notes.join('; ')}`;
}

/** What a round spent, said as what it is: a replay spends nothing and shows what the recorded tasks deducted. */
export interface SpendStatement {
  /** "spent in this run" or "recorded spend (this replay spent nothing)". */
  label: string;
  /** "3 units", "1 unit, unknown for 1 task", with "(not billed: sandbox)" when no row ran against Kling. */
  figure: string;
  /** The whole sentence, every unknown task named: the summary's line. */
  line: string;
}

export function spendStatement(evidence: readonly RowEvidence[]): SpendStatement {
  const spend = roundSpend(evidence);
  const replay = evidence.length > 0 && evidence.every((e) => e.mode === 'replay');
  const label = replay ? 'recorded spend (this replay spent nothing)' : 'spent in this run';
  const unknown = spend.unknown.length === 0 ? '' : `, unknown for ${spend.unknown.length} task${spend.unknown.length === 1 ? '' : 's'}`;
  const billed = evidence.every((e) => e.recordingProvenance === 'sandbox' || e.recordingProvenance === 'transcribed')
    ? ' (not billed: sandbox)'
    : '';
  return {
    label,
    figure: `${unitsText(spend.units)}${unknown}${billed}`,
    line: `${label[0]?.toUpperCase() ?? ''}${label.slice(1)}: ${describeSpend(spend)} (sum of final_unit_deduction${spendNote(evidence)}).`,
  };
}

export interface SummaryExtras {
  /** The rows whose answer decides the end state (the registry's). */
  decisive: DecisiveRows;
  /** What the ledger concludes over every round; without it (replay), this round's rows. */
  conclusions?: ReadonlyMap<RowId, Conclusion>;
  ledgerLines?: readonly string[];
  /** The account check's lines before and after the round. */
  account?: { before: readonly string[]; after: readonly string[] };
  /** The decisive rows with their families: the policy change their verdicts justify ends the summary. */
  policyRows?: readonly { id: RowId; family: Family }[];
}

/** Each row's first frame against its input, flagged where it looks weak: the plan's "look at the frames". */
function firstFrameLines(evidence: readonly RowEvidence[]): string[] {
  const lines = evidence.flatMap((e) => {
    const f = e.firstFrame;
    if (f === undefined) return [];
    if ('notMeasured' in f) return [`- ${e.row}: first frame not measured: ${f.notMeasured}`];
    return [`- ${f.weak ? '**' : ''}${e.row}: ${f.reading}${f.weak ? '**' : ''}`];
  });
  return lines.length === 0 ? [] : ['## First frames', '', ...lines, '', 'The score is evidence, never the verdict.', ''];
}

/** The summary's last section: the change to model-policy.ts the verdicts justify, or why there is none. */
function policySection(evidence: readonly RowEvidence[], extras: SummaryExtras, practice: boolean): string[] {
  if (extras.policyRows === undefined || extras.policyRows.length === 0) return [];
  const changes = proposePolicy(extras.policyRows, extras.conclusions ?? conclusionsFromEvidence(evidence));
  return [
    '## Model policy',
    '',
    ...changes.map((c) => `- ${c.sentence}`),
    '',
    `\`pnpm policy:propose\` prints ${changes.some((c) => c.to) ? 'this' : 'it'} as a diff of helpers/kling/model-policy.ts; nothing is changed by itself.${practice ? ' From rows that are not live: practice, not evidence.' : ''}`,
    '',
  ];
}

/** The end state over everything known: the ledger's conclusions when there is a ledger, else this round's rows. */
export function roundEndState(evidence: readonly RowEvidence[], extras: SummaryExtras): string {
  return endState(extras.decisive, extras.conclusions ?? conclusionsFromEvidence(evidence));
}

export function renderSummary(round: Round, evidence: readonly RowEvidence[], extras: SummaryExtras): string {
  const sandbox = evidence.some((e) => e.recordingProvenance !== 'live');
  const ledgerLines = extras.ledgerLines ?? [];
  const account = extras.account;
  const lines = [
    `# Round ${round.id}`,
    '',
    `**End state:** ${roundEndState(evidence, extras)}`,
    '',
    `**${spendStatement(evidence).line.replace(': ', ':** ')}`,
    '',
    '| Row | Endpoint | Recording | Payload | Classification | Verdict | Units | Reason |',
    '|---|---|---|---|---|---|---|---|',
    ...evidence.map(
      (e) =>
        `| ${e.row} | \`${e.endpoint}\` | ${e.recordingProvenance} | ${e.payloadProvenance} | ${e.classification} | **${e.verdict}**${e.conclusive ? '' : ' (inconclusive)'} | ${cell(e.finalUnitDeduction ?? '–')} | ${cell(`${e.reason}${e.advice ? ` — ${e.advice}` : ''}`)} |`,
    ),
    '',
    ...firstFrameLines(evidence),
    ...(account
      ? [
          '## Account',
          '',
          'Before the round:',
          '',
          ...account.before.map((l) => `- ${l}`),
          '',
          'After the round:',
          '',
          ...account.after.map((l) => `- ${l}`),
          '',
        ]
      : []),
    ...(ledgerLines.length > 0 ? ['## Ledger after this round', '', '```', ...ledgerLines, '```', ''] : []),
    ...policySection(evidence, extras, sandbox),
  ];
  if (sandbox)
    lines.push('Rows recorded against the sandbox or another host, or transcribed, are rehearsal or history, not live evidence.', '');
  return lines.join('\n');
}

export function writeSummary(dir: string, round: Round, evidence: readonly RowEvidence[], extras: SummaryExtras): string {
  const file = join(dir, 'summary.md');
  writeTextFile(file, renderSummary(round, evidence, extras));
  return file;
}
