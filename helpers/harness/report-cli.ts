import { join } from 'node:path';
import { buildReport } from './report.ts';

/** `pnpm report`: the Allure report of the last run, as one file that opens from disk. */
try {
  const reportsDir = process.env.REPORTS_DIR ?? 'reports';
  const index = buildReport({
    resultsDir: join(reportsDir, 'allure-results'),
    outDir: join(reportsDir, 'allure-report'),
    name: 'Kling verification round',
  });
  console.log(`Report: ${index} (one file; open it in a browser)`);
} catch (error) {
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
