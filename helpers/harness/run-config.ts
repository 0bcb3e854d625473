import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Credentials } from '../kling/auth.ts';
import { GLOBAL_BASE_URL } from '../kling/client.ts';
import { ciReason } from './ci.ts';
import { registerSecret } from './scrubber.ts';
import { DEFAULT_ROUND, ROW_IDS, ROWS, isRowId, rowEntry, type RowId } from './rows.ts';

/**
 * One mode switch for the whole harness (README, "Modes"): replay (CI, default), live (an operator, billable), rehearse
 * (the live code path against the embedded sandbox). Everything a run needs is read and checked here, before any
 * request, and every problem is one line.
 */

export type Mode = 'replay' | 'live' | 'rehearse';

export interface RunConfig {
  mode: Mode;
  /** Rows that may make a create this run (empty in replay, which never creates). */
  approved: RowId[];
  /** Hard cap on creates this run; by default the number of approved rows, and never more. */
  maxCreates: number;
  baseUrl: string;
  credentials: Credentials | undefined;
  recordingsDir: string;
  reportsDir: string;
  /** The spend ledger this run reads and appends to; none in replay, which spends nothing. */
  ledgerFile: string | undefined;
  /** Closed rows this run may run again, and why (REOPEN_ROWS, REOPEN_REASON). */
  reopen: { rows: RowId[]; reason: string };
}

/** The settings a run reads from the environment under the KLING_ prefix; any other is a typo, not a fallback. */
export const KLING_SETTINGS = ['KLING_ACCESS_KEY', 'KLING_SECRET_KEY', 'KLING_BASE_URL'] as const;

/**
 * Each mode has its ledger, derived from where it keeps its recordings and reports, never chosen freely: a live
 * run must read and write the committed one, a rehearsal its scratch one (LEDGER_FILE only names a ledger for
 * `pnpm ledger` to read).
 */
export function ledgerFileFor(mode: Exclude<Mode, 'replay'>, dirs: { recordingsDir: string; reportsDir: string }): string {
  return mode === 'live' ? join(dirs.recordingsDir, 'ledger.jsonl') : join(dirs.reportsDir, 'rehearsal', 'ledger.jsonl');
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

type Env = Record<string, string | undefined>;

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/;

/** The base URL's problems: it must be an origin, with no credentials in it, and plain http only to loopback. */
function baseUrlProblems(value: string, mode: Exclude<Mode, 'replay'>): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [`KLING_BASE_URL is not a URL: '${value}'`];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [`KLING_BASE_URL must be http(s): '${value}'`];
  // Never echo the URL itself: its user-info may be a credential.
  if (url.username !== '' || url.password !== '')
    return ['KLING_BASE_URL carries user-info (user:password@): credentials go in KLING_ACCESS_KEY and KLING_SECRET_KEY only'];
  const origin = `${url.protocol}//${url.host}`;
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return [`KLING_BASE_URL must be an origin such as https://api-singapore.klingai.com, with no path, query or fragment: '${value}'`];
  }
  const loopback = LOOPBACK_HOST.test(url.hostname);
  if (mode === 'rehearse' && !(loopback && url.protocol === 'http:'))
    return [`rehearse talks only to a sandbox on loopback; KLING_BASE_URL is ${origin}`];
  if (url.protocol === 'http:' && !loopback)
    return [`KLING_BASE_URL is plain http to ${url.host}: the token would cross the network in clear; use https`];
  return [];
}

/** APPROVE_ROWS=A,B → ['A','B'], with one line per problem (unknown, lower-case, repeated, replay-only, "all"). */
export function parseApprovedRows(value: string | undefined, mode: Mode, name = 'APPROVE_ROWS'): { rows: RowId[]; problems: string[] } {
  const problems: string[] = [];
  if (value === undefined || value.trim() === '') {
    if (mode === 'rehearse') return { rows: [...DEFAULT_ROUND], problems };
    return { rows: [], problems: ['APPROVE_ROWS is empty: name the rows to spend on, e.g. APPROVE_ROWS=A,B'] };
  }
  const rows: RowId[] = [];
  for (const raw of value.split(',').map((s) => s.trim())) {
    if (raw === '') {
      problems.push(`${name} has an empty entry: '${value}'`);
    } else if (raw.toLowerCase() === 'all') {
      problems.push(
        `APPROVE_ROWS=${raw} is not accepted: name each row to spend on (${ROWS.filter((r) => r.liveAllowed)
          .map((r) => r.id)
          .join(',')})`,
      );
    } else if (!isRowId(raw)) {
      problems.push(
        isRowId(raw.toUpperCase())
          ? `${name}: '${raw}' is not a row id; row ids are upper-case (${raw.toUpperCase()})`
          : `${name}: unknown row '${raw}' (the rows are ${ROW_IDS.join(', ')})`,
      );
    } else if (rows.includes(raw)) {
      problems.push(`${name} names ${raw} twice; one create per row per run`);
    } else if (!rowEntry(raw).liveAllowed) {
      problems.push(`${name}: row ${raw} is replay-only (a transcription of a past run) and never creates`);
    } else {
      rows.push(raw);
    }
  }
  return { rows, problems };
}

