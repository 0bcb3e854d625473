import { join } from 'node:path';
import { FAILURE_CLASSES } from '../kling/classifier.ts';
import { Ledger } from './ledger.ts';
import { ledgerOneLine } from './ledger-report.ts';
import { LIVE_LEDGER } from './run-config.ts';

/**
 * Allure reporter settings derived from the run: environment info (base host, mode, ledger state, versions) and one category
 * per failure class. A failed row's message starts with its class in brackets, which is what the categories match.
 */
export function allureEnvironment(env: Record<string, string | undefined>, versions: Record<string, string>): Record<string, string> {
  const mode = env.HARNESS_MODE ?? 'replay';
  const base =
    mode === 'replay' ? 'none (replay from recordings)' : new URL(env.KLING_BASE_URL ?? 'https://api-singapore.klingai.com').host;
  const ledgerFile =
    env.LEDGER_FILE ??
    (mode === 'live' ? LIVE_LEDGER : mode === 'rehearse' ? join(env.REPORTS_DIR ?? 'reports', 'rehearsal', 'ledger.jsonl') : undefined);
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
