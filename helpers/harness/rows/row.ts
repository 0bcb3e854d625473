import { z } from 'zod';
import type { BuiltRequest } from '../../kling/builders.ts';
import type { Family } from '../../kling/families.ts';
import type { Approvals } from '../../kling/model-policy.ts';
import type { PayloadProvenance } from '../../kling/verdict.ts';

/**
 * A row of the matrix, as data, in the plan's words: what it is (id, title, order, family, the round it belongs
 * to), what it sends, and what ends it. A row spec file holds one, as its default export, and nothing else: the
 * registry (registry.ts) reads it, the runner does all the work.
 */

/** `A`, `B`, `E2`: an upper-case letter, then upper-case letters or digits. */
export const ROW_ID = /^[A-Z][A-Z0-9]*$/;
export const rowIdSchema = z.string().regex(ROW_ID, { error: 'must be a row id (an upper-case letter, then letters or digits)' });
export type RowId = string;

export interface RowDefinition {
  id: RowId;
  title: string;
  /** Where the row runs in the round: the plan's execution order, lowest first. */
  order: number;
  /** The endpoint family its payload is sent to; the runner refuses a payload built for another. */
  family: Family;
  /** In the default round (the plan's minimum approved set). */
  defaultRound: boolean;
  /** May ever make a create; false for a transcription of a past run, which replays only. */
  liveAllowed: boolean;
  /** Its answer decides the plan's end state (end-state.ts): the non-Omni minimal no-model rows. */
  decidesEndState?: boolean;
  purpose: string;
  /** The plan's "whether payload was doc-derived, live-confirmed, or policy-test". */
  payloadProvenance: PayloadProvenance;
  /**
   * What the payload needs from outside the repo (an element id, a reference video URL), by name: where each comes
   * from in each mode is row-inputs.ts's job, never the spec's.
   */
  inputs?: Readonly<Record<string, RowInput>>;
  /** Builds the request from the row's inputs, resolved and checked (row-inputs.ts). */
  payload: (inputs: RowInputValues) => BuiltRequest;
  /**
   * A next-round row: never approved in the same run as a default-round row, for this reason (quoting the
   * plan's "What not to do in this round" where it says it), shown in the refusal and the plan.
   */
  approvedAlone?: string;
  /** Approvals this row needs from the model policy (e.g. the legacy route for D). */
  approvals?: Approvals;
  successCriteria: readonly string[];
  stopConditions: readonly string[];
  /** The plan's "if model policy fails, ask approval for exactly one legacy-model retry" target, when it names one. */
  legacyRetryModel?: string;
  /**
   * Below this first-frame SSIM (frames/similarity.ts) the summary flags "look at the frames": the plan's reopen
   * criterion "first-frame adherence regresses unexpectedly". Evidence, never the verdict.
   */
  firstFrameThreshold?: number;
  reopenCriteria?: string;
}

/** What a row needs from the operator, and what stands in for it where nothing is billed. */
export interface RowInput {
  kind: 'video-url' | 'element-ids';
  /** The variable an operator sets for a live run (the command line or .env). */
  env: string;
  /** What to put there, for the line that refuses a live run without it. */
  describe: string;
  /** The stand-in a rehearsal uses when the variable is not set: the sandbox judges the payload, nothing fetches it. */
  rehearsal: string;
  /** A row whose closed result video, under 30 days old (Kling deletes results then), may stand in for the variable. */
  fromClosedRow?: RowId;
}

export type RowInputValues = Readonly<Record<string, string>>;

/** A spec file's one statement: `export default row({ ... })`. Typed here, checked by the registry. */
export function row(definition: RowDefinition): RowDefinition {
  return definition;
}
