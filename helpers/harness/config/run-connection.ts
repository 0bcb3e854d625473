import { z } from 'zod';
import type { Credentials } from '../../kling/auth.ts';
import { GLOBAL_BASE_URL } from '../../kling/client.ts';
import { registerSecret } from '../sinks/scrubber.ts';
import { targetOf, type Target } from './run-target.ts';

/**
 * What a run needs to talk to the API — its host and its keys — read from the environment and checked, one line
 * per problem. Shared by the run configuration and by the tools that only call free endpoints (`pnpm account`).
 */

/** The settings read from the environment under the KLING_ prefix; any other is a typo, not a fallback. */
export const KLING_SETTINGS = ['KLING_ACCESS_KEY', 'KLING_SECRET_KEY', 'KLING_BASE_URL'] as const;

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/;

/** The base URL's problems: it must be an origin, with no credentials in it, and plain http only to loopback. */
function baseUrlProblems(value: string, mode: 'live' | 'rehearse'): string[] {
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
    // The path only: a query string may carry a token.
    return [
      `KLING_BASE_URL must be an origin such as https://api-singapore.klingai.com, with no path, query or fragment: '${origin}${url.pathname}'`,
    ];
  }
  const loopback = LOOPBACK_HOST.test(url.hostname);
  if (mode === 'rehearse' && !(loopback && url.protocol === 'http:'))
    return [`rehearse talks only to a sandbox on loopback; KLING_BASE_URL is ${origin}`];
  if (url.protocol === 'http:' && !loopback)
    return [`KLING_BASE_URL is plain http to ${url.host}: the token would cross the network in clear; use https`];
  return [];
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

export interface Connection {
  baseUrl: string;
  credentials: Credentials | undefined;
  target: Target;
  problems: string[];
}

export function parseConnection(env: Record<string, string | undefined>, mode: 'live' | 'rehearse'): Connection {
  // Known to the scrubber before anything can echo them, even in a refusal (a key pasted into the wrong setting).
  for (const key of ['KLING_ACCESS_KEY', 'KLING_SECRET_KEY']) registerSecret(env[key]?.trim());
  const problems: string[] = [];
  const baseUrl = env.KLING_BASE_URL ?? GLOBAL_BASE_URL;
  const urlProblems = baseUrlProblems(baseUrl, mode);
  problems.push(...urlProblems);
  if (mode === 'live') {
    for (const key of Object.keys(env).filter((k) => k.startsWith('KLING_') && !(KLING_SETTINGS as readonly string[]).includes(k))) {
      problems.push(
        `${key} is not a setting (the KLING_ settings are ${KLING_SETTINGS.join(', ')}); a misspelt one would fall back to its default`,
      );
    }
  }
  const accessKey = check(credentialSchema('KLING_ACCESS_KEY'), env.KLING_ACCESS_KEY, problems);
  const secretKey = check(credentialSchema('KLING_SECRET_KEY'), env.KLING_SECRET_KEY, problems);
  return {
    baseUrl,
    credentials: accessKey === undefined || secretKey === undefined ? undefined : { accessKey, secretKey },
    target: targetOf(mode, urlProblems.length > 0 ? GLOBAL_BASE_URL : baseUrl),
    problems,
  };
}
