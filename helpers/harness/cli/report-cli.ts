import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { reportRun } from '../evidence/report.ts';
import { registerSecret } from '../sinks/scrubber.ts';

/**
 * `pnpm report`: the Allure report of the last run, as one file that opens from disk. The keys of `.env` (and of
 * the environment) are made known to the scrubber first, so the report's own scrub catches them too, not only the
 * shapes of a token.
 */
const dotenv = existsSync('.env') ? parse(readFileSync('.env')) : {};
for (const key of ['KLING_ACCESS_KEY', 'KLING_SECRET_KEY']) {
  registerSecret(process.env[key]?.trim());
  registerSecret(dotenv[key]?.trim());
}
if (!reportRun(process.env.REPORTS_DIR ?? 'reports', 'Kling verification round')) process.exit(1);
