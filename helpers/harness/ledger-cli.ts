import { Ledger } from './ledger.ts';
import { ledgerStatusLines } from './ledger-report.ts';
import { LIVE_LEDGER } from './run-config.ts';

/** `pnpm ledger`: what has been spent and what is still open, per row (LEDGER_FILE picks another ledger). */
try {
  console.log(ledgerStatusLines(new Ledger(process.env.LEDGER_FILE ?? LIVE_LEDGER)).join('\n'));
} catch (error) {
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
