import type { Classified } from '../../kling/classifier.ts';
import { CreateOutcomeUnknownError, KlingApiError, RequestNotSentError } from '../../kling/errors.ts';
import { verdictFor, type PayloadProvenance } from '../../kling/verdict.ts';
import type { RowId } from '../rows/row.ts';
import type { Ledger, LedgerEntry } from './ledger.ts';

/**
 * The only writer of the spend ledger (promises §2–§4; eslint refuses a `ledger.append` anywhere else in
 * helpers/): the life of one create, intent → created or unknown → terminal, and the lines that set it aside
 * (a reopen) or run a round anyway (an account override). Each method writes one line, flushed before it returns.
 */

type Terminal = Extract<LedgerEntry, { stage: 'terminal' }>;
type TerminalFields = Omit<Terminal, 'stage' | 'row' | 'round' | 'externalTaskId' | 'at'>;

const now = () => new Date().toISOString();

export class CreateLife {
  constructor(
    private readonly ledger: Ledger,
    /** The create this life is of: its row, the round that sent it, and the external_task_id it was sent with. */
    readonly key: { row: RowId; round: string; externalTaskId: string },
  ) {}

  /** Before the create leaves the process. */
  intent(payloadDigest: string, approvedPlan?: string): void {
    this.ledger.append({ ...this.key, stage: 'intent', payloadDigest, ...(approvedPlan ? { approvedPlan } : {}), at: now() });
  }

  /** The task exists: answered by the create, or found by a lookup of an earlier intent. */
  created(taskId: string, requestId?: string, foundBy?: 'lookup' | 'list'): void {
    this.ledger.append({
      ...this.key,
      stage: 'created',
      taskId,
      ...(requestId ? { requestId } : {}),
      ...(foundBy ? { foundBy } : {}),
      at: now(),
    });
  }

  /** The end of this create: a task's final state, a refusal, a request never sent, or proof of no task. */
  ended(fields: TerminalFields): void {
    this.ledger.append({ ...this.key, stage: 'terminal', ...fields, at: now() });
  }

  /** The API proved there is no task for this external_task_id (task-search.ts): the row may create again. */
  absent(proof: string): void {
    this.ended({ outcome: 'absent', proof });
  }

  /**
   * A create that produced no task id. Sent without an answer → unknown: the task may exist, and the next run
   * resolves it by external_task_id. Never sent → not-sent. Refused by the API in its own words → refused (no
   * task). Anything else after the POST left may have made a task → unknown.
   */
  createFailed(error: unknown, classified: Classified, payloadProvenance: PayloadProvenance): void {
    if (error instanceof CreateOutcomeUnknownError) {
      this.ledger.append({ ...this.key, stage: 'unknown', reason: error.detail, at: now() });
      return;
    }
    const { verdict } = verdictFor(classified.classification, payloadProvenance);
    const ended = { classification: classified.classification, verdict, reason: classified.reason };
    if (error instanceof RequestNotSentError) this.ended({ ...ended, outcome: 'not-sent' });
    else if (error instanceof KlingApiError)
      this.ended({ ...ended, outcome: 'refused', ...(error.requestId ? { requestId: error.requestId } : {}) });
    else this.ledger.append({ ...this.key, stage: 'unknown', reason: classified.reason, at: now() });
  }

  /** An explicit reopen (REOPEN_ROWS, REOPEN_REASON): the row's earlier answer, or its pending create, is set aside. */
  reopened(reason: string): void {
    this.ledger.append({ ...this.key, stage: 'reopened', reason, at: now() });
  }
}

/** A round the account check would have stopped, run because the operator said why (promises §12). */
export function recordAccountOverride(ledger: Ledger, round: string, refused: string, reason: string): void {
  ledger.append({ stage: 'account-override', round, refused, reason, at: now() });
}
