import { ciVariables } from '../../helpers/harness/config/ci.ts';

/**
 * The environment a test gives a live child run against the sandbox: this one, with every variable that says
 * "CI" cleared (the suite itself runs on CI, where a real live run is rightly refused).
 */
export function notCi(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const cleared = new Set(ciVariables());
  return Object.fromEntries(Object.entries(env).filter(([name]) => !cleared.has(name)));
}
