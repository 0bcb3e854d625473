import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Classification } from '../../kling/classifier.ts';
import type { PayloadProvenance, Verdict } from '../../kling/verdict.ts';
import type { RecordingProvenance } from '../evidence/evidence.ts';
import type { RowId } from '../rows/row.ts';
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
}

export const META_FILE = 'meta.json';

export function readMeta(dir: string): CassetteMeta | undefined {
  const file = join(dir, META_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CassetteMeta) : undefined;
}

export function writeMeta(dir: string, meta: CassetteMeta): void {
  writeJsonFile(join(dir, META_FILE), meta);
}
