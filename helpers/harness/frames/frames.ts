import sharp from 'sharp';
import { FfmpegError, runFfmpeg } from './ffmpeg.ts';

/**
 * Three frames of a result video — its first, the middle and the last — as PNG, at most 512 px wide whatever
 * the server sent, for the first-frame comparison and for a person to look at. One decoding pass picks all
 * three: seeking to each would decode from the keyframe before it, which for a clip with one keyframe means
 * decoding most of it twice more.
 */

export interface VideoFrames {
  first: Buffer;
  middle: Buffer;
  last: Buffer;
  durationSeconds: number;
}

const MAX_WIDTH = 512;

interface Stream {
  durationSeconds: number;
  frames: number;
  width: number;
  height: number;
}

/** Duration, frame rate and size, read from ffmpeg's own description of the input (no ffprobe in the package). */
async function streamOf(video: string): Promise<Stream> {
  const run = await runFfmpeg(['-loglevel', 'info', '-i', video], { timeoutMs: 10_000 });
  const duration = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(run.stderr);
  const stream = /Stream #.*Video: .*?, (\d{2,5})x(\d{2,5})[^,]*,(?:.*?, )?(\d+(?:\.\d+)?) fps/.exec(run.stderr);
  if (duration === null || stream === null) {
    throw new FfmpegError(
      `the video has no readable duration, size or frame rate (${run.stderr.trim().split('\n').at(-1) ?? 'no output'})`,
    );
  }
  const durationSeconds = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
  const [width, height, fps] = [Number(stream[1]), Number(stream[2]), Number(stream[3])];
  // Scaled as the filter below scales it: at most 512 wide, an even height.
  const scaledWidth = Math.min(MAX_WIDTH, width);
  const scaledHeight = Math.max(2, 2 * Math.round((height * scaledWidth) / width / 2));
  return { durationSeconds, frames: Math.max(1, Math.round(durationSeconds * fps)), width: scaledWidth, height: scaledHeight };
}

export async function extractFrames(video: string): Promise<VideoFrames> {
  const s = await streamOf(video);
  const picks = [0, Math.floor((s.frames - 1) / 2), s.frames - 1];
  const select = `select='${[...new Set(picks)].map((n) => `eq(n\\,${n})`).join('+')}'`;
  const frameBytes = s.width * s.height * 3;
  const run = await runFfmpeg(
    ['-i', video, '-vf', `${select},scale=${s.width}:${s.height}`, '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { maxOutputBytes: 3 * frameBytes },
  );
  const count = Math.floor(run.stdout.length / frameBytes);
  if (run.code !== 0 || count === 0) {
    throw new FfmpegError(`no frame could be decoded (${run.stderr.trim().split('\n').at(-1) ?? `exit ${String(run.code)}`})`);
  }
  // Encoded from the decoded pixels by sharp, which writes no metadata: no text the container carried comes along.
  const png = (i: number) =>
    sharp(run.stdout.subarray(i * frameBytes, (i + 1) * frameBytes), { raw: { width: s.width, height: s.height, channels: 3 } })
      .png()
      .toBuffer();
  // A clip shorter than its container says yields fewer frames: the last one decoded stands in for the rest.
  const [first, middle, last] = await Promise.all([png(0), png(Math.min(1, count - 1)), png(count - 1)]);
  return { first, middle, last, durationSeconds: s.durationSeconds };
}
