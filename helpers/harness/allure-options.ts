import { FAILURE_CLASSES } from '../kling/classifier.ts';

/**
 * Allure reporter settings derived from the run: environment info (base host, mode, versions) and one category
 * per failure class. A failed row's message starts with its class in brackets, which is what the categories match.
 */
export function allureEnvironment(env: Record<string, string | undefined>, versions: Record<string, string>): Record<string, string> {
  const mode = env.HARNESS_MODE ?? 'replay';
  const base =
    mode === 'replay' ? 'none (replay from recordings)' : new URL(env.KLING_BASE_URL ?? 'https://api-singapore.klingai.com').host;
  return { mode, 'base host': base, node: process.version, ...versions };
}

export const allureCategories = FAILURE_CLASSES.map((name) => ({
  name,
  messageRegex: `.*\\[${name}\\].*`,
  matchedStatuses: ['failed', 'broken'],
}));
