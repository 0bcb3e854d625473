/**
 * A row run in its own process, so a test can kill it with SIGKILL at a chosen moment and then run the row
 * again: the crash scenarios of the spend ledger. Configured entirely by environment (rehearse mode, the
 * sandbox URL and credentials, LEDGER_FILE, ROUND_ID); prints the outcome as one JSON line.
 */
import { memorySink } from '../../helpers/harness/evidence-sink.ts';
import { RoundJournal, roundAt } from '../../helpers/harness/round.ts';
import { parseRunConfig } from '../../helpers/harness/run-config.ts';
import { runRow } from '../../helpers/harness/runner.ts';
import { ledgerTestRow } from './ledger-rows.ts';

const config = parseRunConfig(process.env);
const round = roundAt(config.reportsDir, process.env.ROUND_ID ?? 'child-round');
const outcome = await runRow(ledgerTestRow, {
  config,
  round,
  journal: new RoundJournal(round),
  sink: memorySink(),
  pollSchedule: { initialDelayMs: 50, maxDelayMs: 50 },
  log: (line) => console.error(line),
});
console.log(JSON.stringify(outcome.status === 'done' ? { status: 'done', classification: outcome.evidence.classification } : outcome));
