import { mkdirSync, writeFileSync } from 'node:fs';
import { vitestMs } from './child-runs.ts';
import { downloadFigure } from './download-figure.ts';
import { RUNS, quick } from './figure.ts';
import { recordingSize } from './recording-size.ts';
import { refusalTime, replayCost } from './suite-figures.ts';
import { timeToVerdict } from './time-to-verdict.ts';

/**
 * `pnpm bench` (`--quick` for CI): the harness's speed and memory figures, each the median of several runs,
 * each comparison measured in the same run. Prints a table and writes reports/bench.json. Not a pass/fail gate.
 */

const floor = await vitestMs('floor', { HARNESS_MODE: 'replay' });
const figures = [await replayCost(floor), await timeToVerdict(), await downloadFigure(), recordingSize(), await refusalTime(floor)];
figures.sort((a, b) => a.id - b.id);

const rows = figures.map((f) => [String(f.id), f.figure, f.measured, f.target, f.met === null ? 'n/a' : f.met ? 'met' : 'MISSED']);
const widths = [0, 1, 2, 3, 4].map((c) =>
  Math.max(...[['#', 'Figure', 'Measured', 'Target', ''], ...rows].map((r) => (r[c] ?? '').length)),
);
const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
console.log(`\nBenchmark (${quick ? 'quick: 1 run each, smaller download' : `median of ${RUNS} runs`})`);
console.log(line(['#', 'Figure', 'Measured', 'Target', '']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench.json', `${JSON.stringify({ quick, runs: RUNS, at: new Date().toISOString(), figures }, null, 2)}\n`);
console.log('\nWritten to reports/bench.json');
