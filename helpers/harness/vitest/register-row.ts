import { describe, expect, inject, test } from 'vitest';
import { allureSink } from '../evidence/evidence-sink.ts';
import { RoundJournal } from '../evidence/round.ts';
import { loadRegistry, RegistryError } from '../rows/registry.ts';
import { runRow } from '../rows/runner.ts';
import { scrubbedMessage } from '../sinks/scrubber.ts';
import { forTerminal } from '../sinks/terminal.ts';

/**
 * The rows project's setup file: registers the running row spec (a file of data, `export default row({...})`)
 * as one test. The row comes from the registry, the configuration from the global setup, which derived it once.
 * How a row maps to a test status (the verdict itself is in the title and the `verdict:` tag):
 * - replay: passed when the cassette reproduced its recorded verdict; failed on any drift;
 * - live/rehearse: passed when the row got a conclusive answer; failed, with the class in brackets, when it did
 *   not; skipped, with the reason, when it was not approved, is replay-only, or the round had stopped;
 * - any mode: broken, "[harness-error]", when the harness itself threw.
 */

/**
 * A row's inconclusive answer as a failed check: named as an assertion (Allure reads the name: "failed", not
 * "broken"), with no stack, so vitest prints the one line and no code frame of this file, which is not the problem.
 */
function failRow(message: string): never {
  const error = new Error(message);
  error.name = 'AssertionError';
  error.stack = `${error.name}: ${message}`;
  throw error;
}

const file = expect.getState().testPath;
if (file === undefined) throw new RegistryError('register-row.ts runs as a setup file of the rows project only');
const row = (await loadRegistry()).byFile(file);
if (row === undefined) throw new RegistryError(`${file} is not a row of the registry (${process.env.ROWS_DIR || 'specs/rows'})`);
const config = inject('config');

describe(`Row ${row.id} | ${row.title}`, () => {
  test(
    `${row.id}: ${row.purpose}`,
    async (ctx) => {
      const round = inject('round');
      let outcome;
      try {
        outcome = await runRow(row, { config, round, journal: new RoundJournal(round), sink: allureSink });
      } catch (error) {
        // What vitest prints and the report records: a plain error, its text scrubbed and made one safe line,
        // carrying none of the fields (a server's message, a request id) the original held. A thrown error is
        // the harness's own failure: "broken" in the report, under the harness-error category.
        throw new Error(forTerminal(`[harness-error] row ${row.id}: ${scrubbedMessage(error)}`));
      }
      if (outcome.status === 'skipped') {
        ctx.skip(forTerminal(outcome.reason));
        return;
      }
      const { evidence } = outcome;
      if (config.mode !== 'replay' && !evidence.conclusive) {
        // An answer that does not conclude the row is a failed check, not a broken harness: "failed" in the
        // report, under its class's category (allure-options.ts).
        failRow(
          forTerminal(`[${evidence.classification}] row ${row.id}: ${evidence.reason}${evidence.advice ? ` — ${evidence.advice}` : ''}`),
        );
      }
    },
    config.mode === 'replay' ? 30_000 : 20 * 60_000,
  );
});
