import type { Classification } from '../kling/classifier.ts';
import { appendJsonLine, jsonLines } from './jsonl.ts';
import type { Verdict } from '../kling/verdict.ts';
import type { RowId } from './rows.ts';

/**
 * The spend ledger (DESIGN §3.2–3.4): an append-only JSONL file, one line per step of a create's life, each line
 * flushed to disk before the harness goes on. It is what makes the plan's ground rules (one create per purpose,
 * first success stops further variants) survive crashes, reruns and mistakes. Nothing ever rewrites it.
 */

interface EntryBase {
  row: RowId;
  round: string;
  externalTaskId: string;
  at: string;
}

export type LedgerEntry =
  /** Written and flushed before the create leaves the process. */
  | (EntryBase & { stage: 'intent'; payloadDigest: string })
  /** The API answered the create with a task (or a lookup found the task of an earlier intent). */
  | (EntryBase & { stage: 'created'; taskId: string; requestId?: string; foundBy?: 'lookup' })
  /** The create was sent and no answer arrived: the task may exist. */
  | (EntryBase & { stage: 'unknown'; reason: string })
  /** The end of this create: the task's final state, a refusal with no task, or a lookup proving no task exists. */
  | (EntryBase & {
      stage: 'terminal';
      outcome: 'succeed' | 'failed' | 'refused' | 'not-sent' | 'absent';
      taskId?: string;
      requestId?: string;
      classification?: Classification;
      verdict?: Verdict;
      finalUnitDeduction?: string;
    })
  /** An explicit reopen of a closed row, with its reason. */
  | (EntryBase & { stage: 'reopened'; reason: string });

export type RowState =
  | { status: 'open' }
  | { status: 'closed'; closedAt: string; taskId: string }
  /** A create whose end is not known: resume by task id, or resolve by external_task_id. */
  | { status: 'pending'; since: LedgerEntry; externalTaskId: string; taskId?: string; round: string };

export class LedgerCorruptError extends Error {
  override readonly name = 'LedgerCorruptError';
}

export class Ledger {
  constructor(readonly file: string) {}

  /** Appended whole and fsynced before returning. */
  append(entry: LedgerEntry): void {
    appendJsonLine(this.file, entry);
  }

  /** Every entry, in order. A line that cannot be read stops everything, naming the line: nothing is skipped. */
  entries(): LedgerEntry[] {
    const entries: LedgerEntry[] = [];
    for (const { line, text } of jsonLines(this.file)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new LedgerCorruptError(
          `${this.file} line ${line} is not valid JSON; fix or remove that line by hand (the file is never rewritten by the harness)`,
        );
      }
      const entry = parsed as Partial<LedgerEntry>;
      if (typeof entry.row !== 'string' || typeof entry.stage !== 'string' || typeof entry.externalTaskId !== 'string') {
        throw new LedgerCorruptError(`${this.file} line ${line} is not a ledger entry (it needs row, stage and externalTaskId)`);
      }
      entries.push(parsed as LedgerEntry);
    }
    return entries;
  }

  rowState(row: RowId, entries: readonly LedgerEntry[] = this.entries()): RowState {
    let state: RowState = { status: 'open' };
    for (const entry of entries) {
      if (entry.row !== row) continue;
      switch (entry.stage) {
        case 'intent':
        case 'unknown':
          state = { status: 'pending', since: entry, externalTaskId: entry.externalTaskId, round: entry.round };
          break;
        case 'created':
          state = { status: 'pending', since: entry, externalTaskId: entry.externalTaskId, taskId: entry.taskId, round: entry.round };
          break;
        case 'terminal':
          // The plan's rule: the first successful create closes the row (even if its download then failed: the
          // task is done and billed; its URL stays valid for 30 days).
          state = entry.outcome === 'succeed' ? { status: 'closed', closedAt: entry.at, taskId: entry.taskId ?? '?' } : { status: 'open' };
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

/** Units spent: the sum of final_unit_deduction over terminal entries. */
export function spentUnits(entries: readonly LedgerEntry[]): number {
  return entries.reduce(
    (sum, e) => sum + (e.stage === 'terminal' && e.finalUnitDeduction !== undefined ? Number(e.finalUnitDeduction) || 0 : 0),
    0,
  );
}
