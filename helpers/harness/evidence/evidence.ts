import { firstFrameSchema, type FirstFrameEvidence } from '../frames/first-frame.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Classification } from '../../kling/classifier.ts';
import type { Finding } from '../../kling/findings.ts';
import type { Drift } from '../../kling/response-schemas.ts';
import type { PayloadProvenance, Verdict } from '../../kling/verdict.ts';
import {
  classificationSchema,
  driftKindSchema,
  payloadProvenanceSchema,
  recordingProvenanceSchema,
  verdictSchema,
} from './outcome-schemas.ts';
import type { Round } from './round.ts';
import { MODES, type Mode } from '../config/run-config.ts';
import { ROW_ID, rowIdSchema, type RowId } from '../rows/row.ts';
import { readJsonFile } from '../sinks/json-file.ts';
import { writeJsonFile } from '../sinks/scrubbed-files.ts';

/** Where a recording came from (promises §10). Only `live` is evidence of what Kling does; `custom-host` names its host. */
export type RecordingProvenance = 'live' | 'custom-host' | 'sandbox' | 'transcribed';

/** The plan's deliverables for one row ("Deliverables to capture for each approved row"), as written to disk. */
export interface RowEvidence {
  row: RowId;
  title: string;
  round: string;
  mode: Mode;
  endpoint: string;
  recordingProvenance: RecordingProvenance;
  payloadProvenance: PayloadProvenance;
  /** Redacted: images as digests. */
  payload: unknown;
  externalTaskId?: string;
  warnings: Finding[];
  create?: { httpStatus: number; requestId: string | undefined; body: unknown };
  queries: unknown[];
  taskId?: string;
  /** Set when this run resumed a task an earlier run created: no create was made for it this time. */
  resumed?: { taskId: string; externalTaskId: string; round: string };
  finalAssetUrl?: string;
  /** The result video: in replay, the recording's record of it (no file); otherwise the file this run saved. */
  download?: { path?: string; bytes: number; sha256: string; fromRecording: boolean };
  finalUnitDeduction?: string;
  /** Spend outside the unit packs (kling-api §5), when the API reported any. */
  finalBalanceDeduction?: BalanceDeduction;
  drift: Drift[];
  classification: Classification;
  verdict: Verdict;
  conclusive: boolean;
  reason: string;
  /** What the operator should do next, from the plan's stop conditions. */
  advice?: string;
  /** The first frame against the input image (frames/first-frame.ts), for a row that sends one. */
  firstFrame?: FirstFrameEvidence;
}

export interface BalanceDeduction {
  quota?: string;
  listPrice?: string;
}

/** The API's `final_balance_deduction`, its numbers kept as the strings they were sent as. */
export function balanceDeductionOf(
  value: { quota?: string | number | undefined; list_price?: string | number | undefined } | undefined,
): BalanceDeduction | undefined {
  if (value === undefined) return undefined;
  return {
    ...(value.quota === undefined ? {} : { quota: String(value.quota) }),
    ...(value.list_price === undefined ? {} : { listPrice: String(value.list_price) }),
  };
}

export function evidenceDir(reportsDir: string, round: Round): string {
  return join(reportsDir, 'evidence', round.id);
}

export function writeEvidence(dir: string, evidence: RowEvidence): string {
  const file = join(dir, `${evidence.row}.json`);
  writeJsonFile(file, evidence);
  return file;
}

/** An evidence file as read back (only read: the summary is made from it), checked against what writeEvidence writes. */
const evidenceSchema = z.object({
  row: rowIdSchema,
  title: z.string(),
  round: z.string(),
  mode: z.enum(MODES),
  endpoint: z.string(),
  recordingProvenance: recordingProvenanceSchema,
  payloadProvenance: payloadProvenanceSchema,
  payload: z.unknown(),
  externalTaskId: z.string().exactOptional(),
  warnings: z.array(z.object({ path: z.string(), message: z.string() })),
  create: z
    .object({
      httpStatus: z.number(),
      // An undefined request id is left out of the JSON; RowEvidence still declares the key (as string | undefined).
      requestId: z
        .string()
        .optional()
        .transform((id) => id),
      body: z.unknown(),
    })
    .exactOptional(),
  queries: z.array(z.unknown()),
  taskId: z.string().exactOptional(),
  resumed: z.object({ taskId: z.string(), externalTaskId: z.string(), round: z.string() }).exactOptional(),
  finalAssetUrl: z.string().exactOptional(),
  download: z
    .object({ path: z.string().exactOptional(), bytes: z.number(), sha256: z.string(), fromRecording: z.boolean() })
    .exactOptional(),
  finalUnitDeduction: z.string().exactOptional(),
  finalBalanceDeduction: z.object({ quota: z.string().exactOptional(), listPrice: z.string().exactOptional() }).exactOptional(),
  drift: z.array(z.object({ path: z.string(), kind: driftKindSchema })),
  classification: classificationSchema,
  verdict: verdictSchema,
  conclusive: z.boolean(),
  reason: z.string(),
  advice: z.string().exactOptional(),
  firstFrame: firstFrameSchema.exactOptional(),
}) satisfies z.ZodType<RowEvidence>;

/** Every row's evidence of a round, by row id; a file that is not one stops the summary with a FormatError. */
export function readEvidence(dir: string): RowEvidence[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && ROW_ID.test(f.slice(0, -'.json'.length)))
    .sort()
    .map((f) => readJsonFile(join(dir, f), evidenceSchema));
}
