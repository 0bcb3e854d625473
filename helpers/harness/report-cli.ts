import { buildReport } from './report.ts';

/** `pnpm report`: the Allure report of the last run, as one file that opens from disk. */
try {
  const index = buildReport({ resultsDir: 'reports/allure-results', outDir: 'reports/allure-report', name: 'Kling verification round' });
  console.log(`Report: ${index} (one file; open it in a browser)`);
} catch (error) {
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
