import type { Classification } from '../../kling/classifier.ts';
import type { RowEvidence } from './evidence.ts';
import { linesOf, type LedgerEntry, type Ledger } from '../ledger/ledger.ts';
import type { RowId } from '../rows/row.ts';

/**
 * The plan's end state ("End state this plan is trying to reach"): non-Omni minimal no-model requests are viable
 * and the policy can tighten, or non-Omni still needs explicit legacy model handling, or neither is known yet and
 * why. It is computed from everything the ledger knows — every closed row, with the round and task that closed it
 * — not from the last round alone (promises §13): B closed in one round and C in the next is an answer.
 */

export interface Conclusion {
  row: RowId;
  /** Set when the ledger has a create for the row whose end is not known yet: the row has no answer, but not for want of trying. */
  pending?: string;
  classification: Classification;
  reason: string;
  round: string;
  taskId?: string | undefined;
  /** Set when the ledger says the row is closed. */
  closedAt?: string | undefined;
}

/**
 * The rows whose answer decides the end state (in the plan, the two non-Omni policy tests): the registry's rows
 * marked `decidesEndState`, passed in by whoever holds the registry.
 */
export type DecisiveRows = readonly RowId[];

/** Per decisive row, what the ledger last concluded: its closing success, or the last end it recorded with a class. */
export function conclusionsFromLedger(
  ledger: Ledger,
  decisive: DecisiveRows,
  entries: readonly LedgerEntry[] = ledger.entries(),
): Map<RowId, Conclusion> {
  const found = new Map<RowId, Conclusion>();
  for (const row of decisive) {
    const state = ledger.rowState(row, entries);
    if (state.status === 'closed') {
      found.set(row, {
        row,
        classification: 'success',
        reason: 'the task reached succeed',
        round: state.round,
        taskId: state.taskId,
        closedAt: state.closedAt,
      });
      continue;
    }
    if (state.status === 'pending') {
      const what =
        state.taskId === undefined
          ? `a create whose outcome is unknown (round ${state.round})`
          : `task ${state.taskId} not finished (round ${state.round})`;
      found.set(row, {
        row,
        pending: what,
        classification: 'environment-auth-transient',
        reason: what,
        round: state.round,
        taskId: state.taskId,
      });
      continue;
    }
    // A reopen sets the row's answer aside: only what came after it counts.
    const lines = linesOf(entries, row);
    const last = lines
      .slice(lines.findLastIndex((e) => e.stage === 'reopened') + 1)
      .filter((e) => e.stage === 'terminal' && e.classification !== undefined)
      .at(-1);
    if (last?.stage === 'terminal' && last.classification !== undefined) {
      found.set(row, {
        row,
        classification: last.classification,
        reason: last.reason ?? last.outcome,
        round: last.round,
        taskId: last.taskId,
      });
    }
  }
  return found;
}

/** Replay keeps no ledger: the recorded rows are the conclusions. */
export function conclusionsFromEvidence(evidence: readonly RowEvidence[]): Map<RowId, Conclusion> {
  return new Map(
    evidence.map((e) => [e.row, { row: e.row, classification: e.classification, reason: e.reason, round: e.round, taskId: e.taskId }]),
  );
}

const closedBy = (c: Conclusion) =>
  `row ${c.row} ${c.closedAt ? 'closed' : 'succeeded'} in round ${c.round}${c.taskId ? ` by task ${c.taskId}` : ''}`;

export function endState(decisive: DecisiveRows, conclusions: ReadonlyMap<RowId, Conclusion>): string {
  if (decisive.length === 0) return 'Inconclusive: no row of the matrix decides the end state (decidesEndState).';
  const known = decisive.map((row) => conclusions.get(row)).map((c) => (c?.pending === undefined ? c : undefined));
  const modelPolicy = known.filter((c): c is Conclusion => c?.classification === 'model-policy-mismatch');
  if (modelPolicy.length > 0) {
    return `Non-Omni still requires explicit legacy model handling: keep it caller-explicit / provisional (${modelPolicy
      .map((c) => `row ${c.row}, round ${c.round}: ${c.reason}`)
      .join('; ')}).`;
  }
  if (known.every((c) => c?.classification === 'success')) {
    return `Non-Omni minimal no-model requests are viable: the scaffold policy can tighten (${known
      .filter((c): c is Conclusion => c !== undefined)
      .map(closedBy)
      .join('; ')}, without model_name).`;
  }
  const why = decisive.map((row) => {
    const c = conclusions.get(row);
    if (c === undefined) return `row ${row} has no answer yet`;
    if (c.pending !== undefined) return `row ${row} is pending: ${c.pending}`;
    return c.classification === 'success' ? closedBy(c) : `row ${row}: ${c.classification} (${c.reason})`;
  });
  return `Inconclusive: ${why.join('; ')}.`;
}
