import { Ledger } from '../ledger/ledger.ts';
import { ledgerStatusLines } from '../ledger/ledger-report.ts';
import { COMMITTED_LEDGER } from '../config/run-target.ts';
import { loadRegistry } from '../rows/registry.ts';
import { complain, sayLines } from '../sinks/terminal.ts';

/** `pnpm ledger`: what has been spent and what is still open, per row (LEDGER_FILE picks another ledger). */
try {
  const file = process.env.LEDGER_FILE ?? COMMITTED_LEDGER;
  sayLines(ledgerStatusLines(new Ledger(file), await loadRegistry()));
} catch (error) {
  complain(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
