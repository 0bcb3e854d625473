import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { reportRound } from '../evidence/report.ts';
import { registerSecret } from '../sinks/scrubber.ts';

/**
 * `pnpm report [round]`: the Allure report of a round (by default the last one in which a row ran), as one file that opens from disk. The keys of `.env` (and of
 * the environment) are made known to the scrubber first, so the report's own scrub catches them too, not only the
 * shapes of a token.
 */
const dotenv = existsSync('.env') ? parse(readFileSync('.env')) : {};
for (const key of ['KLING_ACCESS_KEY', 'KLING_SECRET_KEY']) {
  registerSecret(process.env[key]?.trim());
  registerSecret(dotenv[key]?.trim());
}
// `pnpm report` builds the last round that ran a row; `pnpm report <round-id>` a named one.
if (!reportRound(process.env.REPORTS_DIR ?? 'reports', process.argv[2])) process.exit(1);
