import { imageSize } from 'image-size';

/**
 * The local asset floor (kling-api §4), checked before any spend: an image below it is accepted at create time
 * and fails later with "Image pixel is invalid", after the create has been billed.
 */

/** "≤ 10 MB": read as 10 000 000 bytes, the stricter of the two readings, so nothing near the edge is sent. */
export const MAX_IMAGE_BYTES = 10_000_000;
export const MIN_SIDE_PX = 300;
export const MAX_ASPECT = 2.5;

export type ImageFormat = 'jpg' | 'png';

export type AssetViolation =
  | { rule: 'format'; message: string }
  | { rule: 'size'; message: string }
  | { rule: 'header'; message: string }
  | { rule: 'dimensions'; message: string }
  | { rule: 'aspect'; message: string };

export interface AssetFloorResult {
  ok: boolean;
  format?: ImageFormat;
  width?: number;
  height?: number;
  bytes: number;
  violations: AssetViolation[];
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Judged by content; a file name is never consulted. */
function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, PNG_MAGIC)) return 'png';
  if (startsWith(bytes, JPEG_MAGIC)) return 'jpg';
  return undefined;
}

function describeOtherFormat(bytes: Uint8Array): string {
  try {
    const type = imageSize(bytes).type;
    return type ? `${type.toUpperCase()} content` : 'unrecognised content';
  } catch {
    return 'unrecognised content';
  }
}

export function checkAssetFloor(input: Uint8Array): AssetFloorResult {
  // image-size reads through the whole underlying ArrayBuffer, so a view of a larger buffer (a Node Buffer from
  // the shared pool, a subarray) would let it read past the bytes we were given: give it a buffer of its own.
  const bytes = new Uint8Array(input);
  const result: AssetFloorResult = { ok: false, bytes: bytes.byteLength, violations: [] };
  if (bytes.byteLength > MAX_IMAGE_BYTES) {
    result.violations.push({
      rule: 'size',
      message: `image is ${bytes.byteLength} bytes; the API takes at most 10 MB (${MAX_IMAGE_BYTES} bytes)`,
    });
  }
  const format = sniffFormat(bytes);
  if (format === undefined) {
    result.violations.push({ rule: 'format', message: `image is ${describeOtherFormat(bytes)}; the API takes JPEG or PNG only` });
    return result;
  }
  result.format = format;

  let width: number;
  let height: number;
  try {
    ({ width, height } = imageSize(bytes));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    result.violations.push({ rule: 'header', message: `image ${format.toUpperCase()} header is unreadable (${reason})` });
    return result;
  }
  if (!(width > 0 && height > 0)) {
    result.violations.push({ rule: 'header', message: `image ${format.toUpperCase()} header is unreadable (no dimensions)` });
    return result;
  }
  result.width = width;
  result.height = height;
  if (width < MIN_SIDE_PX || height < MIN_SIDE_PX) {
    result.violations.push({
      rule: 'dimensions',
      message: `image is ${width}x${height} px; both sides must be at least ${MIN_SIDE_PX} px`,
    });
  }
  const ratio = width / height;
  if (ratio > MAX_ASPECT || ratio < 1 / MAX_ASPECT) {
    result.violations.push({
      rule: 'aspect',
      message: `image aspect ratio is ${ratio.toFixed(2)}:1 (${width}x${height}); it must lie between 1:2.5 and 2.5:1`,
    });
  }
  result.ok = result.violations.length === 0;
  return result;
}
