// @ts-check
import { readFileSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';

/**
 * Mutation testing of the money and secret code (`pnpm test:mutation`, README "Mutation testing"): would a test
 * fail if a guard broke? Each module of stryker/modules.json is changed one mutant at a time and the in-process
 * suites (stryker/vitest.config.ts) run against it; a mutant no test kills is a broken guard no test would notice.
 * stryker/mutation.ts runs this and tells new survivors from those accepted in stryker/equivalent-mutants.json.
 */

/** The roles and their files, shared with stryker/mutation.ts, which scores each role against its target. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- JSON.parse gives any; the type is modules.json's shape
const modules = /** @type {{ role: string; target: number; files: string[] }[]} */ (
  JSON.parse(readFileSync(new URL('./stryker/modules.json', import.meta.url), 'utf8'))
);

/**
 * Stryker looks for its plugins beside its own package; pnpm's strict layout keeps them elsewhere, so they are named
 * by path, resolved from here.
 */
const plugin = (/** @type {string} */ name) => fileURLToPath(import.meta.resolve(name));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  plugins: [plugin('@stryker-mutator/vitest-runner'), plugin('@stryker-mutator/typescript-checker')],
  testRunner: 'vitest',
  vitest: { configFile: 'stryker/vitest.config.ts', related: true },
  // A mutant that does not compile says nothing about the tests: the checker drops it before any test runs.
  checkers: ['typescript'],
  // The product code only: a mutant lives in helpers/, and re-checking every spec that imports it for each mutant
  // made the checker, not the tests, the slowest part of a run.
  tsconfigFile: 'stryker/tsconfig.checker.json',
  // Each mutant runs only the tests that reached it; two workers for a two-core machine.
  coverageAnalysis: 'perTest',
  concurrency: 2,
  mutate: modules.flatMap((m) => m.files),
  // Sandbox and fault tests wait on real sockets and timers: a mutant gets its tests' dry-run time plus this.
  timeoutMS: 15_000,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  // `pnpm test:mutation --incremental` reuses this: only mutants in changed code, or reached by changed tests, run.
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  // Other runs' reports (a rehearsal's live lock file among them) are no test's input, and change while they run.
  ignorePatterns: ['/reports'],
  thresholds: { high: 90, low: 85, break: null },
  cleanTempDir: 'always',
};
