import type { z } from 'zod';
import type { Family } from './families.ts';
import type { Finding } from './findings.ts';
import { image2videoRequest, multiImage2videoRequest, omniVideoRequest, text2videoRequest } from './request-schemas.ts';
import type { Collector } from './rules-collector.ts';
import { withoutEmptyOptionalStrings } from './rules-empty-strings.ts';
import { checkImage2video } from './rules-image2video.ts';
import { checkModelAndDuration } from './rules-model.ts';
import { checkMultiShot } from './rules-multi-shot.ts';
import { checkOmni } from './rules-omni.ts';
import { schemaFindings } from './rules-schema-findings.ts';

/**
 * The contract check of a request body: the per-field schema plus the rules that span fields or depend on the
 * model (kling-api §3). Errors mean the API refuses the body (documented, or seen at runtime). Warnings mean the
 * plan and the docs disagree, the docs are silent, or the API may ignore a field: the evidence shows them and the
 * live round settles them. Every message ends with the section of docs/kling-api.md it rests on.
 */

export interface RequestCheck {
  errors: Finding[];
  warnings: Finding[];
  /** The body as the rules read it: empty optional strings left out, as the API leaves them (kling-api §3a). */
  body: unknown;
}

function run<S extends z.ZodObject>(
  family: Family,
  schema: S,
  payload: unknown,
  rules: (body: z.output<S>, out: Collector) => void,
): RequestCheck {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const out: Collector = {
    error: (path, message) => errors.push({ path, message }),
    warn: (path, message) => warnings.push({ path, message }),
  };
  const body = withoutEmptyOptionalStrings(schema, payload, out);
  const result: RequestCheck = { errors, warnings, body };
  const parsed = schema.safeParse(body);
  if (!parsed.success) result.errors.push(...schemaFindings(family, parsed.error));
  else rules(parsed.data, out);
  return result;
}

export function checkRequest(family: Family, payload: unknown): RequestCheck {
  switch (family) {
    case 'omni-video':
      return run(family, omniVideoRequest, payload, (body, out) => {
        checkModelAndDuration(family, body, out);
        checkMultiShot(body, out);
        checkOmni(body, out);
      });
    case 'text2video':
      return run(family, text2videoRequest, payload, (body, out) => {
        checkModelAndDuration(family, body, out);
        checkMultiShot(body, out);
      });
    case 'image2video':
      return run(family, image2videoRequest, payload, (body, out) => {
        checkModelAndDuration(family, body, out);
        checkMultiShot(body, out);
        checkImage2video(body, out);
      });
    case 'multi-image2video':
      return run(family, multiImage2videoRequest, payload, (body, out) => {
        checkModelAndDuration(family, body, out);
      });
  }
}
