import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drawKnownGoodPng } from '../../helpers/assets/known-good-image.ts';
import { KNOWN_GOOD_IMAGE_PATH } from '../../helpers/assets/paths.ts';
import { MAX_IMAGE_BYTES, checkAssetFloor } from '../../helpers/kling/asset-floor.ts';
import { knownGoodPng } from '../support/images.ts';

/** A PNG with the given IHDR dimensions (the pixel data is a token: the floor reads the header only). */
function pngOf(width: number, height: number): Buffer {
  const out = Buffer.from(drawKnownGoodPng());
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  return out;
}

/** A minimal JPEG: SOI, a JFIF APP0 segment, an SOF0 segment with the dimensions, EOI. */
function jpegOf(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

describe('Scaffold | asset floor', () => {
  it('accepts the committed row C asset: a 512x512 PNG under 100 KB', () => {
    const result = checkAssetFloor(knownGoodPng);
    expect(result).toMatchObject({ ok: true, format: 'png', width: 512, height: 512, violations: [] });
    expect(result.bytes).toBeLessThanOrEqual(100 * 1024);
  });

  it('the committed asset is exactly what its documented command draws', () => {
    expect(readFileSync(KNOWN_GOOD_IMAGE_PATH).equals(drawKnownGoodPng())).toBe(true);
  });

  it('accepts a JPEG by content', () => {
    expect(checkAssetFloor(jpegOf(640, 480))).toMatchObject({ ok: true, format: 'jpg', width: 640, height: 480 });
  });

  it.each([
    [
      'a GIF',
      Buffer.from('GIF89a\x00\x02\x00\x02\x00\x00\x00;', 'latin1'),
      'format',
      'image is GIF content; the API takes JPEG or PNG only',
    ],
    [
      'a WebP',
      Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(24)]),
      'format',
      'the API takes JPEG or PNG only',
    ],
    [
      'text with a .png name',
      Buffer.from('hello, not an image'),
      'format',
      'image is unrecognised content; the API takes JPEG or PNG only',
    ],
    ['a PNG cut inside its header', knownGoodPng.subarray(0, 20), 'header', 'image PNG header is unreadable'],
    ['a JPEG with no frame header', Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'header', 'image JPG header is unreadable'],
    ['a 299 px side', pngOf(299, 512), 'dimensions', 'image is 299x512 px; both sides must be at least 300 px'],
    ['a 338x191 screenshot (the live "Image pixel is invalid" case)', pngOf(338, 191), 'dimensions', '338x191'],
    ['a 2.6:1 panorama', pngOf(1300, 500), 'aspect', 'image aspect ratio is 2.60:1 (1300x500); it must lie between 1:2.5 and 2.5:1'],
    ['a 1:2.6 strip', pngOf(500, 1300), 'aspect', 'between 1:2.5 and 2.5:1'],
  ])('refuses %s', (_name, bytes, rule, message) => {
    const result = checkAssetFloor(bytes);
    expect(result.ok).toBe(false);
    expect(result.violations.map((v) => v.rule)).toContain(rule);
    expect(result.violations.find((v) => v.rule === rule)?.message).toContain(message);
  });

  it('refuses an image over 10 MB, with its own message', () => {
    const big = Buffer.concat([knownGoodPng, Buffer.alloc(MAX_IMAGE_BYTES)]);
    const result = checkAssetFloor(big);
    expect(result.violations.map((v) => v.rule)).toEqual(['size']);
    expect(result.violations[0]?.message).toBe(`image is ${big.length} bytes; the API takes at most 10 MB (10000000 bytes)`);
  });

  it('accepts exactly 2.5:1 and 300 px', () => {
    expect(checkAssetFloor(pngOf(750, 300)).ok).toBe(true);
  });
});
