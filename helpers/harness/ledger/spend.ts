import { linesOf, type LedgerEntry } from './ledger.ts';
import type { RowId } from '../rows/row.ts';

/**
 * What the ledger's tasks spent (promises §13): the sum of every readable final_unit_deduction, and every task
 * whose spend is not known — no deduction, an unreadable one, a task still pending, or one given up by a reopen —
 * named, never counted as zero. Spend outside the unit packs (final_balance_deduction) is added up beside it.
 */

/** A deduction is a non-negative decimal number as the API writes it ("1", "3.5"); anything else is not a number of units. */
export function parseDeduction(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

export interface Deduction {
  row: RowId;
  taskId: string | undefined;
  value: string | undefined;
  /** Why there is no value to read, when the task has not ended (it is pending, or a reopen gave it up). */
  open?: 'pending' | 'given up';
  balance?: { quota?: string | undefined; listPrice?: string | undefined } | undefined;
}

export interface Spend {
  /** The sum of every readable final_unit_deduction. */
  units: number;
  /** Tasks whose deduction is missing or unreadable, or that have not ended: their spend is unknown, never zero. */
  unknown: Deduction[];
  /** final_balance_deduction, added up, with the number of tasks that reported one. */
  balance: { quota: number; listPrice: number; tasks: number };
}

/** The deductions of tasks that existed, added up. */
export function addUp(deductions: readonly Deduction[]): Spend {
  const spend: Spend = { units: 0, unknown: [], balance: { quota: 0, listPrice: 0, tasks: 0 } };
  for (const d of deductions) {
    const units = d.open === undefined ? parseDeduction(d.value) : undefined;
    if (units === undefined) spend.unknown.push(d);
    else spend.units += units;
    if (d.balance !== undefined) {
      spend.balance.tasks += 1;
      spend.balance.quota += parseDeduction(d.balance.quota) ?? 0;
      spend.balance.listPrice += parseDeduction(d.balance.listPrice) ?? 0;
    }
  }
  return spend;
}

/** Every task the ledger knows of, per row: ended with its deduction, or still open. */
export function spendOf(entries: readonly LedgerEntry[]): Spend {
  const rows = [...new Set(entries.flatMap((e) => (e.stage === 'account-override' ? [] : [e.row])))];
  const deductions: Deduction[] = [];
  for (const row of rows) {
    let open: { taskId: string | undefined } | undefined;
    for (const e of linesOf(entries, row)) {
      if (e.stage === 'intent') open = { taskId: undefined };
      else if (e.stage === 'created') open = { taskId: e.taskId };
      else if (e.stage === 'reopened' && open !== undefined) {
        deductions.push({ row, taskId: open.taskId, value: undefined, open: 'given up' });
        open = undefined;
      } else if (e.stage === 'terminal') {
        open = undefined;
        if (e.outcome === 'succeed' || e.outcome === 'failed') {
          deductions.push({ row, taskId: e.taskId, value: e.finalUnitDeduction, balance: e.finalBalanceDeduction });
        }
      }
    }
    if (open !== undefined) deductions.push({ row, taskId: open.taskId, value: undefined, open: 'pending' });
  }
  return addUp(deductions);
}

function why(d: Deduction): string {
  const task = d.taskId === undefined ? 'a create whose outcome is unknown' : `task ${d.taskId}`;
  if (d.open === 'pending') return `${task} has not ended`;
  if (d.open === 'given up') return `${task} was given up by a reopen`;
  return d.value === undefined ? 'no final_unit_deduction' : `unreadable final_unit_deduction '${d.value}'`;
}

/** "1 unit", "0 units", "3.5 units". */
export function unitsText(units: number): string {
  return `${units} unit${units === 1 ? '' : 's'}`;
}

/** "4 units" or "4 units, and unknown for 1 task (row B: no final_unit_deduction)", and any balance spend. */
export function describeSpend(spend: Spend): string {
  const known = unitsText(spend.units);
  const unknown =
    spend.unknown.length === 0
      ? ''
      : `, and unknown for ${spend.unknown.length} task${spend.unknown.length === 1 ? '' : 's'} (${spend.unknown.map((u) => `row ${u.row}: ${why(u)}`).join('; ')})`;
  const { balance } = spend;
  const outside =
    balance.tasks === 0
      ? ''
      : `; outside the packs: quota ${balance.quota}, list price ${balance.listPrice} (${balance.tasks} task${balance.tasks === 1 ? '' : 's'})`;
  return `${known}${unknown}${outside}`;
}
