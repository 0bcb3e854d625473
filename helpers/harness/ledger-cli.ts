import { Ledger } from './ledger.ts';
import { ledgerStatusLines } from './ledger-report.ts';
import { COMMITTED_LEDGER } from './run-target.ts';
import { complain, say } from './terminal.ts';

/** `pnpm ledger`: what has been spent and what is still open, per row (LEDGER_FILE picks another ledger). */
try {
  const file = process.env.LEDGER_FILE ?? COMMITTED_LEDGER;
  say(ledgerStatusLines(new Ledger(file)).join('\n'));
} catch (error) {
  complain(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
