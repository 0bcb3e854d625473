import { reportRun } from './report.ts';

/** `pnpm report`: the Allure report of the last run, as one file that opens from disk. */
if (!reportRun(process.env.REPORTS_DIR ?? 'reports', 'Kling verification round')) process.exit(1);
