import { Ledger } from './ledger.ts';
import { ledgerStatusLines } from './ledger-report.ts';
import { ledgerFileFor } from './run-config.ts';
import { complain, say } from './terminal.ts';

/** `pnpm ledger`: what has been spent and what is still open, per row (LEDGER_FILE picks another ledger). */
try {
  const file = process.env.LEDGER_FILE ?? ledgerFileFor('live', { recordingsDir: 'recordings', reportsDir: 'reports' });
  say(ledgerStatusLines(new Ledger(file)).join('\n'));
} catch (error) {
  complain(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
