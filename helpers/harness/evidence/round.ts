import { join } from 'node:path';
import { z } from 'zod';
import { checkFormat, parseJson } from '../sinks/json-file.ts';
import { appendJsonLine, jsonLines } from '../sinks/scrubbed-files.ts';
import type { Mode } from '../config/run-config.ts';
import { rowIdSchema, type RowId } from '../rows/row.ts';

/**
 * One run of the matrix is a round: an id, a folder under reports/rounds/, and a journal every row of the run
 * shares (rows run as separate test files, so the journal is on disk). It carries the seed's "stop the round"
 * condition; what was spent is the ledger's business (ledger.ts).
 */

export interface Round {
  id: string;
  dir: string;
}

export interface JournalEvent {
  type: 'stop';
  row: RowId;
  reason: string;
  at: string;
}

const journalEventSchema = z.object({
  type: z.literal('stop'),
  row: rowIdSchema,
  reason: z.string(),
  at: z.string(),
}) satisfies z.ZodType<JournalEvent>;

/** `rehearse-20261124-034812`: sortable, says the mode, safe in a file name and an external_task_id. */
export function newRoundId(mode: Mode, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${mode}-${stamp}`;
}

export function roundAt(reportsDir: string, id: string): Round {
  return { id, dir: join(reportsDir, 'rounds', id) };
}

/** Where a round's Allure results go: its rows' results (round-allure-reporter.ts) and its settings and globals. */
export function roundResultsDir(round: Round): string {
  return join(round.dir, 'allure-results');
}

/** The external_task_id a row's create carries: unique per row and round, so the task can be found again. */
export function externalTaskIdFor(round: Round, row: RowId): string {
  return `${round.id}-${row}`;
}

export class RoundJournal {
  private readonly file: string;

  constructor(round: Round) {
    this.file = join(round.dir, 'journal.jsonl');
  }

  append(event: JournalEvent): void {
    appendJsonLine(this.file, event);
  }

  /**
   * The seed's stop condition (the journal holds nothing else): an environment failure stops the round. Only the
   * first line decides; a FormatError names the file and the line when it is not a journal event.
   */
  stopped(): JournalEvent | undefined {
    const first = jsonLines(this.file)[0];
    if (first === undefined) return undefined;
    const where = `${this.file} line ${first.line}`;
    return checkFormat(where, journalEventSchema, parseJson(where, first.text));
  }
}
