import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';

/**
 * Live credentials come from `.env` (never committed). Only live mode reads it: replay needs no credentials and
 * rehearse is handed the sandbox's. Only the connection settings are taken from the file; approval
 * (APPROVE_ROWS, MAX_CREATES) must be given on the command line of each run, so a stale file never spends.
 */
export const FROM_DOTENV = ['KLING_ACCESS_KEY', 'KLING_SECRET_KEY', 'KLING_BASE_URL'] as const;

export function loadDotenvForLive(env: Record<string, string | undefined> = process.env, file = '.env'): string[] {
  if (env.HARNESS_MODE !== 'live' || !existsSync(file)) return [];
  const values = parse(readFileSync(file));
  const ignored = Object.keys(values).filter((k) => !(FROM_DOTENV as readonly string[]).includes(k));
  for (const key of FROM_DOTENV) {
    const value = values[key];
    if (env[key] === undefined && value !== undefined) env[key] = value;
  }
  return ignored;
}
