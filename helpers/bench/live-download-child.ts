import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { runBenchRow } from './bench-row.ts';
import { downloadLine } from './download-line.ts';

/**
 * The benchmark's row once, in rehearse mode (the live code path), against the sandbox the parent runs
 * (BENCH_SANDBOX_URL and its demo keys), in a process of its own so its memory is the runner's alone. Prints the
 * download step's time, the result's size, and the process's memory at its start, when the download began, and
 * at its peak during the download.
 */

/** Linux keeps the peak RSS as VmHWM; writing 5 to clear_refs resets it, so it then holds the download's peak alone. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
const peakFromKernel = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'NaN') * 1024;

const url = process.env.BENCH_SANDBOX_URL;
const accessKey = process.env.BENCH_ACCESS_KEY;
const secretKey = process.env.BENCH_SECRET_KEY;
if (!url || !accessKey || !secretKey) throw new Error('BENCH_SANDBOX_URL, BENCH_ACCESS_KEY and BENCH_SECRET_KEY are required');
const rssCold = process.memoryUsage().rss;
const peak = { reset: false };
// Where the kernel cannot reset its peak, maxRSS (the whole process's) stands in: an upper bound.
const run = await runBenchRow(url, { accessKey, secretKey }, 0.01, (step) => {
  if (step === 'download') peak.reset = resetPeak();
});
const download = run.steps.find((s) => s.name === 'download');
if (download === undefined) throw new Error('the row downloaded nothing');
const bytes = run.outcome.status === 'done' ? (run.outcome.evidence.download?.bytes ?? 0) : 0;
console.log(
  downloadLine({
    ms: download.end - download.start,
    bytes,
    rssCold,
    rssBefore: download.rssAtStart,
    peakRss: peak.reset ? peakFromKernel() : process.resourceUsage().maxRSS * 1024,
  }),
);
rmSync(run.root, { recursive: true, force: true });
