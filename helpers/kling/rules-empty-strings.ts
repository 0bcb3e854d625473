import { z } from 'zod';
import { cite, type Collector } from './rules-collector.ts';

/**
 * The first step of every request check: the empty optional strings of a body left out, with a warning each,
 * because the API takes them as absent (kling-api §3a) and every later rule must see them so.
 */

const EMPTY_AS_ABSENT = `is an empty string: the API takes it as absent ${cite('§3a')}`;

/**
 * kling-api §3a: the API takes an empty optional string as absent (Kling's own examples send `callback_url: ""`;
 * a create with `static_mask: ""` succeeded). Free-form strings only: an enum (`mode`, `sound`) lists its values
 * and "" is none of them. Required strings keep "", so the schema refuses it.
 */
function optionalStringFields(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => field instanceof z.ZodOptional && field.unwrap()._zod.def.type === 'string')
    .map(([key]) => key);
}

/** The payload with its empty optional strings left out, so every later rule sees them as absent. */
export function withoutEmptyOptionalStrings(schema: z.ZodObject, payload: unknown, out: Collector): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const fields = payload as Readonly<Record<string, unknown>>;
  const empty = optionalStringFields(schema).filter((key) => fields[key] === '');
  for (const key of empty) out.warn(key, EMPTY_AS_ABSENT);
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !empty.includes(key)));
}
