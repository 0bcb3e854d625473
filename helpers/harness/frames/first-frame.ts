import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { BuiltRequest } from '../../kling/builders.ts';
import { firstFrameImage } from '../../kling/request-images.ts';
import { extractFrames } from './frames.ts';
import { sideBySide, similarity } from './similarity.ts';

/**
 * The plan's visual criteria, measured: row A's "output is visually consistent with the supplied first frame",
 * row C's "respects the source image". After a download, the video's first frame is compared with the input
 * image (similarity.ts), and the frames are kept for a person to look at. The score is evidence, never the
 * verdict: a row's threshold only flags "look at the frames" in the summary (the plan's reopen criterion
 * "first-frame adherence regresses unexpectedly").
 */

export const firstFrameSchema = z.union([
  z.object({
    ssim: z.number(),
    reading: z.string(),
    weak: z.boolean(),
    threshold: z.number().exactOptional(),
    inputSha256: z.string(),
    frames: z.object({ first: z.string(), middle: z.string().exactOptional(), last: z.string().exactOptional() }),
    /** Replay: recomputed from the recorded first frame. */
    fromRecording: z.boolean(),
  }),
  /** Why there is no score: a URL input (nothing to compare locally), or a video ffmpeg could not read. */
  z.object({ notMeasured: z.string() }),
]);
export type FirstFrameEvidence = z.infer<typeof firstFrameSchema>;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The input image a row's payload asks the video to start from, decoded; a reason when it cannot be compared. */
export function firstFrameInput(built: BuiltRequest): Buffer | { notMeasured: string } | undefined {
  const image = firstFrameImage(built.family, built.body);
  if (image === undefined) return undefined;
  if (/^https?:/i.test(image)) return { notMeasured: 'the input image is a URL: there is no local copy to compare with' };
  return Buffer.from(image, 'base64');
}

export function readingOf(ssim: number, threshold: number | undefined): { reading: string; weak: boolean } {
  const weak = threshold !== undefined && ssim < threshold;
  const score = `SSIM ${ssim.toFixed(2)}`;
  if (weak) return { reading: `first-frame adherence looks weak (${score}, below ${threshold.toFixed(2)}): look at the frames`, weak };
  return { reading: `first frame ${threshold === undefined || ssim >= 0.8 ? 'matches' : 'resembles'} the input: ${score}`, weak };
}

export interface Measured {
  evidence: FirstFrameEvidence;
  /** The first frame as extracted: what the recording keeps, so a replay can recompute the score. */
  firstFrame?: Buffer;
  /** Input | first | middle | last, for the report. */
  picture?: Buffer;
}

/** A live or rehearsal download: the three frames, the score, and the picture a person checks. */
export async function measureFirstFrame(input: Buffer, video: string, threshold: number | undefined): Promise<Measured> {
  try {
    const frames = await extractFrames(video);
    const ssim = await similarity(input, frames.first);
    return {
      evidence: {
        ssim,
        ...readingOf(ssim, threshold),
        ...(threshold === undefined ? {} : { threshold }),
        inputSha256: sha256(input),
        frames: { first: sha256(frames.first), middle: sha256(frames.middle), last: sha256(frames.last) },
        fromRecording: false,
      },
      firstFrame: frames.first,
      picture: await sideBySide([input, frames.first, frames.middle, frames.last]),
    };
  } catch (error) {
    return { evidence: { notMeasured: `the video's frames could not be read: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

/** Replay: the recorded first frame, compared again with today's input; the caller checks it equals the recorded score. */
export async function remeasureFirstFrame(input: Buffer, recordedFrame: Buffer, threshold: number | undefined): Promise<Measured> {
  const ssim = await similarity(input, recordedFrame);
  return {
    evidence: {
      ssim,
      ...readingOf(ssim, threshold),
      ...(threshold === undefined ? {} : { threshold }),
      inputSha256: sha256(input),
      frames: { first: sha256(recordedFrame) },
      fromRecording: true,
    },
    picture: await sideBySide([input, recordedFrame]),
  };
}
