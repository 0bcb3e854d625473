/**
 * An image field value as the API takes it: a reachable http(s) URL, or raw base64 with no `data:` prefix
 * (kling-api §4; a `data:` URI was seen rejected with 1201 "File is not in a valid base64 format").
 */

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export type ImageRefKind = 'url' | 'base64';

export type ImageRefResult = { ok: true; kind: ImageRefKind } | { ok: false; message: string };

export function judgeImageRef(value: string): ImageRefResult {
  if (value.length === 0) return { ok: false, message: 'must not be empty' };
  if (/^data:/i.test(value)) {
    return {
      ok: false,
      message: "is a data: URI; the API takes raw base64 only, without the 'data:image/...;base64,' prefix",
    };
  }
  if (/^https?:\/\//i.test(value)) return { ok: true, kind: 'url' };
  if (value.length % 4 === 0 && BASE64.test(value)) return { ok: true, kind: 'base64' };
  return { ok: false, message: 'is neither an http(s) URL nor raw base64' };
}
