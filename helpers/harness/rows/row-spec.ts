import type { BuiltRequest } from '../../kling/builders.ts';
import type { Approvals } from '../../kling/model-policy.ts';
import type { PayloadProvenance } from '../../kling/verdict.ts';
import type { RowId } from './rows.ts';

/**
 * What a row spec declares, as data, in the plan's words: purpose, payload, success criteria, stop conditions.
 * The runner does all the work; a spec holds no control flow.
 */
export interface RowSpec {
  row: RowId;
  purpose: string;
  /** The plan's "whether payload was doc-derived, live-confirmed, or policy-test". */
  payloadProvenance: PayloadProvenance;
  /** Builds the request from the row's inputs (assets are read by the runner, not the spec). */
  payload: () => BuiltRequest;
  /** Approvals this row needs from the model policy (e.g. the legacy route for D). */
  approvals?: Approvals;
  successCriteria: readonly string[];
  stopConditions: readonly string[];
  /** The plan's "if model policy fails, ask approval for exactly one legacy-model retry" target, when it names one. */
  legacyRetryModel?: string;
  reopenCriteria?: string;
}
