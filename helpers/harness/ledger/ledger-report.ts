import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { conclusionsFromLedger, endState } from '../evidence/end-state.ts';
import { ageText } from '../evidence/evidence-age.ts';
import { Ledger, linesOf, type LedgerEntry, type RowEntryLine } from './ledger.ts';
import { describeSpend, spendOf } from './spend.ts';
import type { Registry } from '../rows/registry.ts';
import { lockFileFor, readHolder } from './run-lock.ts';

/**
 * The ledger read as a person needs it: per row, open / closed / pending, and the total spent. `pnpm ledger`
 * prints this; the round summary and the Allure environment carry it too.
 */

export interface RowStatusLine {
  row: string;
  status: string;
}

/** One line per row of the matrix that may create. */
export function rowStatuses(ledger: Ledger, registry: Registry, entries: readonly LedgerEntry[] = ledger.entries()): RowStatusLine[] {
  return registry.liveRows.map((r) => {
    const state = ledger.rowState(r.id, entries);
    const creates = describeCreates(linesOf(entries, r.id));
    switch (state.status) {
      case 'closed':
        return {
          row: r.id,
          status: `closed on ${state.closedAt.slice(0, 10)} (${ageText(state.closedAt)}), task ${state.taskId} (${creates})`,
        };
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

/** The rows the ledger holds closed, with the task that closed each and the day. */
export function closedRows(
  ledger: Ledger,
  registry: Registry,
  entries: readonly LedgerEntry[] = ledger.entries(),
): { row: string; taskId: string; on: string }[] {
  return registry.liveRows.flatMap((r) => {
    const state = ledger.rowState(r.id, entries);
    return state.status === 'closed' ? [{ row: r.id, taskId: state.taskId, on: state.closedAt.slice(0, 10) }] : [];
  });
}

/**
 * "2 creates sent (1 refused); 1 never left (ECONNREFUSED at 127.0.0.1:9)": a request that never reached a server
 * is not a create sent, and a refusal (a 401, a 1201) made no task: it is an attempt, not spend.
 */
function describeCreates(lines: readonly RowEntryLine[]): string {
  const intents = lines.filter((e) => e.stage === 'intent').length;
  const notSent = lines.filter(
    (e): e is Extract<RowEntryLine, { stage: 'terminal' }> => e.stage === 'terminal' && e.outcome === 'not-sent',
  );
  const refused = lines.filter((e) => e.stage === 'terminal' && e.outcome === 'refused').length;
  const sent = intents - notSent.length;
  const parts = [`${sent} create${sent === 1 ? '' : 's'} sent${refused > 0 ? ` (${refused} refused)` : ''}`];
  if (notSent.length > 0) parts.push(`${notSent.length} never left (${notSent.map((e) => e.reason ?? 'not sent').join('; ')})`);
  return parts.join('; ');
}

/** Rows the ledger holds lines for that the registry no longer lists as creating: shown, never dropped. */
function unlistedRows(entries: readonly LedgerEntry[], registry: Registry): string[] {
  const listed = new Set(registry.liveRows.map((r) => r.id));
  const counts = new Map<string, number>();
  for (const e of entries) if (e.stage !== 'account-override' && !listed.has(e.row)) counts.set(e.row, (counts.get(e.row) ?? 0) + 1);
  return [...counts].map(
    ([row, n]) => `  ${row}: not a row that creates in this registry (${n} ledger line(s); any spend is in the total below)`,
  );
}

/** Who holds the ledger's lock: this very process (the run printing it) is not "someone else". */
function lockLine(holder: NonNullable<ReturnType<typeof readHolder>>): string {
  return holder.pid === process.pid && holder.host === hostname()
    ? `  locked by this run (round ${holder.round}) until it ends`
    : `  locked by another run: pid ${holder.pid} on ${holder.host}, round ${holder.round}, since ${holder.since}`;
}

export function ledgerStatusLines(ledger: Ledger, registry: Registry): string[] {
  if (!existsSync(ledger.file)) return [`Ledger ${ledger.file}: empty (nothing spent, every row open)`];
  const holder = readHolder(lockFileFor(ledger.file));
  // Read once: every line below is about the same entries.
  const entries = ledger.entries();
  return [
    `Ledger ${ledger.file}:`,
    ...rowStatuses(ledger, registry, entries).map((s) => `  ${s.row}: ${s.status}`),
    ...unlistedRows(entries, registry),
    `  spent: ${describeSpend(spendOf(entries))} (sum of final_unit_deduction)`,
    `  end state: ${endState(registry.decisiveRows, conclusionsFromLedger(ledger, registry.decisiveRows, entries))}`,
    ...(holder ? [lockLine(holder)] : []),
  ];
}

/** One line for the Allure environment panel. */
export function ledgerOneLine(ledger: Ledger, registry: Registry): string {
  if (!existsSync(ledger.file)) return 'empty: every row open';
  try {
    return `${rowStatuses(ledger, registry)
      .map((s) => `${s.row} ${s.status.split(' (')[0] ?? ''}`)
      .join('; ')}; spent ${describeSpend(spendOf(ledger.entries()))}`;
  } catch (error) {
    return `unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
}
