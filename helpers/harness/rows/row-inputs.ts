import type { Mode } from '../config/run-config.ts';
import { ageInDays, RESULT_KEPT_DAYS } from '../evidence/evidence-age.ts';
import type { LedgerEntry } from '../ledger/ledger.ts';
import { Ledger } from '../ledger/ledger.ts';
import type { RegistryRow } from './registry.ts';
import type { RowInput, RowInputValues } from './row.ts';

/**
 * Where a row's inputs come from (row.ts, `inputs`), decided in one place for every command: a live run takes
 * the operator's variable, or a closed row's result while Kling still keeps it; a rehearsal takes the variable or
 * the row's sandbox stand-in; a replay takes what the recording was made with (its meta.json). A value is checked
 * before it goes into a billable payload, wherever it came from: a result URL is the server's word.
 */

export interface ResolvedInputs {
  values: RowInputValues;
  /** Where each value came from, for the plan and the progress log. */
  sources: Readonly<Record<string, string>>;
}

type Env = Record<string, string | undefined>;

export interface InputContext {
  mode: Mode;
  env: Env;
  /** The spend ledger's entries, for an input a closed row can give. */
  ledgerEntries?: readonly LedgerEntry[];
  now?: number;
}

const MAX_URL = 2048;
const ELEMENT_IDS = /^\d{1,19}(,\d{1,19}){0,6}$/;

/** Why a value cannot go into a payload, or undefined when it can. */
function problemWith(input: RowInput, value: string): string | undefined {
  if (input.kind === 'element-ids') {
    if (!ELEMENT_IDS.test(value)) return 'must be 1 to 7 element ids (whole numbers), comma-separated';
    // The builder sends element_id as a JSON number (a long, kling-api §3g); past 2^53 a JS number is another id.
    const inexact = value.split(',').find((id) => !Number.isSafeInteger(Number(id)));
    return inexact === undefined ? undefined : `holds ${inexact}, larger than a JSON number carries exactly here (2^53 - 1)`;
  }
  if (value.length > MAX_URL) return `is ${value.length} characters long; a video URL is at most ${MAX_URL}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:') return 'must be an https URL that Kling can fetch';
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  return undefined;
}

function fromClosedRow(input: RowInput, ctx: InputContext): { value: string; source: string } | { problem: string } | undefined {
  if (input.fromClosedRow === undefined || ctx.ledgerEntries === undefined) return undefined;
  const state = new Ledger('').rowState(input.fromClosedRow, ctx.ledgerEntries);
  if (state.status !== 'closed' || state.resultUrl === undefined) return undefined;
  const age = ageInDays(state.closedAt, ctx.now);
  const closed = `row ${input.fromClosedRow}'s result (task ${state.taskId}, closed ${state.closedAt.slice(0, 10)}, ${age} day(s) ago)`;
  if (age >= RESULT_KEPT_DAYS) return { problem: `${closed} is past Kling's ${RESULT_KEPT_DAYS} days: its video is deleted` };
  return { value: state.resultUrl, source: closed };
}

/** The row's inputs for this mode, or one line per input that is missing or unusable. Replay reads its recording. */
export function resolveRowInputs(row: RegistryRow, ctx: InputContext): { resolved?: ResolvedInputs; problems: string[] } {
  const values: Record<string, string> = {};
  const sources: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, input] of Object.entries(row.inputs ?? {})) {
    const given = ctx.env[input.env]?.trim();
    let found: { value: string; source: string } | undefined;
    let why = '';
    if (given) found = { value: given, source: input.env };
    else {
      const closed = fromClosedRow(input, ctx);
      if (closed !== undefined && 'problem' in closed) why = `; ${closed.problem}`;
      else found = closed;
    }
    if (found === undefined && ctx.mode === 'rehearse') {
      found = { value: input.rehearsal, source: `the sandbox stand-in (a live run needs ${input.env})` };
    }
    if (found === undefined) {
      const closedRow = input.fromClosedRow ? `, or a closed row ${input.fromClosedRow} under ${RESULT_KEPT_DAYS} days old${why}` : '';
      problems.push(`row ${row.id} needs ${input.env}: ${input.describe}${closedRow}; set it on the command line of the run`);
      continue;
    }
    const problem = problemWith(input, found.value);
    if (problem !== undefined) {
      problems.push(`row ${row.id}: ${found.source} ${problem}`);
      continue;
    }
    values[name] = found.value;
    sources[name] = found.source;
  }
  return problems.length > 0 ? { problems } : { resolved: { values, sources }, problems };
}

/** Element ids as the API takes them (`element_list[].element_id`: a long). */
export function elementIds(value: string): number[] {
  return value.split(',').map(Number);
}
