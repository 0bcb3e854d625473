import { defineConfig } from 'vitest/config';
import RoundAllureReporter from './helpers/harness/vitest/round-allure-reporter.ts';
import { ROWS_PROJECT } from './helpers/harness/vitest/rows-project.ts';
import { RowOrderSequencer } from './helpers/harness/vitest/row-order-sequencer.ts';

// The matrix: every row spec in one folder (helpers/harness/rows/registry.ts); ROWS_DIR points at another.
const rowsDir = process.env.ROWS_DIR || 'specs/rows';

// loopback-only.ts refuses every socket that is not on loopback, in every test file, so no test can reach a
// real Kling host by mistake.
const setupFiles = ['allure-vitest/setup', 'specs/setup/loopback-only.ts'];

export default defineConfig({
  test: {
    // Root-level only in vitest: runs the rows in the registry's order (each row's `order`), other files by path.
    sequence: { sequencer: RowOrderSequencer },
    // The default console, and each round's Allure results in the round's own folder, never the harness's tests.
    reporters: ['default', new RoundAllureReporter()],
    // Each run transforms the harness's ~120 TypeScript modules again unless they are kept on disk: a third of the
    // replay suite's time over the bare-vitest floor (README "Benchmark", figure 1). The cache is keyed on each
    // file's content and the configuration, written atomically (the fault suite's child runs share it), and lives in
    // node_modules/.experimental-vitest-cache, so a fresh install starts cold; `vitest --clearCache` empties it.
    experimental: { fsModuleCache: true },
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
          name: ROWS_PROJECT,
          include: [`${rowsDir}/*.spec.ts`],
          // A row spec is data; this setup file registers it as a test (helpers/harness/vitest/register-row.ts).
          setupFiles: [...setupFiles, 'helpers/harness/vitest/register-row.ts'],
          globalSetup: ['helpers/harness/vitest/global-setup.ts'],
          fileParallelism: false,
          // A row's progress lines are the operator's console: printed as they are, without vitest's
          // "stdout | <file> > <suite> > <test>" header before each one.
          disableConsoleIntercept: true,
          // Rows share their state on disk (journal, ledger), not in modules: one module graph for all of them
          // saves re-importing Polly, zod and the harness for every row (the benchmark's replay-cost figure).
          isolate: false,
          pool: 'threads',
        },
      },
    ],
  },
});
