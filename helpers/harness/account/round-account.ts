import { accountClient, accountSnapshot, checkAccount, describePack, type AccountSnapshot } from './account-check.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Round } from '../evidence/round.ts';
import type { RunConfig } from '../config/run-config.ts';
import { scrubbedMessage } from '../sinks/scrubber.ts';
import { recordAccountOverride } from '../ledger/create-life.ts';

/**
 * The account check around a live or rehearsal round (account-check.ts): before the first create, and after the
 * last, each snapshot kept for the evidence and the summary. A refusal is thrown as the one line the run stops on.
 */

export class AccountRefusal extends Error {
  override readonly name = 'AccountRefusal';
}

export interface RoundAccount {
  before: AccountSnapshot | undefined;
  /** The lines said before the round: the packs, any warning, any override. */
  lines: string[];
  /** The snapshot after the round, as lines (a failed check is said, not thrown: the round is over). */
  after: () => Promise<string[]>;
}

const packLines = (snapshot: AccountSnapshot) =>
  snapshot.packs.length === 0 ? ['no resource pack listed'] : snapshot.packs.map(describePack);

export async function openRoundAccount(config: RunConfig, ledger: Ledger, round: Round): Promise<RoundAccount> {
  if (config.credentials === undefined) throw new AccountRefusal('no credentials for the account check');
  const client = accountClient(config.baseUrl, config.credentials);
  const check = await checkAccount(client, { creates: config.maxCreates, units: undefined });
  const lines: string[] = [];
  let before: AccountSnapshot | undefined;
  if (check.kind === 'refused') {
    if (!check.overridable || config.accountOverride === undefined) {
      const how = check.overridable ? '; to run anyway: ACCOUNT_CHECK_OVERRIDE="why" (it goes into the ledger)' : '';
      throw new AccountRefusal(`account check: ${check.reason}; no create was sent${how}`);
    }
    recordAccountOverride(ledger, round.id, check.reason, config.accountOverride);
    lines.push(`the account check would stop this round (${check.reason}); run anyway: ${config.accountOverride} (written to the ledger)`);
    before = check.snapshot;
  } else {
    before = check.snapshot;
    lines.push(...check.warnings);
  }
  return {
    before,
    lines: [...(before ? packLines(before) : []), ...lines],
    after: async () => {
      try {
        return packLines(await accountSnapshot(client));
      } catch (error) {
        return [`the account check after the round got no answer: ${scrubbedMessage(error)}`];
      }
    },
  };
}
