import sharp from 'sharp';
import { ssim } from 'ssim.js';

/**
 * How much a frame looks like the image it should start from: SSIM (structural similarity), on both images
 * brought to the same size (256×256) and colour space (sRGB, no alpha). SSIM rather than a perceptual hash:
 * it is a graded score a threshold can be set on, it compares structure (edges, layout) as a person judging
 * "the same scene" does, and it tolerates the encoder's colour and compression shifts that flip hash bits.
 * sharp decodes and resizes; ssim.js computes the score (its defaults: 11-px windows, Weber's fast variant).
 */

export const COMPARE_SIZE = 256;

async function pixels(image: Buffer): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const { data, info } = await sharp(image, { limitInputPixels: 64 * 1024 * 1024 })
    .resize(COMPARE_SIZE, COMPARE_SIZE, { fit: 'fill' })
    .toColourspace('srgb')
    .removeAlpha()
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** SSIM of the two images, rounded to 4 decimals so a replay can compare it exactly. */
export async function similarity(expected: Buffer, frame: Buffer): Promise<number> {
  const [a, b] = await Promise.all([pixels(expected), pixels(frame)]);
  return Math.round(ssim(a, b).mssim * 10_000) / 10_000;
}

/** The input and the frames in one row, for a person: each 256 px high, 8 px apart, on white. */
export async function sideBySide(images: readonly Buffer[]): Promise<Buffer> {
  const tiles = await Promise.all(images.map((i) => sharp(i).resize({ height: COMPARE_SIZE }).png().toBuffer({ resolveWithObject: true })));
  const gap = 8;
  const width = tiles.reduce((sum, t) => sum + t.info.width, 0) + gap * (tiles.length + 1);
  let left = gap;
  const composite = tiles.map((t) => {
    const placed = { input: t.data, left, top: gap };
    left += t.info.width + gap;
    return placed;
  });
  return sharp({ create: { width, height: COMPARE_SIZE + 2 * gap, channels: 3, background: '#ffffff' } })
    .composite(composite)
    .png()
    .toBuffer();
}
