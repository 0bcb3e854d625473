import { describe, inject, test } from 'vitest';
import { allureSink } from './evidence-sink.ts';
import { loadDotenvForLive } from './load-env.ts';
import { RoundJournal } from './round.ts';
import type { RowSpec } from './row-spec.ts';
import { rowEntry } from './rows.ts';
import { parseRunConfig } from './run-config.ts';
import { runRow } from './runner.ts';

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
        const outcome = await runRow(spec, { config, round, journal: new RoundJournal(round), sink: allureSink });
        if (outcome.status === 'skipped') {
          ctx.skip(outcome.reason);
          return;
        }
        const { evidence } = outcome;
        if (config.mode !== 'replay' && !evidence.conclusive) {
          throw new Error(
            `[${evidence.classification}] row ${entry.id}: ${evidence.reason}${evidence.advice ? ` — ${evidence.advice}` : ''}`,
          );
        }
      },
      config.mode === 'replay' ? 30_000 : 20 * 60_000,
    );
  });
}
