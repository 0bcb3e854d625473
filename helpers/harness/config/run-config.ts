import type { Credentials } from '../../kling/auth.ts';
import { GLOBAL_BASE_URL } from '../../kling/client.ts';
import { ciReason } from './ci.ts';
import { parseConnection } from './run-connection.ts';
import type { Registry } from '../rows/registry.ts';
import type { RowId } from '../rows/row.ts';
import { runPaths, targetOf, type Target } from './run-target.ts';
import { approvalOf } from '../plan/run-approval.ts';
import type { ResolvedInputs } from '../rows/row-inputs.ts';

/**
 * One mode switch for the whole harness (README, "Modes"): replay (CI, default), live (an operator, billable), rehearse
 * (the live code path against the embedded sandbox). Everything a run needs is read and checked here, before any
 * request, and every problem is one line.
 */

export const MODES = ['replay', 'live', 'rehearse'] as const;
export type Mode = (typeof MODES)[number];

export interface RunConfig {
  mode: Mode;
  /** Rows that may make a create this run (empty in replay, which never creates). */
  approved: RowId[];
  /** Hard cap on creates this run; by default the number of approved rows, and never more. */
  maxCreates: number;
  baseUrl: string;
  credentials: Credentials | undefined;
  /** Where the requests go: what the recordings may claim and where they are written (run-target.ts). */
  target: Target;
  recordingsDir: string;
  reportsDir: string;
  /** The spend ledger this run reads and appends to; none in replay, which spends nothing. */
  ledgerFile: string | undefined;
  /** Closed rows this run may run again, and why (REOPEN_ROWS, REOPEN_REASON). */
  reopen: { rows: RowId[]; reason: string };
  /** Why the operator runs a round the account check would stop (ACCOUNT_CHECK_OVERRIDE); written to the ledger. */
  accountOverride?: string | undefined;
  /** Each approved row's inputs, resolved (row-inputs.ts); a row without inputs has none. */
  inputs?: Readonly<Record<RowId, ResolvedInputs>>;
  /** The digest of the approval request this run was given (APPROVED_PLAN), checked against today's plan. */
  approvedPlan?: string;
  /** The most this run may expose, in units (MAX_UNITS), checked against the plan's priced rows. */
  maxUnits?: number;
  /** The round's id when the caller names it (ROUND_ID: a rehearsal, a test); otherwise the global setup makes one. */
  roundId?: string;
}

/** A round id names a folder under reports/evidence: one path segment of safe characters. */
const ROUND_ID = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,80}$/;

