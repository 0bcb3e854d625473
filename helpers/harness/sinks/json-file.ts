import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { formatPath } from '../../kling/findings.ts';

/**
 * The reading side of the harness's JSON files (meta, evidence, journal, lock, cassette): each is checked against a
 * zod schema, and a bad one is refused with one line naming the file and the first wrong field, so the operator
 * can fix it by hand, instead of a `cannot read properties of undefined` three modules later.
 */

export class FormatError extends Error {
  override readonly name = 'FormatError';
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** A wrong enum value is most often a typo: show it, cut short (it came from a file, not from us). */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeOf(value);
}

/**
 * zod's English opens with "Invalid input:", which says nothing the field's name does not. Only these two codes are
 * reworded; a schema's own message (a row id's, say) still wins over this map.
 */
const plainEnglish: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, received ${typeOf(issue.input)}`;
  if (issue.code === 'invalid_value') {
    const expected = issue.values.map((v) => JSON.stringify(v)).join('|');
    return `expected ${issue.values.length === 1 ? expected : `one of ${expected}`}, received ${shown(issue.input)}`;
  }
  return undefined;
};

/** `field 'download.bytes' <problem>`, or the bare problem when the whole value is wrong (the ledger's style too). */
export function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'unreadable';
  return issue.path.length > 0 ? `field '${formatPath(issue.path)}' ${issue.message}` : issue.message;
}

/** `where` names the file (and line, for JSONL). A parser's message may quote the text over several lines: one line here. */
export function parseJson(where: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FormatError(`${where}: not JSON (${reason.replace(/\s+/g, ' ')})`);
  }
}

/** The schema's output for `value`, or a FormatError `<where>: field '<path>' <problem>`. */
export function checkFormat<S extends z.ZodType>(where: string, schema: S, value: unknown): z.output<S> {
  const checked = schema.safeParse(value, { error: plainEnglish });
  if (!checked.success) throw new FormatError(`${where}: ${describeIssue(checked.error)}`);
  return checked.data;
}

export function readJsonFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  return checkFormat(file, schema, parseJson(file, readFileSync(file, 'utf8')));
}

/** A schema with no transforms and no defaults (its input type is its output type) accepts a value as it is. */
function assertFormat<T>(where: string, schema: z.ZodType<T, T>, value: unknown): asserts value is T {
  checkFormat(where, schema, value);
}

/**
 * The file's value itself once the schema accepts it, not the schema's rebuilt copy: zod puts known keys first, so
 * only the value as read keeps every key in its order and re-writes byte for byte (the cassette's case).
 */
export function readJsonFileAsIs<T>(file: string, schema: z.ZodType<T, T>): T {
  const value = parseJson(file, readFileSync(file, 'utf8'));
  assertFormat(file, schema, value);
  return value;
}
