/**
 * What every benchmark figure shares: the run count (`--quick` runs each measurement once, for CI), the Figure
 * record the table and reports/bench.json show, and the median that turns several runs into one figure.
 */

export const quick = process.argv.includes('--quick');
export const RUNS = quick ? 1 : 3;

export interface Figure {
  id: number;
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
  detail: Record<string, number | string>;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
