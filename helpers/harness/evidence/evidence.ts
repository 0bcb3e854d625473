import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Classification } from '../../kling/classifier.ts';
import type { Finding } from '../../kling/findings.ts';
import type { Drift } from '../../kling/response-schemas.ts';
import type { PayloadProvenance, Verdict } from '../../kling/verdict.ts';
import type { Round } from './round.ts';
import type { Mode } from '../config/run-config.ts';
import { ROW_ID, type RowId } from '../rows/row.ts';
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

export function readEvidence(dir: string): RowEvidence[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && ROW_ID.test(f.slice(0, -'.json'.length)))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RowEvidence);
}
