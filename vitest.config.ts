import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { allureCategories, allureEnvironment } from './helpers/harness/vitest/allure-options.ts';
import { RowOrderSequencer } from './helpers/harness/vitest/row-order-sequencer.ts';

const require = createRequire(import.meta.url);
const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

// loopback-only.ts refuses every socket that is not on loopback, in every test file, so no test can reach a
// real Kling host by mistake.
const setupFiles = ['allure-vitest/setup', 'specs/setup/loopback-only.ts'];

export default defineConfig({
  test: {
    // Root-level only in vitest: sorts every project's files by path, which runs the rows A → B → C → D.
    sequence: { sequencer: RowOrderSequencer },
    reporters: [
      'default',
      [
        'allure-vitest/reporter',
        {
          resultsDir: `${process.env.REPORTS_DIR ?? 'reports'}/allure-results`,
          reportMatchers: false,
          categories: allureCategories,
          environmentInfo: allureEnvironment(process.env, {
            harness: version('./'),
            vitest: version('vitest'),
            '@pollyjs/core': version('@pollyjs/core'),
          }),
        },
      ],
    ],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['specs/unit/**/*.test.ts', 'specs/sandbox/**/*.test.ts', 'specs/harness/**/*.test.ts'],
          exclude: ['specs/harness/ledger.test.ts'],
          setupFiles,
        },
      },
      {
        test: {
          // The benchmark's floor (pnpm bench): one trivial test with the matrix's setup and global setup.
          name: 'floor',
          include: ['specs/bench/floor.test.ts'],
          setupFiles,
          globalSetup: ['helpers/harness/vitest/global-setup.ts'],
          pool: 'threads',
        },
      },
      {
        test: {
          // Faults, crashes, canary secrets, bad inputs and replay isolation; prints its figures at the end.
          name: 'faults',
          include: ['specs/faults/**/*.test.ts', 'specs/harness/ledger.test.ts'],
          setupFiles,
          globalSetup: ['specs/support/fault-figures-setup.ts'],
        },
      },
      {
        test: {
          // The matrix: one spec per row, sequential, in the plan's order, sharing one round.
          name: 'rows',
          include: ['specs/rows/**/*.spec.ts'],
          setupFiles,
          globalSetup: ['helpers/harness/vitest/global-setup.ts'],
          fileParallelism: false,
          // Rows share their state on disk (journal, ledger), not in modules: one module graph for all of them
          // saves re-importing Polly, zod and the harness for every row (the benchmark's replay-cost figure).
          isolate: false,
          pool: 'threads',
        },
      },
    ],
  },
});
