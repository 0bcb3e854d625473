import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { downloadFigure } from './download-figure.ts';
import { RUNS, quick } from './figure.ts';
import { recordingSize } from './recording-size.ts';
import { refusalTime, replayCost, suiteTimes } from './suite-figures.ts';
import { liveDownload } from './live-download.ts';
import { firstFrameCost } from './first-frame-figure.ts';
import { pollLag } from './poll-lag.ts';
import { succeedToVerdict } from './succeed-to-verdict.ts';

/**
 * `pnpm bench` (`--quick` for CI): the harness's speed and memory figures, each the median of several runs,
 * each comparison measured in the same run. Prints a table and writes reports/bench.json. Not a pass/fail gate.
 * The machine's load average before and after is kept with the figures: they mean little on a busy machine.
 */

const loadBefore = loadavg()[0] ?? 0;
const suites = await suiteTimes();
const figures = [
  replayCost(suites),
  await pollLag(),
  await succeedToVerdict(),
  await downloadFigure(),
  await liveDownload(),
  await firstFrameCost(),
  recordingSize(),
  refusalTime(suites),
];
figures.sort((a, b) => a.id - b.id);

const rows = figures.map((f) => [String(f.id), f.figure, f.measured, f.target, f.met === null ? 'n/a' : f.met ? 'met' : 'MISSED']);
const widths = [0, 1, 2, 3, 4].map((c) =>
  Math.max(...[['#', 'Figure', 'Measured', 'Target', ''], ...rows].map((r) => (r[c] ?? '').length)),
);
const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
const load = { before: Number(loadBefore.toFixed(2)), after: Number((loadavg()[0] ?? 0).toFixed(2)) };
console.log(
  `\nBenchmark (${quick ? 'quick: 1 run each, smaller results' : `median of ${RUNS} runs`}; load average ${load.before} before, ${load.after} after)`,
);
console.log(line(['#', 'Figure', 'Measured', 'Target', '']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench.json', `${JSON.stringify({ quick, runs: RUNS, at: new Date().toISOString(), load, figures }, null, 2)}\n`);
console.log('\nWritten to reports/bench.json');
