import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';

/**
 * Live credentials come from `.env` (never committed). Only live mode reads it: replay needs no credentials and
 * rehearse is handed the sandbox's. Only connection settings are taken from the file — every `KLING_` key, so
 * that a misspelt one (KLING_BASEURL) reaches the run configuration and is refused there instead of silently
 * leaving the default host in place. Approval (APPROVE_ROWS, MAX_CREATES) must be given on the command line of
 * each run, so a stale file never spends; such keys are returned, to say they were ignored.
 */
export function loadDotenvForLive(env: Record<string, string | undefined> = process.env, file = '.env'): string[] {
  if (env.HARNESS_MODE !== 'live' || !existsSync(file)) return [];
  const values = parse(readFileSync(file));
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith('KLING_')) ignored.push(key);
    else if (env[key] === undefined) env[key] = value;
  }
  return ignored;
}
