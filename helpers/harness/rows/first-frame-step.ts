import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltRequest } from '../../kling/builders.ts';
import type { DownloadResult } from '../../kling/downloader.ts';
import type { CassetteMeta } from '../cassettes/cassette-meta.ts';
import type { EvidenceSink } from '../evidence/evidence-sink.ts';
import { firstFrameInput, measureFirstFrame, remeasureFirstFrame, type Measured } from '../frames/first-frame.ts';
import type { RegistryRow } from './registry.ts';
import { ReplayDriftError } from './replay-proofs.ts';

/**
 * The runner's first-frame step, for a row whose payload names a first frame and whose task succeeded: measured
 * on the downloaded video in a live run or a rehearsal; in replay, recomputed on the recorded first frame
 * (`first-frame.png` beside the cassette) and required to give the recorded score (promises §9).
 */

export const FIRST_FRAME_FILE = 'first-frame.png';

export async function firstFrameStep(options: {
  row: RegistryRow;
  built: BuiltRequest;
  download: DownloadResult | undefined;
  replay: boolean;
  meta: CassetteMeta | undefined;
  cassetteDir: string;
  sink: EvidenceSink;
  log: (line: string) => void;
}): Promise<Measured | undefined> {
  const { row, built, download, replay, meta, cassetteDir, sink, log } = options;
  const input = firstFrameInput(built);
  if (input === undefined || download === undefined) return undefined;
  return sink.step('first frame', async () => {
    const measured = Buffer.isBuffer(input)
      ? replay
        ? await replayed(row, input, meta, cassetteDir)
        : await measureFirstFrame(input, download.path, row.firstFrameThreshold)
      : { evidence: input };
    const { evidence } = measured;
    log(`[${row.id}] ${'notMeasured' in evidence ? `first frame not measured: ${evidence.notMeasured}` : evidence.reading}`);
    if (measured.picture)
      await sink.attach("first frame: the input, then the video's first, middle and last frames", measured.picture, 'image/png');
    await sink.attach('first frame', JSON.stringify(evidence, null, 2), 'application/json');
    return measured;
  });
}

async function replayed(row: RegistryRow, input: Buffer, meta: CassetteMeta | undefined, dir: string): Promise<Measured> {
  const recorded = meta?.firstFrame;
  if (recorded === undefined) {
    throw new ReplayDriftError(
      `row ${row.id} sends a first frame, but its recording has no first-frame score: record it again (pnpm recordings:rerecord)`,
    );
  }
  if ('notMeasured' in recorded) return { evidence: recorded };
  const file = join(dir, FIRST_FRAME_FILE);
  if (!existsSync(file)) throw new ReplayDriftError(`row ${row.id}: the recorded first frame ${file} is missing`);
  const frame = readFileSync(file);
  const digest = createHash('sha256').update(frame).digest('hex');
  if (digest !== recorded.frameSha256) {
    throw new ReplayDriftError(
      `row ${row.id}: ${file} is not the recorded first frame (sha256 ${digest}, the meta says ${recorded.frameSha256})`,
    );
  }
  const measured = await remeasureFirstFrame(input, frame, row.firstFrameThreshold);
  if ('ssim' in measured.evidence && measured.evidence.ssim !== recorded.ssim) {
    throw new ReplayDriftError(
      `row ${row.id}: today's first-frame score is SSIM ${measured.evidence.ssim}, the recording's is ${recorded.ssim} (the input image or the comparison changed)`,
    );
  }
  return measured;
}
