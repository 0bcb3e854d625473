/**
 * A row run in its own process, so a test can kill it with SIGKILL at a chosen moment and then run the row
 * again (the crash scenarios of the spend ledger), or measure the memory the run alone takes. Configured entirely
 * by environment (the mode, the sandbox URL and credentials, REPORTS_DIR or RECORDINGS_DIR, ROUND_ID); prints
 * the outcome and the run's peak RSS growth as one JSON line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { memorySink } from '../../helpers/harness/evidence/evidence-sink.ts';
import { RoundJournal, roundAt } from '../../helpers/harness/evidence/round.ts';
import { parseRunConfig } from '../../helpers/harness/config/run-config.ts';
import { runRow } from '../../helpers/harness/rows/runner.ts';
import { ledgerTestRegistry, ledgerTestRow } from './ledger-rows.ts';

/** Linux keeps the peak RSS as VmHWM; writing 5 to clear_refs resets it, so it then holds this run's peak alone. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
const peakFromKernel = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'NaN') * 1024;

const config = parseRunConfig(process.env, ledgerTestRegistry);
const round = roundAt(config.reportsDir, config.roundId ?? 'child-round');
const kernel = resetPeak();
const baseline = process.memoryUsage.rss();
let sampled = baseline;
const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss())), 10);
const outcome = await runRow(ledgerTestRow, {
  config,
  round,
  journal: new RoundJournal(round),
  sink: memorySink(),
  pollSchedule: { initialDelayMs: 50, maxDelayMs: 50 },
  log: (line) => console.error(line),
  // The ledger's crash point: the process dies with the intent on disk and the create never sent.
  ...(process.env.HARNESS_FAILPOINT === 'after-intent' ? { afterIntent: () => process.kill(process.pid, 'SIGKILL') } : {}),
});
clearInterval(sampler);
const peak = kernel ? Math.max(peakFromKernel(), sampled) : sampled;
const result = outcome.status === 'done' ? { status: 'done', classification: outcome.evidence.classification } : outcome;
console.log(JSON.stringify({ ...result, peakRssGrowthBytes: peak - baseline }));
