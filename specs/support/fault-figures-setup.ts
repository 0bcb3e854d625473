import { rmSync } from 'node:fs';
import { jsonLines } from '../../helpers/harness/sinks/scrubbed-files.ts';
import type { Figure } from './figures.ts';
import { FIGURES_FILE } from './figures.ts';

/**
 * The faults project's global setup: starts the figures afresh, and after the last test prints what
 * `pnpm test:faults` promises: scenarios and hostile cases run, double creates (must be 0), secret hits (must be
 * 0), bad inputs tried, and the peak memory of the largest download.
 */
export default function setup(): () => void {
  rmSync(FIGURES_FILE, { force: true });
  return () => {
    const figures = jsonLines(FIGURES_FILE).map((l) => JSON.parse(l.text) as Figure);
    if (figures.length === 0) return;
    const of = <K extends Figure['kind']>(kind: K) => figures.filter((f): f is Extract<Figure, { kind: K }> => f.kind === kind);
    const total = (values: number[]) => values.reduce((n, v) => n + v, 0);
    const doubles = total([...of('scenario'), ...of('hostile')].map((f) => f.doubleCreates));
    const scans = [...of('secret-scan'), ...of('hostile')];
    const rss = of('peak-rss').map((f) => `${f.resultMb} MB result: +${f.growthMb} MB`);
    console.log(
      [
        '',
        'Fault suite figures',
        `  scenarios run:       ${of('scenario').length}`,
        `  hostile cases tried: ${of('hostile').length}`,
        `  double creates:      ${doubles} (must be 0)`,
        `  secret hits:         ${total(scans.map((f) => f.hits))} in ${total(scans.map((f) => f.filesScanned))} files and outputs scanned, reports decoded (must be 0)`,
        `  bad inputs tried:    ${of('bad-input').length}`,
        ...(rss.length > 0 ? [`  peak RSS growth:     ${rss.join('; ')} (must be <= 64 MB)`] : []),
      ].join('\n'),
    );
  };
}