function roundIdOf(env: Env): { roundId?: string } {
  const value = env.ROUND_ID;
  if (value === undefined || value === '') return {};
  if (!ROUND_ID.test(value)) throw new ConfigError([`ROUND_ID='${value}' must be one folder name: letters, digits, '.', '_' or '-'`]);
  return { roundId: value };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

export type Env = Record<string, string | undefined>;

/** APPROVE_ROWS=A,B → ['A','B'], with one line per problem (unknown, lower-case, repeated, replay-only, "all"). */
export function parseApprovedRows(
  value: string | undefined,
  mode: Mode,
  registry: Registry,
  name = 'APPROVE_ROWS',
): { rows: RowId[]; problems: string[] } {
  const problems: string[] = [];
  if (value === undefined || value.trim() === '') {
    if (mode === 'rehearse') return { rows: registry.defaultRound, problems };
    return { rows: [], problems: ['APPROVE_ROWS is empty: name the rows to spend on, e.g. APPROVE_ROWS=A,B'] };
  }
  const rows: RowId[] = [];
  for (const raw of value.split(',').map((s) => s.trim())) {
    if (raw === '') {
      problems.push(`${name} has an empty entry: '${value}'`);
    } else if (raw.toLowerCase() === 'all') {
      problems.push(`APPROVE_ROWS=${raw} is not accepted: name each row to spend on (${registry.liveRows.map((r) => r.id).join(',')})`);
    } else if (!registry.has(raw)) {
      problems.push(
        registry.has(raw.toUpperCase())
          ? `${name}: '${raw}' is not a row id; row ids are upper-case (${raw.toUpperCase()})`
          : `${name}: unknown row '${raw}' (the rows are ${registry.ids.join(', ')})`,
      );
    } else if (rows.includes(raw)) {
      problems.push(`${name} names ${raw} twice; one create per row per run`);
    } else if (!registry.get(raw).liveAllowed) {
      problems.push(`${name}: row ${raw} is replay-only (a transcription of a past run) and never creates`);
    } else {
      rows.push(raw);
    }
  }
  if (name === 'APPROVE_ROWS') problems.push(...approvedAloneProblems(rows, registry));
  return { rows, problems };
}

/** The plan's "What not to do in this round": a next-round row never shares an approval with the default round. */
function approvedAloneProblems(rows: readonly RowId[], registry: Registry): string[] {
  const current = rows.filter((id) => registry.get(id).defaultRound);
  if (current.length === 0) return [];
  return rows
    .map((id) => registry.get(id))
    .filter((r) => r.approvedAlone !== undefined)
    .map(
      (r) =>
        `APPROVE_ROWS: row ${r.id} is next-round and is never approved together with ${current.join(', ')} (${r.approvedAlone}); approve it in a run of its own`,
    );
}

export function parseRunConfig(env: Env, registry: Registry): RunConfig {
  const problems: string[] = [];
  const modeValue = env.HARNESS_MODE ?? 'replay';
  const mode = MODES.find((m) => m === modeValue);
  if (mode === undefined) throw new ConfigError([`HARNESS_MODE must be replay, live or rehearse, got '${modeValue}'`]);

  const ci = mode === 'live' ? ciReason(env) : undefined;
  if (ci !== undefined) {
    throw new ConfigError([`live mode refuses to run on a CI machine (${ci}): every create is billable; run it by hand, with approval`]);
  }

  const reportsDir = env.REPORTS_DIR ?? 'reports';
  if (mode === 'replay') {
    const target = targetOf(mode, GLOBAL_BASE_URL);
    return {
      mode,
      approved: [],
      maxCreates: 0,
      baseUrl: GLOBAL_BASE_URL,
      credentials: undefined,
      target,
      recordingsDir: runPaths(target, env, reportsDir).recordingsDir,
      reportsDir,
      ledgerFile: undefined,
      reopen: { rows: [], reason: '' },
      ...roundIdOf(env),
    };
  }

  const { rows, problems: rowProblems } = parseApprovedRows(env.APPROVE_ROWS, mode, registry);
  problems.push(...rowProblems);

  const connection = parseConnection(env, mode);
  problems.push(...connection.problems);
  let maxCreates = rows.length;
  if (env.MAX_CREATES !== undefined && env.MAX_CREATES !== '') {
    const cap = Number(env.MAX_CREATES);
    if (!Number.isInteger(cap) || cap < 0) problems.push(`MAX_CREATES must be a whole number, got '${env.MAX_CREATES}'`);
    else if (cap > rows.length)
      problems.push(`MAX_CREATES=${cap} is more than the ${rows.length} approved row(s); it can only lower the cap`);
    else maxCreates = cap;
  }

  const reopen = { rows: [] as RowId[], reason: (env.REOPEN_REASON ?? '').trim() };
  if (env.REOPEN_ROWS !== undefined && env.REOPEN_ROWS.trim() !== '') {
    const parsed = parseApprovedRows(env.REOPEN_ROWS, 'live', registry, 'REOPEN_ROWS');
    problems.push(...parsed.problems);
    reopen.rows = parsed.rows;
    if (reopen.reason === '') {
      problems.push(`REOPEN_ROWS=${env.REOPEN_ROWS} needs REOPEN_REASON="why": the reason goes into the ledger`);
    }
  }
  const { baseUrl, credentials, target } = connection;
  const { recordingsDir, ledgerFile, problems: pathProblems } = runPaths(target, env, reportsDir);
  problems.push(...pathProblems);

  const accountOverride = env.ACCOUNT_CHECK_OVERRIDE?.trim() || undefined;
  const approval = problems.length > 0 ? undefined : approvalOf(env, mode, registry, rows, reopen.rows, ledgerFile, reportsDir);
  problems.push(...(approval?.problems ?? []));

  if (problems.length > 0 || credentials === undefined || approval === undefined) throw new ConfigError(problems);
  return {
    mode,
    approved: rows,
    maxCreates,
    baseUrl,
    credentials,
    target,
    recordingsDir,
    reportsDir,
    ledgerFile,
    reopen,
    inputs: approval.inputs,
    ...(approval.approvedPlan ? { approvedPlan: approval.approvedPlan } : {}),
    ...(approval.maxUnits === undefined ? {} : { maxUnits: approval.maxUnits }),
    ...(accountOverride ? { accountOverride } : {}),
    ...roundIdOf(env),
  };
}
