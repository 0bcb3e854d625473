import { FAILURE_CLASSES } from '../kling/classifier.ts';
import { GLOBAL_BASE_URL } from '../kling/client.ts';
import { Ledger } from './ledger.ts';
import { ledgerOneLine } from './ledger-report.ts';
import { ledgerFileFor } from './run-config.ts';

/**
 * Allure reporter settings derived from the run: environment info (base host, mode, ledger state, versions) and one category
 * per failure class. A failed row's message starts with its class in brackets, which is what the categories match.
 */
export function allureEnvironment(env: Record<string, string | undefined>, versions: Record<string, string>): Record<string, string> {
  const mode = env.HARNESS_MODE ?? 'replay';
  const base =
    mode === 'replay' ? 'none (replay from recordings)' : (URL.parse(env.KLING_BASE_URL ?? GLOBAL_BASE_URL)?.host ?? 'unreadable');
  const dirs = { recordingsDir: env.RECORDINGS_DIR ?? 'recordings', reportsDir: env.REPORTS_DIR ?? 'reports' };
  const ledgerFile = mode === 'live' || mode === 'rehearse' ? ledgerFileFor(mode, dirs) : undefined;
  const ledger =
    ledgerFile === undefined
      ? 'none (replay spends nothing)'
      : `${ledgerFile} at the start of the run: ${ledgerOneLine(new Ledger(ledgerFile))}`;
  return { mode, 'base host': base, ledger, node: process.version, ...versions };
}

export const allureCategories = FAILURE_CLASSES.map((name) => ({
  name,
  messageRegex: `.*\\[${name}\\].*`,
  matchedStatuses: ['failed', 'broken'],
}));
