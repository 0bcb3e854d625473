import { z } from 'zod';
import { FAILURE_CLASSES } from '../../kling/classifier.ts';
import { rowIdSchema, type RowId } from '../rows/row.ts';
import { describeIssue } from '../sinks/json-file.ts';
import { appendJsonLine, jsonLines } from '../sinks/scrubbed-files.ts';

/**
 * The spend ledger (promises §2–§4, §13): an append-only JSONL file, one line per step of a create's life,
 * each line flushed to disk before the harness goes on. It is what makes the plan's ground rules (one create per
 * purpose, first success stops further variants) survive crashes, reruns and mistakes. Nothing ever rewrites it,
 * and no line can talk it into a second create: a closed row stays closed until an explicit `reopened` line.
 */

const base = { row: rowIdSchema, round: z.string(), externalTaskId: z.string(), at: z.string() };

export const TERMINAL_OUTCOMES = ['succeed', 'failed', 'refused', 'not-sent', 'absent'] as const;

const entrySchema = z.discriminatedUnion('stage', [
  /** Written and flushed before the create leaves the process. */
  z.object({
    ...base,
    stage: z.literal('intent'),
    payloadDigest: z.string(),
    /** The digest of the approval request this create was approved under (`pnpm plan`, APPROVED_PLAN). */
    approvedPlan: z.string().optional(),
  }),
  /** The API answered the create with a task (or a lookup found the task of an earlier intent). */
  z.object({
    ...base,
    stage: z.literal('created'),
    taskId: z.string(),
    requestId: z.string().optional(),
    foundBy: z.enum(['lookup', 'list']).optional(),
  }),
  /** The create was sent and its outcome is not known: the task may exist. */
  z.object({ ...base, stage: z.literal('unknown'), reason: z.string() }),
  /** The end of this create: the task's final state, a refusal with no task, a request never sent, or proof of no task. */
  z.object({
    ...base,
    stage: z.literal('terminal'),
    outcome: z.enum(TERMINAL_OUTCOMES),
    taskId: z.string().optional(),
    requestId: z.string().optional(),
    classification: z.enum(['success', ...FAILURE_CLASSES] as const).optional(),
    verdict: z.enum(['tightened', 'unchanged', 'reopened']).optional(),
    finalUnitDeduction: z.string().optional(),
    /** A succeeded task's result video URL: a next-round row may reference it while Kling keeps it (30 days). */
    resultUrl: z.string().optional(),
    /** Spend outside the unit packs, as the API reported it (kling-api §5). */
    finalBalanceDeduction: z.object({ quota: z.string().optional(), listPrice: z.string().optional() }).optional(),
    /** Why the row ended this way: the classifier's reason. */
    reason: z.string().optional(),
    proof: z.string().optional(),
  }),
  /** An explicit reopen of a closed row, with its reason. */
  z.object({ ...base, stage: z.literal('reopened'), reason: z.string() }),
  /** A round the account check would have stopped, run because the operator said so, and why (promises §12). */
  z.object({ stage: z.literal('account-override'), round: z.string(), refused: z.string(), reason: z.string(), at: z.string() }),
]);

/** The entries about one row (every stage but a round's account override). */
export type RowEntryLine = Exclude<LedgerEntry, { stage: 'account-override' }>;

export function linesOf(entries: readonly LedgerEntry[], row: RowId): RowEntryLine[] {
  return entries.filter((e): e is RowEntryLine => e.stage !== 'account-override' && e.row === row);
}

export type LedgerEntry = z.infer<typeof entrySchema>;

export type RowState =
  | { status: 'open' }
  | { status: 'closed'; closedAt: string; taskId: string; round: string; resultUrl?: string }
  /** A create whose end is not known: resume by task id, or resolve by external_task_id. */
  | { status: 'pending'; since: RowEntryLine; externalTaskId: string; taskId?: string; round: string; intentAt: string };

export class LedgerCorruptError extends Error {
  override readonly name = 'LedgerCorruptError';
}

const FIX = 'fix or remove that line by hand (the file is never rewritten by the harness)';

export class Ledger {
  constructor(readonly file: string) {}

  /** Appended whole, scrubbed and fsynced before returning. */
  append(entry: LedgerEntry): void {
    appendJsonLine(this.file, entry);
  }

  /** Every entry, in order. A line that cannot be read stops everything, naming the line: nothing is skipped. */
  entries(): LedgerEntry[] {
    return jsonLines(this.file).map(({ line, text }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new LedgerCorruptError(`${this.file} line ${line} is not valid JSON; ${FIX}`);
      }
      const entry = entrySchema.safeParse(parsed);
      if (!entry.success) {
        throw new LedgerCorruptError(`${this.file} line ${line} is not a ledger entry (${describeIssue(entry.error)}); ${FIX}`);
      }
      return entry.data;
    });
  }

  rowState(row: RowId, entries: readonly LedgerEntry[] = this.entries()): RowState {
    let state: RowState = { status: 'open' };
    let intentAt = '';
    for (const entry of linesOf(entries, row)) {
      // The plan's rule: the first successful create closes the row, and only an explicit reopen opens it again;
      // whatever another round wrote after it does not.
      if (state.status === 'closed') {
        if (entry.stage === 'reopened') state = { status: 'open' };
        continue;
      }
      const pending = { since: entry, externalTaskId: entry.externalTaskId, round: entry.round };
      switch (entry.stage) {
        case 'intent':
          intentAt = entry.at;
          state = { status: 'pending', ...pending, intentAt };
          break;
        case 'unknown':
          state = { status: 'pending', ...pending, intentAt: intentAt || entry.at };
          break;
        case 'created':
          state = { status: 'pending', ...pending, taskId: entry.taskId, intentAt: intentAt || entry.at };
          break;
        case 'terminal':
          // Closed even if the download then failed: the task is done and billed; its URL stays valid for 30 days.
          state =
            entry.outcome === 'succeed'
              ? {
                  status: 'closed',
                  closedAt: entry.at,
                  taskId: entry.taskId ?? '?',
                  round: entry.round,
                  ...(entry.resultUrl === undefined ? {} : { resultUrl: entry.resultUrl }),
                }
              : { status: 'open' };
          break;
        case 'reopened':
          state = { status: 'open' };
          break;
      }
    }
    return state;
  }

  /** Creates sent (intents written) in one round: the per-run cap counts these. */
  intentsInRound(round: string): number {
    return this.entries().filter((e) => e.stage === 'intent' && e.round === round).length;
  }
}
