import { describe, inject, test } from 'vitest';
import { allureSink } from '../evidence/evidence-sink.ts';
import { loadDotenvForLive } from '../config/load-env.ts';
import { RoundJournal } from '../evidence/round.ts';
import type { RowSpec } from '../rows/row-spec.ts';
import { rowEntry } from '../rows/rows.ts';
import { parseRunConfig } from '../config/run-config.ts';
import { runRow } from '../rows/runner.ts';
import { scrubbedMessage } from '../sinks/scrubber.ts';
import { forTerminal } from '../sinks/terminal.ts';

/**
 * Registers a row spec as one test. How a row maps to a test status (the verdict itself is in the title and the
 * `verdict:` tag):
 * - replay: passed when the cassette reproduced its recorded verdict; failed on any drift;
 * - live/rehearse: passed when the row got a conclusive answer; failed, with the class in brackets, when it did
 *   not; skipped, with the reason, when it was not approved, is replay-only, or the round had stopped.
 */
export function defineRow(spec: RowSpec): void {
  // Outside vitest (a tool importing a spec for its data, e.g. the transcription) there is nothing to register.
  if (process.env.VITEST === undefined) return;
  const entry = rowEntry(spec.row);
  loadDotenvForLive();
  const config = parseRunConfig(process.env);
  describe(`Row ${entry.id} | ${entry.title}`, () => {
    test(
      `${entry.id}: ${spec.purpose}`,
      async (ctx) => {
        const round = inject('round');
        let outcome;
        try {
          outcome = await runRow(spec, { config, round, journal: new RoundJournal(round), sink: allureSink });
        } catch (error) {
          // What vitest prints and the report records: a plain error, its text scrubbed and made one safe line,
          // carrying none of the fields (a server's message, a request id) the original held.
          throw new Error(forTerminal(scrubbedMessage(error)));
        }
        if (outcome.status === 'skipped') {
          ctx.skip(forTerminal(outcome.reason));
          return;
        }
        const { evidence } = outcome;
        if (config.mode !== 'replay' && !evidence.conclusive) {
          throw new Error(
            forTerminal(
              `[${evidence.classification}] row ${entry.id}: ${evidence.reason}${evidence.advice ? ` — ${evidence.advice}` : ''}`,
            ),
          );
        }
      },
      config.mode === 'replay' ? 30_000 : 20 * 60_000,
    );
  });
}
