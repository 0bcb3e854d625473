import type { KlingClient } from '../kling/client.ts';
import type { Family } from '../kling/families.ts';
import type { Ledger, LedgerEntry, RowState } from './ledger.ts';
import type { RunConfig } from './run-config.ts';
import type { RowEntry } from './rows.ts';

/**
 * What the ledger says a row may do now (DESIGN §3.2–3.4): create, resume a task an earlier run started, or
 * nothing (closed, or an unknown outcome that cannot be resolved yet). It never creates by itself.
 */

export type LedgerDecision =
  { kind: 'create' } | { kind: 'resume'; taskId: string; externalTaskId: string; round: string } | { kind: 'skip'; reason: string };

/** Before any request: a closed row is skipped unless this run reopens it, with its reason on the ledger. */
export function closedRowDecision(
  ledger: Ledger,
  entry: RowEntry,
  config: RunConfig,
  round: string,
  reopenCriteria: string | undefined,
): LedgerDecision | undefined {
  const state = ledger.rowState(entry.id);
  if (state.status !== 'closed') return undefined;
  if (config.reopen.rows.includes(entry.id)) {
    ledger.append({
      stage: 'reopened',
      row: entry.id,
      round,
      externalTaskId: '',
      reason: config.reopen.reason,
      at: new Date().toISOString(),
    });
    return undefined;
  }
  const hint = reopenCriteria === undefined ? '' : `; the plan reopens it ${reopenCriteria}`;
  return {
    kind: 'skip',
    reason: `row ${entry.id} closed on ${state.closedAt.slice(0, 10)}, task ${state.taskId}; to run it again: REOPEN_ROWS=${entry.id} REOPEN_REASON="…"${hint}`,
  };
}

/**
 * A pending create from an earlier run is resumed, never re-created: by its task id when the create was
 * answered, otherwise by looking its external_task_id up. Provably absent (the API has no such task) → the row
 * may create again, within approval. A lookup that fails leaves the row refusing to create.
 */
export async function resolvePending(
  ledger: Ledger,
  entry: RowEntry,
  family: Family,
  state: Extract<RowState, { status: 'pending' }>,
  client: KlingClient,
): Promise<LedgerDecision> {
  if (state.taskId !== undefined) {
    return { kind: 'resume', taskId: state.taskId, externalTaskId: state.externalTaskId, round: state.round };
  }
  const base = { row: entry.id, round: state.round, externalTaskId: state.externalTaskId, at: new Date().toISOString() };
  let found;
  try {
    found = await client.lookupByExternalId(family, state.externalTaskId);
  } catch (error) {
    return {
      kind: 'skip',
      reason: `row ${entry.id}: an earlier create (external_task_id ${state.externalTaskId}, ${describe(state.since)}) has an unknown outcome and the lookup failed (${error instanceof Error ? error.message : String(error)}); no create until it is resolved`,
    };
  }
  if (found === undefined) {
    ledger.append({ ...base, stage: 'terminal', outcome: 'absent' });
    return { kind: 'create' };
  }
  const taskId = found.value.task_id;
  ledger.append({ ...base, stage: 'created', taskId, foundBy: 'lookup', ...(found.requestId ? { requestId: found.requestId } : {}) });
  return { kind: 'resume', taskId, externalTaskId: state.externalTaskId, round: state.round };
}

function describe(entry: LedgerEntry): string {
  return entry.stage === 'unknown' ? `sent without an answer: ${entry.reason}` : `${entry.stage} at ${entry.at}`;
}
