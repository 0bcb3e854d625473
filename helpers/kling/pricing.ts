import type { Family } from './families.ts';

/**
 * What one create may cost, in resource-pack units, per family, model, mode and duration: the most a row may
 * deduct, which `pnpm plan` shows as its exposure. Every figure cites where it was read. Kling's own per-create
 * unit prices are not in docs/kling-api.md (which records only that a task reports `final_unit_deduction`, §5),
 * so the table is empty and every exposure is unknown until a figure with a source is added here: an unknown
 * price is said, never guessed.
 */
export interface Price {
  family: Family;
  /** The model sent; `omitted` for a body without `model_name` (the server's default then applies). */
  model: string;
  mode: 'std' | 'pro';
  /** Seconds, as the body sends them. */
  duration: string;
  units: number;
  /** Where the figure was read: a section of docs/kling-api.md, or a live task (round, task id, date). */
  source: string;
}

export const PRICES: readonly Price[] = [];

export interface PriceKey {
  family: Family;
  model: string;
  mode: string;
  duration: string;
}

export function priceOf(key: PriceKey, table: readonly Price[] = PRICES): Price | undefined {
  return table.find((p) => p.family === key.family && p.model === key.model && p.mode === key.mode && p.duration === key.duration);
}

/** `kling-v3-omni std 5 s`, `model omitted std 5 s`. */
export function describePriceKey(key: PriceKey): string {
  return `${key.family} ${key.model === 'omitted' ? 'model omitted' : key.model} ${key.mode} ${key.duration} s`;
}
