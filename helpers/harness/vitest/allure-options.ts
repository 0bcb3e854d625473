import { FAILURE_CLASSES } from '../../kling/classifier.ts';
import { Ledger } from '../ledger/ledger.ts';
import { ledgerOneLine } from '../ledger/ledger-report.ts';
import { loadDotenvForLive } from '../config/load-env.ts';
import { parseRunConfig } from '../config/run-config.ts';

/**
 * Allure reporter settings derived from the run: environment info (target, mode, ledger state, versions) and one
 * category per failure class. A failed row's message starts with its class in brackets, which is what the
 * categories match. Read from the same configuration the run uses (with `.env`, as the run reads it), so the
 * report cannot name another host or ledger than the run's.
 */
export function allureEnvironment(env: Record<string, string | undefined>, versions: Record<string, string>): Record<string, string> {
  const settings = { ...env };
  loadDotenvForLive(settings);
  let config;
  try {
    config = parseRunConfig(settings);
  } catch {
    // The run itself refuses this configuration, before any request, and says why.
    return { mode: settings.HARNESS_MODE ?? 'replay', target: 'none: the run was refused', node: process.version, ...versions };
  }
  const target = config.mode === 'replay' ? 'none (replay from recordings)' : `${config.target.host} (${config.target.kind})`;
  const ledger =
    config.ledgerFile === undefined
      ? 'none (replay spends nothing)'
      : `${config.ledgerFile} at the start of the run: ${ledgerOneLine(new Ledger(config.ledgerFile))}`;
  return { mode: config.mode, target, ledger, node: process.version, ...versions };
}

export const allureCategories = FAILURE_CLASSES.map((name) => ({
  name,
  messageRegex: `.*\\[${name}\\].*`,
  matchedStatuses: ['failed', 'broken'],
}));