const credentialSchema = (name: string) =>
  z
    .string({ error: `${name} is missing: copy .env.example to .env and fill it in` })
    .trim()
    .min(1, { error: `${name} is empty: copy .env.example to .env and fill it in` })
    .regex(/^\S+$/, { error: `${name} contains whitespace; paste the key exactly as the console shows it` });

function check<T>(schema: z.ZodType<T>, value: unknown, problems: string[]): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  problems.push(parsed.error.issues[0]?.message ?? 'invalid value');
  return undefined;
}

export function parseRunConfig(env: Env): RunConfig {
  const problems: string[] = [];
  const modeValue = env.HARNESS_MODE ?? 'replay';
  const mode = check(
    z.enum(['replay', 'live', 'rehearse'], { error: `HARNESS_MODE must be replay, live or rehearse, got '${modeValue}'` }),
    modeValue,
    problems,
  );
  if (mode === undefined) throw new ConfigError(problems);

  const ci = mode === 'live' ? ciReason(env) : undefined;
  if (ci !== undefined) {
    throw new ConfigError([`live mode refuses to run on a CI machine (${ci}): every create is billable; run it by hand, with approval`]);
  }

  const recordingsDir = env.RECORDINGS_DIR ?? 'recordings';
  const reportsDir = env.REPORTS_DIR ?? 'reports';
  if (mode === 'replay') {
    return {
      mode,
      approved: [],
      maxCreates: 0,
      baseUrl: GLOBAL_BASE_URL,
      credentials: undefined,
      recordingsDir,
      reportsDir,
      ledgerFile: undefined,
      reopen: { rows: [], reason: '' },
    };
  }

  const { rows, problems: rowProblems } = parseApprovedRows(env.APPROVE_ROWS, mode);
  problems.push(...rowProblems);

  const baseUrl = env.KLING_BASE_URL ?? GLOBAL_BASE_URL;
  problems.push(...baseUrlProblems(baseUrl, mode));
  if (mode === 'live') {
    for (const key of Object.keys(env).filter((k) => k.startsWith('KLING_') && !(KLING_SETTINGS as readonly string[]).includes(k))) {
      problems.push(
        `${key} is not a setting (the KLING_ settings are ${KLING_SETTINGS.join(', ')}); a misspelt one would fall back to its default`,
      );
    }
  }
  const accessKey = check(credentialSchema('KLING_ACCESS_KEY'), env.KLING_ACCESS_KEY, problems);
  const secretKey = check(credentialSchema('KLING_SECRET_KEY'), env.KLING_SECRET_KEY, problems);

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
    const parsed = parseApprovedRows(env.REOPEN_ROWS, 'live', 'REOPEN_ROWS');
    problems.push(...parsed.problems);
    reopen.rows = parsed.rows;
    if (reopen.reason === '') {
      problems.push(`REOPEN_ROWS=${env.REOPEN_ROWS} needs REOPEN_REASON="why": the reason goes into the ledger`);
    }
  }
  const ledgerFile = ledgerFileFor(mode, { recordingsDir, reportsDir });
  if (env.LEDGER_FILE !== undefined && env.LEDGER_FILE !== '' && resolve(env.LEDGER_FILE) !== resolve(ledgerFile)) {
    problems.push(
      `LEDGER_FILE=${env.LEDGER_FILE} would point this ${mode} run at another ledger than its own (${ledgerFile}); unset it (it only picks the ledger pnpm ledger reads)`,
    );
  }

  if (problems.length > 0 || accessKey === undefined || secretKey === undefined) throw new ConfigError(problems);
  // From here on the keys exist in this process: every sink scrubs them (scrubber.ts).
  registerSecret(accessKey);
  registerSecret(secretKey);
  return {
    mode,
    approved: rows,
    maxCreates,
    baseUrl,
    credentials: { accessKey, secretKey },
    recordingsDir,
    reportsDir,
    ledgerFile,
    reopen,
  };
}
