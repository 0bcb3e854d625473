import sharp from 'sharp';
import { runFfmpeg } from '../harness/frames/ffmpeg.ts';
import { firstFrameImage } from '../kling/request-images.ts';

/**
 * What the sandbox serves for a request with a first frame (Omni `image_list[].type: first_frame`, image2video
 * `image`): a 1 s clip at 24 fps that starts with that image, made on the fly, so the harness's first-frame
 * comparison can be rehearsed for free. The mismatch fault serves one that starts elsewhere: a frame of noise,
 * another scene entirely (an inverted copy of the input still shares its layout, and scores about 0.5).
 */

/** The first-frame image a create carries, decoded; none for a URL (the sandbox fetches nothing) or no frame. */
export function firstFrameOf(family: string, fields: Record<string, unknown>): Buffer | undefined {
  const value = firstFrameImage(family, fields);
  if (value === undefined || /^https?:/i.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length > 0 ? bytes : undefined;
}

export async function firstFrameVideo(image: Buffer, mismatch: boolean): Promise<Buffer> {
  const source = mismatch
    ? sharp({ create: { width: 512, height: 512, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    : sharp(image).resize({ width: 512, height: 512, fit: 'inside' }).removeAlpha();
  // Through PNG once: a created image has no pixels to read raw until it is encoded.
  const frame = sharp(await source.png().toBuffer()).removeAlpha();
  const { data, info } = await frame.raw().toBuffer({ resolveWithObject: true });
  // libx264 in yuv420p needs even sides: pad by one pixel where needed.
  const even = `pad=ceil(iw/2)*2:ceil(ih/2)*2,loop=loop=23:size=1:start=0,format=yuv420p`;
  const run = await runFfmpeg(
    [
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${info.width}x${info.height}`, '-r', '24', '-i', 'pipe:0'],
      ...['-vf', even, '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'stillimage'],
      ...['-movflags', 'frag_keyframe+empty_moov', '-f', 'mp4', 'pipe:1'],
    ],
    { input: data, maxOutputBytes: 16 * 1024 * 1024 },
  );
  if (run.code !== 0 || run.stdout.length === 0) throw new Error(`the sandbox could not make its first-frame video: ${run.stderr.trim()}`);
  return run.stdout;
}
