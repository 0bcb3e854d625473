import { config } from 'dotenv';

/**
 * Live credentials come from `.env` (never committed). Only live mode reads it: replay needs no credentials and
 * rehearse is handed the sandbox's. Values already in the environment win over the file.
 */
export function loadDotenvForLive(env: Record<string, string | undefined> = process.env): void {
  if (env.HARNESS_MODE === 'live') config({ quiet: true, processEnv: env });
}
