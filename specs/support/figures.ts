import { appendJsonLine } from '../../helpers/harness/jsonl.ts';

/**
 * The fault suite's figures (scenarios run, double creates, secret hits, bad inputs tried), appended by each test
 * and printed by the faults project's teardown.
 */
export type Figure =
  | { kind: 'scenario'; name: string; creates: number; doubleCreates: number }
  | { kind: 'bad-input'; name: string; creates: number }
  | { kind: 'secret-scan'; name: string; filesScanned: number; hits: number };

export const FIGURES_FILE = process.env.FAULT_FIGURES_FILE ?? 'reports/faults/figures.jsonl';

export function recordFigure(figure: Figure): void {
  appendJsonLine(FIGURES_FILE, figure);
}
