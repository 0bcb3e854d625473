import { rmSync } from 'node:fs';
import { jsonLines } from './jsonl.ts';

/**
 * The faults project's global setup: starts the figures afresh, and after the last test prints what
 * `pnpm test:faults` promises: scenarios run, double creates (must be 0), secret hits (must be 0), bad inputs.
 */
const FILE = process.env.FAULT_FIGURES_FILE ?? 'reports/faults/figures.jsonl';

interface FigureLine {
  kind: string;
  doubleCreates?: number;
  hits?: number;
  filesScanned?: number;
}

export default function setup(): () => void {
  rmSync(FILE, { force: true });
  return () => {
    const figures = jsonLines(FILE).map((l) => JSON.parse(l.text) as FigureLine);
    if (figures.length === 0) return;
    const of = (kind: string) => figures.filter((f) => f.kind === kind);
    const sum = (list: FigureLine[], key: 'doubleCreates' | 'hits' | 'filesScanned') => list.reduce((n, f) => n + (f[key] ?? 0), 0);
    console.log(
      [
        '',
        'Fault suite figures',
        `  scenarios run:    ${of('scenario').length}`,
        `  double creates:   ${sum(of('scenario'), 'doubleCreates')} (must be 0)`,
        `  secret hits:      ${sum(of('secret-scan'), 'hits')} in ${sum(of('secret-scan'), 'filesScanned')} files and outputs scanned (must be 0)`,
        `  bad inputs tried: ${of('bad-input').length}`,
      ].join('\n'),
    );
  };
}
