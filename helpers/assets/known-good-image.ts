import { crc32, deflateSync } from 'node:zlib';

/**
 * The row C asset: a 512x512 RGB PNG of a plain landscape (sky, sun, hills, a house), drawn pixel by pixel so it
 * is reproducible byte for byte from this file alone. A subject and a scene give the plan's success criterion
 * ("output respects the source image at a basic subject/scene level") something to be judged on.
 *
 * Regenerate with `pnpm assets:make`; a unit test fails if the committed file and this drawing ever differ.
 */

export const KNOWN_GOOD_SIDE = 512;

type Rgb = readonly [number, number, number];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  Math.round(a[0] + (b[0] - a[0]) * t),
  Math.round(a[1] + (b[1] - a[1]) * t),
  Math.round(a[2] + (b[2] - a[2]) * t),
];

function pixel(x: number, y: number): Rgb {
  const horizon = 300 + 22 * Math.sin(x / 57) + 9 * Math.sin(x / 23);
  // House: walls, roof, door, window.
  if (x >= 150 && x <= 262 && y >= 282 && y <= 372) {
    if (x >= 196 && x <= 218 && y >= 322) return [82, 52, 32];
    if (x >= 166 && x <= 188 && y >= 300 && y <= 322) return [250, 236, 160];
    return [196, 82, 60];
  }
  if (y >= 226 && y < 282 && Math.abs(x - 206) <= (y - 226) * 1.25) return [112, 52, 42];
  if (y >= horizon) return mix([70, 160, 70], [28, 96, 40], (y - horizon) / (KNOWN_GOOD_SIDE - horizon));
  const sunDistance = Math.hypot(x - 384, y - 108);
  if (sunDistance <= 44) return [255, 222, 92];
  const sky = mix([84, 146, 228], [204, 226, 250], y / 320);
  return sunDistance <= 60 ? mix([255, 222, 92], sky, (sunDistance - 44) / 16) : sky;
}

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

export function drawKnownGoodPng(): Buffer {
  const side = KNOWN_GOOD_SIDE;
  const stride = side * 3;
  const raw = Buffer.alloc((stride + 1) * side);
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < side; y++) {
    const row = Buffer.alloc(stride);
    for (let x = 0; x < side; x++) row.set(pixel(x, y), x * 3);
    // PNG filter 2 ("Up"): each byte minus the byte above; the vertical gradients then compress to little.
    const offset = y * (stride + 1);
    raw[offset] = 2;
    for (let i = 0; i < stride; i++) raw[offset + 1 + i] = ((row[i] ?? 0) - (previous[i] ?? 0)) & 0xff;
    previous = row;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
