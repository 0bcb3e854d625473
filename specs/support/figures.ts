import { appendJsonLine } from '../../helpers/harness/sinks/scrubbed-files.ts';

/**
 * The fault suite's figures (scenarios run, hostile cases, double creates, secret hits, bad inputs tried, peak
 * memory), appended by each test and printed by the faults project's teardown (fault-figures-setup.ts).
 */
export type Figure =
  | { kind: 'scenario'; name: string; creates: number; doubleCreates: number }
  | { kind: 'hostile'; name: string; creates: number; doubleCreates: number; filesScanned: number; hits: number }
  | { kind: 'bad-input'; name: string; creates: number }
  | { kind: 'secret-scan'; name: string; filesScanned: number; hits: number }
  | { kind: 'peak-rss'; name: string; resultMb: number; growthMb: number };

// Beside the run's reports, so a suite run nested in a test (with its own REPORTS_DIR) keeps figures of its own.
export const FIGURES_FILE = process.env.FAULT_FIGURES_FILE ?? `${process.env.REPORTS_DIR || 'reports'}/faults/figures.jsonl`;

export function recordFigure(figure: Figure): void {
  appendJsonLine(FIGURES_FILE, figure);
}
