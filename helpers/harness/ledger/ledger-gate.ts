import type { KlingClient } from '../../kling/client.ts';
import type { Family } from '../../kling/families.ts';
import type { Ledger, RowEntryLine, RowState } from './ledger.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { RegistryRow } from '../rows/registry.ts';
import { CreateLife } from './create-life.ts';
import { searchByExternalId } from './task-search.ts';

/**
 * What the ledger says a row may do now (promises §2–§4): create, resume a task an earlier run started, or
 * nothing (closed, or an unknown outcome that cannot be resolved yet). It never creates by itself.
 */

export type LedgerDecision =
  { kind: 'create' } | { kind: 'resume'; taskId: string; externalTaskId: string; round: string } | { kind: 'skip'; reason: string };

/**
 * Before any request: a closed row is skipped unless this run reopens it, with its reason on the ledger. A pending
 * row may be reopened too — giving up on the task an earlier run left (a result that never verifies, an outcome
 * that cannot be resolved) — but only this way: explicitly, with a reason, accepting that a task may already exist.
 */
export function closedRowDecision(
  ledger: Ledger,
  entry: Pick<RegistryRow, 'id'>,
  config: RunConfig,
  round: string,
  reopenCriteria: string | undefined,
): LedgerDecision | undefined {
  const state = ledger.rowState(entry.id);
  if (state.status === 'open') return undefined;
  if (config.reopen.rows.includes(entry.id)) {
    const externalTaskId = state.status === 'pending' ? state.externalTaskId : '';
    new CreateLife(ledger, { row: entry.id, round, externalTaskId }).reopened(config.reopen.reason);
    return undefined;
  }
  if (state.status === 'pending') return undefined;
  const hint = reopenCriteria === undefined ? '' : `; the plan reopens it ${reopenCriteria}`;
  return {
    kind: 'skip',
    reason: `row ${entry.id} closed on ${state.closedAt.slice(0, 10)}, task ${state.taskId}; to run it again: REOPEN_ROWS=${entry.id} REOPEN_REASON="…"${hint}`,
  };
}

/**
 * A pending create from an earlier run is resumed, never re-created: by its task id when the create was
 * answered, otherwise by finding it through its external_task_id. Proved absent by the API (task-search.ts) →
 * the row may create again, within approval. Anything short of that proof leaves the row refusing to create.
 */
export async function resolvePending(
  ledger: Ledger,
  entry: Pick<RegistryRow, 'id'>,
  family: Family,
  state: Extract<RowState, { status: 'pending' }>,
  client: KlingClient,
): Promise<LedgerDecision> {
  if (state.taskId !== undefined) {
    return { kind: 'resume', taskId: state.taskId, externalTaskId: state.externalTaskId, round: state.round };
  }
  // The earlier create's life goes on: its lines carry its own round and external_task_id.
  const life = new CreateLife(ledger, { row: entry.id, round: state.round, externalTaskId: state.externalTaskId });
  const search = await searchByExternalId(client, family, state.externalTaskId, Date.parse(state.intentAt));
  switch (search.kind) {
    case 'unknown':
      return {
        kind: 'skip',
        reason: `row ${entry.id}: an earlier create (external_task_id ${state.externalTaskId}, ${describe(state.since)}) has an outcome the API cannot settle now (${search.why}); no create until it can, or until REOPEN_ROWS=${entry.id} REOPEN_REASON="…" gives that task up`,
      };
    case 'absent':
      life.absent(search.proof);
      return { kind: 'create' };
    case 'found': {
      const taskId = search.answer.value.task_id;
      life.created(taskId, search.answer.requestId, search.by);
      return { kind: 'resume', taskId, externalTaskId: state.externalTaskId, round: state.round };
    }
  }
}

function describe(entry: RowEntryLine): string {
  return entry.stage === 'unknown' ? `sent without an answer: ${entry.reason}` : `${entry.stage} at ${entry.at}`;
}
