import { createHash } from 'node:crypto';
import { judgeImageRef } from '../../kling/image-ref.ts';

/**
 * Pure redaction: what may be written to disk. Large base64 bodies become a digest (kind, size, sha256)
 * (promises §5); a string short enough to be a word is left alone even if it happens to be valid base64.
 */

const MIN_BASE64_CHARS = 64;

function sniffKind(bytes: Buffer): string {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  return 'binary';
}

export function digestOf(bytes: Buffer): { kind: string; bytes: number; sha256: string } {
  return { kind: sniffKind(bytes), bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** `[base64 png 23019 bytes sha256:…]`: a string, so the body keeps its shape and stays diffable. */
export function base64Token(base64: string): string {
  const { kind, bytes, sha256 } = digestOf(Buffer.from(base64, 'base64'));
  return `[base64 ${kind} ${bytes} bytes sha256:${sha256}]`;
}

function redactString(value: string): string {
  if (value.length < MIN_BASE64_CHARS) return value;
  const dataUri = /^data:[^,]*;base64,(.*)$/s.exec(value);
  if (dataUri?.[1] !== undefined) return `[data-uri ${base64Token(dataUri[1]).slice(1)}`;
  const judged = judgeImageRef(value);
  return judged.ok && judged.kind === 'base64' ? base64Token(value) : value;
}

/** Every large base64 string anywhere in a JSON value, replaced by its digest token. */
export function redactBody(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(redactBody);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactBody(v)]));
  }
  return value;
}
