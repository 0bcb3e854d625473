import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MODES, type Mode } from '../config/run-config.ts';
import { readJsonFile } from '../sinks/json-file.ts';
import { writeJsonFile } from '../sinks/scrubbed-files.ts';
import type { RowEvidence } from './evidence.ts';
import type { Round } from './round.ts';
import type { SpendStatement } from './summary.ts';

/**
 * The round's answer in one file, `reports/rounds/<round>/answer.json`: what the report opens on (its title and
 * first panel) and what `pnpm report` picks the last round by. Written once, when the round's last row is done,
 * from the same figures as the summary.
 */

export interface RowAnswer {
  row: string;
  /** "tightened (success), task 8600…" or "closed on 2026-12-01, task 8600…": what a person reads first. */
  line: string;
}

export interface RoundAnswer {
  round: string;
  mode: Mode;
  finishedAt: string;
  /** Rows that ran to an answer (an evidence file); 0 when every row was skipped. */
  rowsRun: number;
  /** The end state's first clause ("Inconclusive", "Non-Omni minimal no-model requests are viable"). */
  headline: string;
  endState: string;
  spend: SpendStatement;
  account?: { before: string[]; after: string[] } | undefined;
  rows: RowAnswer[];
  /** The ledger's closed rows after the round, each with the task that closed it (none in replay: no ledger). */
  closed?: { row: string; taskId: string; on: string }[] | undefined;
}

const answerSchema = z.object({
  round: z.string(),
  mode: z.enum(MODES),
  finishedAt: z.string(),
  rowsRun: z.number().int().nonnegative(),
  headline: z.string(),
  endState: z.string(),
  spend: z.object({ label: z.string(), figure: z.string(), line: z.string() }),
  account: z.object({ before: z.array(z.string()), after: z.array(z.string()) }).optional(),
  rows: z.array(z.object({ row: z.string(), line: z.string() })),
  closed: z.array(z.object({ row: z.string(), taskId: z.string(), on: z.string() })).optional(),
}) satisfies z.ZodType<RoundAnswer>;

/** "Inconclusive: row B …" → "Inconclusive". */
export function headlineOf(endState: string): string {
  return (endState.split(':')[0] ?? endState).trim();
}

/** Per row that ran: its verdict and class, and the task that answered. */
export function rowAnswers(evidence: readonly RowEvidence[]): RowAnswer[] {
  return evidence.map((e) => ({
    row: e.row,
    line: `${e.conclusive ? e.verdict : 'inconclusive'} · ${e.classification}${e.taskId ? ` · ${e.mode === 'replay' ? 'recorded ' : ''}task ${e.taskId}` : ''}`,
  }));
}

const answerFile = (round: Round) => join(round.dir, 'answer.json');

export function writeRoundAnswer(round: Round, answer: RoundAnswer): string {
  const file = answerFile(round);
  writeJsonFile(file, answer);
  return file;
}

/** The round's answer, or undefined when the round never finished (refused, or still running). */
export function readRoundAnswer(round: Round): RoundAnswer | undefined {
  const file = answerFile(round);
  return existsSync(file) ? readJsonFile(file, answerSchema) : undefined;
}
