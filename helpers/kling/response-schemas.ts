import { z } from 'zod';
import { formatPath, type Finding } from './findings.ts';

/**
 * Response shapes (kling-api §5). Tolerant where the docs record variants (`final_unit_deduction` string
 * or number, `task_info` absent on multi-image2video); strict only where our code depends on a field. Anything
 * else that differs from the docs is drift: reported as a list for the evidence, never fatal.
 */

/** Optional fields the docs say are always present: their absence is drift worth showing, not an error. */
const EXPECTED = new WeakSet<z.ZodType>();
function expected<T extends z.ZodType>(schema: T): z.ZodOptional<T> {
  const optional = schema.optional();
  EXPECTED.add(optional);
  return optional;
}

export const TASK_STATUSES = ['submitted', 'processing', 'succeed', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

const msTimestamp = z.number().int().nonnegative();

/**
 * kling-api §9b: a task id is opaque (18 digits, or 22 characters such as `CjI17WevH1IAAAAAAHmgsw`), but it goes
 * into a URL path and the ledger: anything outside URL-safe characters, or absurdly long, is drift, not an id.
 */
export const TASK_ID = /^[A-Za-z0-9_-]{1,128}$/;
const taskId = z.string().regex(TASK_ID, { error: 'is not a task id (1 to 128 letters, digits, _ or -)' });

const video = z.looseObject({
  id: expected(z.string()),
  url: z.string().min(1),
  watermark_url: z.string().optional(),
  duration: expected(z.string()), // kling-api §5: seconds, as a string
});

const taskInfo = z.looseObject({
  external_task_id: z.string().optional(),
  parent_video: z.looseObject({ id: z.string(), url: z.string(), duration: z.string() }).optional(),
});

export const createdTask = z.looseObject({
  task_id: taskId,
  task_status: z.enum(TASK_STATUSES),
  task_info: taskInfo.optional(), // kling-api §3h: the multi-image2video sample has none
  created_at: expected(msTimestamp),
  updated_at: expected(msTimestamp),
});

export const task = z.looseObject({
  task_id: taskId,
  task_status: z.enum(TASK_STATUSES),
  task_status_msg: z.string().optional(),
  task_info: taskInfo.optional(),
  task_result: z
    .looseObject({
      videos: z.array(video).optional(),
      images: z.array(z.looseObject({ index: z.number(), url: z.string() })).optional(),
    })
    .optional(),
  watermark_info: z.looseObject({ enabled: z.boolean() }).optional(),
  // kling-api §5: documented as a string; one fixture shows a number. Missing is unknown spend (kling-api §9b).
  final_unit_deduction: z.union([z.string(), z.number()]).optional(),
  // kling-api §5: spend charged outside the unit packs, when there is any.
  // A field the harness only records: an unreadable one is dropped, never a reason to refuse the task.
  final_balance_deduction: z
    .looseObject({
      quota: z.union([z.string(), z.number()]).optional().catch(undefined),
      list_price: z.union([z.string(), z.number()]).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
  created_at: expected(msTimestamp),
  updated_at: expected(msTimestamp),
});

function envelope<T extends z.ZodType>(data: T) {
  return z.looseObject({
    code: z.number().int(),
    message: expected(z.string()),
    request_id: expected(z.string()),
    data,
  });
}

export const createEnvelope = envelope(createdTask);
export const taskEnvelope = envelope(task);
export const listEnvelope = envelope(z.array(task));
/** What every answer, success or error, is read by first: the outcome is decided on `code` (kling-api §5). */
export const envelopeHead = z.looseObject({
  code: z.number().int(),
  // Read for the evidence only: a message of another type does not make the code unreadable.
  message: z.string().optional().catch(undefined),
  request_id: z.string().optional().catch(undefined),
});
/** kling-api §5: errors carry `{code, message, request_id}` with `data` missing or null. */
export const errorEnvelope = envelopeHead.extend({ data: z.null().optional() });

export type CreatedTask = z.infer<typeof createdTask>;
export type Task = z.infer<typeof task>;
export type CreateEnvelope = z.infer<typeof createEnvelope>;
export type TaskEnvelope = z.infer<typeof taskEnvelope>;
export type ListEnvelope = z.infer<typeof listEnvelope>;
export type ErrorEnvelope = z.infer<typeof errorEnvelope>;

export interface Drift {
  path: string;
  kind: 'unknown-field' | 'missing-field';
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fields the docs do not name, and documented always-present fields that are absent. */
export function describeDrift(schema: z.ZodType, value: unknown, path: PropertyKey[] = []): Drift[] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodArray && Array.isArray(value)) {
    return value.flatMap((item, i) => describeDrift(inner.element as z.ZodType, item, [...path, i]));
  }
  if (!(inner instanceof z.ZodObject) || !isRecord(value)) return [];
  const shape = inner.shape as Record<string, z.ZodType>;
  const drift: Drift[] = [];
  for (const key of Object.keys(value)) {
    if (!(key in shape)) drift.push({ path: formatPath([...path, key]), kind: 'unknown-field' });
  }
  for (const [key, field] of Object.entries(shape)) {
    if (key in value) drift.push(...describeDrift(field, value[key], [...path, key]));
    else if (EXPECTED.has(field)) drift.push({ path: formatPath([...path, key]), kind: 'missing-field' });
  }
  return drift;
}

export type ParsedResponse<T> = { ok: true; value: T; drift: Drift[] } | { ok: false; problems: Finding[]; drift: Drift[] };

export function parseResponse<T>(schema: z.ZodType<T>, json: unknown): ParsedResponse<T> {
  const drift = describeDrift(schema, json);
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data, drift };
  return {
    ok: false,
    drift,
    problems: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path) || '(body)', message: issue.message })),
  };
}
