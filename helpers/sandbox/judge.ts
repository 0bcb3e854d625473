import type { Family } from '../kling/families.ts';
import { MODELS_BY_FAMILY } from '../kling/models.ts';
import { checkRequest } from '../kling/request-rules.ts';
import type { ApiError } from './api-error.ts';

/**
 * Judge a create body as the API does (kling-api §3, §4, §6), not as our policy does: `kling-v1` on text2video is
 * accepted here, as it was live. Only contract errors refuse a body; where the docs are silent or the plan and the
 * docs disagree (a warning in checkRequest), the API is taken to accept it. An accepted body comes back as the API
 * reads it: empty optional strings left out (kling-api §3a), string booleans read as booleans.
 */
export function judgeCreate(family: Family, body: unknown): ApiError | { accepted: Record<string, unknown> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { httpStatus: 400, code: 1200, message: 'request body must be a JSON object' };
  }
  const check = checkRequest(family, acceptStringBooleans(body as Record<string, unknown>));
  const read = check.body as Record<string, unknown>;
  const model = read.model_name;
  if (typeof model === 'string' && !(MODELS_BY_FAMILY[family] as readonly string[]).includes(model)) {
    return { httpStatus: 404, code: 1203, message: `model not found: model_name ${model} is not supported on ${family}` };
  }
  const [first] = check.errors;
  if (first === undefined) return { accepted: read };
  // The two 1201 texts seen live (kling-api §4) for what a client most often gets wrong about images.
  if (/data: URI/.test(first.message)) return { httpStatus: 400, code: 1201, message: 'File is not in a valid base64 format' };
  if (/image or image_tail is required/.test(first.message)) return { httpStatus: 400, code: 1201, message: 'image can not be null' };
  return { httpStatus: 400, code: 1201, message: `Invalid request field ${first.path}: ${first.message}` };
}

/** kling-api §3e: one of Kling's own samples sends `"multi_shot": "true"`; the API is taken to accept both forms. */
function acceptStringBooleans(body: Record<string, unknown>): Record<string, unknown> {
  const value = body.multi_shot;
  if (value === 'true' || value === 'false') return { ...body, multi_shot: value === 'true' };
  return body;
}
