import { existsSync } from 'node:fs';
import { describeSpend, Ledger, spendOf } from './ledger.ts';
import { ROWS } from './rows.ts';
import { lockFileFor, readHolder } from './run-lock.ts';

/**
 * The ledger read as a person needs it: per row, open / closed / pending, and the total spent. `pnpm ledger`
 * prints this; the round summary and the Allure environment carry it too.
 */

export interface RowStatusLine {
  row: string;
  status: string;
}

export function rowStatuses(ledger: Ledger): RowStatusLine[] {
  const entries = ledger.entries();
  return ROWS.filter((r) => r.liveAllowed).map((r) => {
    const state = ledger.rowState(r.id, entries);
    const intents = entries.filter((e) => e.row === r.id && e.stage === 'intent').length;
    const creates = `${intents} create${intents === 1 ? '' : 's'} sent`;
    switch (state.status) {
      case 'closed':
        return { row: r.id, status: `closed on ${state.closedAt.slice(0, 10)}, task ${state.taskId} (${creates})` };
      case 'pending':
        return {
          row: r.id,
          status:
            state.taskId === undefined
              ? `pending: outcome unknown for external_task_id ${state.externalTaskId}; the next run looks it up (${creates})`
              : `pending: task ${state.taskId} not finished; the next run resumes it (${creates})`,
        };
      case 'open':
        return { row: r.id, status: `open (${creates})` };
    }
  });
}

export function ledgerStatusLines(ledger: Ledger): string[] {
  if (!existsSync(ledger.file)) return [`Ledger ${ledger.file}: empty (nothing spent, every row open)`];
  const holder = readHolder(lockFileFor(ledger.file));
  return [
    `Ledger ${ledger.file}:`,
    ...rowStatuses(ledger).map((s) => `  ${s.row}: ${s.status}`),
    `  spent: ${describeSpend(spendOf(ledger.entries()))} (sum of final_unit_deduction)`,
    ...(holder ? [`  locked by pid ${holder.pid} on ${holder.host}, round ${holder.round}, since ${holder.since}`] : []),
  ];
}

/** One line for the Allure environment panel. */
export function ledgerOneLine(ledger: Ledger): string {
  if (!existsSync(ledger.file)) return 'empty: every row open';
  try {
    return `${rowStatuses(ledger)
      .map((s) => `${s.row} ${s.status.split(' (')[0] ?? ''}`)
      .join('; ')}; spent ${describeSpend(spendOf(ledger.entries()))}`;
  } catch (error) {
    return `unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
}
