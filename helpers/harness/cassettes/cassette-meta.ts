import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Classification } from '../../kling/classifier.ts';
import type { PayloadProvenance, Verdict } from '../../kling/verdict.ts';
import type { RecordingProvenance } from '../evidence/evidence.ts';
import { classificationSchema, payloadProvenanceSchema, recordingProvenanceSchema, verdictSchema } from '../evidence/outcome-schemas.ts';
import { rowIdSchema, type RowId } from '../rows/row.ts';
import { readJsonFile } from '../sinks/json-file.ts';
import { writeJsonFile } from '../sinks/scrubbed-files.ts';

/**
 * What a cassette says about itself, next to it: where it came from and what was concluded when it was recorded.
 * Replay recomputes the verdict from the cassette and fails if it differs from this (promises §9).
 */
export interface CassetteMeta {
  row: RowId;
  provenance: RecordingProvenance;
  /** For a custom-host recording: the host that answered, which is not a documented Kling host. */
  host?: string;
  endpoint: string;
  payloadProvenance: PayloadProvenance;
  classification: Classification;
  verdict: Verdict;
  reason: string;
  finalUnitDeduction?: string;
  /** The real result video: downloads never pass through the recorder, so this is the cassette's record of it. */
  download?: { bytes: number; sha256: string; contentType?: string };
  /** For a transcription: what it was transcribed from. */
  source?: string;
  /** The row's inputs it was recorded with (row-inputs.ts): replay builds today's payload from these. */
  inputs?: Record<string, string>;
  /** The first frame's score and digest (the frame is `first-frame.png` beside it): replay recomputes the score. */
  firstFrame?: { ssim: number; frameSha256: string } | { notMeasured: string };
  /** When a live recording was made: replay warns once it is older than Kling keeps results (30 days). */
  recordedAt?: string;
}

/**
 * Loose: meta.json is read, amended and written again (the transcription adds its source), and a field this
 * version does not know must survive that.
 */
const metaSchema = z.looseObject({
  row: rowIdSchema,
  provenance: recordingProvenanceSchema,
  host: z.string().exactOptional(),
  endpoint: z.string(),
  payloadProvenance: payloadProvenanceSchema,
  classification: classificationSchema,
  verdict: verdictSchema,
  reason: z.string(),
  finalUnitDeduction: z.string().exactOptional(),
  download: z.looseObject({ bytes: z.number(), sha256: z.string(), contentType: z.string().exactOptional() }).exactOptional(),
  source: z.string().exactOptional(),
  inputs: z.record(z.string(), z.string()).exactOptional(),
  recordedAt: z.iso.datetime().exactOptional(),
  firstFrame: z.union([z.object({ ssim: z.number(), frameSha256: z.string() }), z.object({ notMeasured: z.string() })]).exactOptional(),
}) satisfies z.ZodType<CassetteMeta>;

export const META_FILE = 'meta.json';

/** None when the row has no meta yet; a FormatError naming the file and the field when it cannot be one. */
export function readMeta(dir: string): CassetteMeta | undefined {
  const file = join(dir, META_FILE);
  return existsSync(file) ? readJsonFile(file, metaSchema) : undefined;
}

export function writeMeta(dir: string, meta: CassetteMeta): void {
  writeJsonFile(join(dir, META_FILE), meta);
}
