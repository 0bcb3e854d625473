import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { KillersFirstSequencer } from './killers-first-sequencer.ts';

/**
 * The suites Stryker runs against each mutant (stryker.config.mjs): only those whose assertions run in this process.
 * A test that proves its point in a child process (a whole `vitest run`, a CLI, a SIGKILLed row) runs the code
 * without the mutant switched on, so it can only pass, costs seconds per mutant, and under Stryker's environment
 * some fail outright; its in-process counterparts (specs/harness/mutants-*.test.ts) make the same decisions
 * visible. A suite is left out as soon as it starts a process, so one added later needs no edit here.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const FOLDERS = ['specs/unit', 'specs/sandbox', 'specs/harness', 'specs/faults'];
const STARTS_A_PROCESS = /from '(node:)?child_process'|support\/child-run\.ts'/;

/** A headless browser and the report builder: minutes of work that reach none of the mutated modules. */
const UNRELATED = ['specs/harness/report-browser.test.ts', 'specs/harness/report.test.ts'];

const childProcessSuites = FOLDERS.flatMap((folder) =>
  readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => join(folder, file))
    .filter((file) => STARTS_A_PROCESS.test(readFileSync(join(root, file), 'utf8'))),
);

export default defineConfig({
  // The sandbox copy Stryker runs in, wherever it is: this file's parent folder.
  root,
  test: {
    include: FOLDERS.map((folder) => `${folder}/**/*.test.ts`),
    exclude: [...childProcessSuites, ...UNRELATED],
    // The same guard as every suite: no socket leaves loopback, mutant or not.
    setupFiles: ['allure-vitest/setup', 'specs/setup/loopback-only.ts'],
    // What `pnpm test` sets: the harness's own tests assume replay unless a test says otherwise.
    env: { HARNESS_MODE: 'replay' },
    // One module graph for all the files of a run: a mutant's run imports the harness once, not once per file.
    // Safe for Stryker: vitest ends the worker with each run, so the next mutant starts from fresh modules.
    isolate: false,
    sequence: { sequencer: KillersFirstSequencer },
  },
});
