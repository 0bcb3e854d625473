import { accountClient, checkAccount, describePack } from '../account/account-check.ts';
import { loadDotenvForLive } from '../config/load-env.ts';
import { parseConnection } from '../config/run-connection.ts';
import { complain, say } from '../sinks/terminal.ts';

/**
 * `pnpm account`: the account's resource packs, one line each, from the free account check (kling-api §9a). It
 * reads `.env` as a live run does and never creates anything, so it may run anywhere, CI included. Exit code 0
 * when a pack is online, 1 when none is, 2 when the check could not be made.
 */
const env: Record<string, string | undefined> = { ...process.env, HARNESS_MODE: 'live' };
loadDotenvForLive(env);
const connection = parseConnection(env, 'live');
if (connection.problems.length > 0 || connection.credentials === undefined) {
  for (const problem of connection.problems) complain(`✗ ${problem}`);
  process.exit(2);
}
const client = accountClient(connection.baseUrl, connection.credentials);
const check = await checkAccount(client, { creates: 0, units: undefined });
if (check.kind === 'refused' && check.snapshot === undefined) {
  complain(`✗ ${check.reason}`);
  process.exit(2);
}
const snapshot = check.snapshot;
say(`Account at ${connection.target.host} (${connection.target.kind}), ${snapshot?.at ?? ''}; remaining quantities lag by up to 12 hours:`);
for (const pack of snapshot?.packs ?? []) say(`  ${describePack(pack)}`);
if (check.kind === 'refused') {
  complain(`✗ ${check.reason}`);
  process.exit(1);
}
