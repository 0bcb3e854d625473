import { setTimeout as delay } from 'node:timers/promises';
import type { ResourcePack } from '../../kling/account-schemas.ts';
import type { Credentials } from '../../kling/auth.ts';
import { KlingClient } from '../../kling/client.ts';
import { createFetchContext } from '../../kling/http-context.ts';
import { signingTokenSource } from '../sinks/signing.ts';
import { KlingApiError } from '../../kling/errors.ts';
import { scrubbedMessage } from '../sinks/scrubber.ts';
import { unitsText } from '../ledger/spend.ts';

/**
 * Know before you spend (promises §12): the free account check (kling-api §9a), once before a round's first create
 * and once after its last. A key the API refuses stops the round at zero creates, whatever anyone says; an account
 * with no online pack, or a check that gets no answer, stops it too unless the operator overrides that, with a
 * reason the ledger keeps. What is left of the packs lags by up to 12 hours, so it is a warning, never a verdict.
 */

export interface PackLine {
  name: string;
  status: string;
  remaining: number | undefined;
  total: number | undefined;
  /** ISO date the pack stops, when the API says. */
  until: string | undefined;
}

export interface AccountSnapshot {
  at: string;
  packs: PackLine[];
}

export type AccountCheck =
  | { kind: 'ok'; snapshot: AccountSnapshot; warnings: string[] }
  | { kind: 'refused'; reason: string; overridable: boolean; snapshot?: AccountSnapshot };

/** The most a round can spend, when the price of each of its creates is on record. */
export interface Exposure {
  creates: number;
  /** Undefined when a price is not on record: the check then says it cannot tell. */
  units: number | undefined;
}

/** kling-api §1: the key itself is refused; no override makes a create with it worth sending. */
const AUTH_CODES: ReadonlySet<number> = new Set([1000, 1001, 1002, 1003, 1004]);
/** kling-api §9a: one call a second, counted from the end of the last call, with a margin for the way there. */
const MIN_SPACING_MS = 1100;
const YEAR_MS = 366 * 86_400_000;

let lastCallAt = Number.NEGATIVE_INFINITY;

/** The client the account check calls with: the run's host and keys, its tokens known to the scrubber. */
export function accountClient(baseUrl: string, credentials: Credentials): KlingClient {
  return new KlingClient({ baseUrl, token: signingTokenSource(credentials), http: createFetchContext() });
}

function lineOf(pack: ResourcePack): PackLine {
  return {
    name: pack.resource_pack_name,
    status: pack.status,
    remaining: pack.remaining_quantity,
    total: pack.total_quantity,
    until: pack.invalid_time === undefined ? undefined : new Date(pack.invalid_time).toISOString().slice(0, 10),
  };
}

/** `Video pack: online, 180 of 200 left, until 2027-03-01`. */
export function describePack(pack: PackLine): string {
  const left =
    pack.remaining === undefined ? 'remaining unknown' : `${pack.remaining}${pack.total === undefined ? '' : ` of ${pack.total}`} left`;
  return `${pack.name}: ${pack.status}, ${left}${pack.until ? `, until ${pack.until}` : ''}`;
}

/** The packs, as the API lists them now (one call, spaced at least a second from the last). */
export async function accountSnapshot(client: Pick<KlingClient, 'accountCosts'>, now: () => number = Date.now): Promise<AccountSnapshot> {
  const wait = lastCallAt + MIN_SPACING_MS - now();
  if (wait > 0) await delay(wait);
  const at = now();
  try {
    const answer = await client.accountCosts({ fromMs: at - YEAR_MS, toMs: at });
    return { at: new Date(at).toISOString(), packs: answer.value.resource_pack_subscribe_infos.map(lineOf) };
  } finally {
    lastCallAt = now();
  }
}

export async function checkAccount(client: KlingClient, exposure: Exposure, now: () => number = Date.now): Promise<AccountCheck> {
  let snapshot: AccountSnapshot;
  try {
    snapshot = await accountSnapshot(client, now);
  } catch (error) {
    const said = scrubbedMessage(error);
    if (error instanceof KlingApiError && AUTH_CODES.has(error.code)) {
      return {
        kind: 'refused',
        overridable: false,
        reason: `the API refused the key (${said}): fix KLING_ACCESS_KEY and KLING_SECRET_KEY`,
      };
    }
    return { kind: 'refused', overridable: true, reason: `the account check got no usable answer (${said}), so no pack is known to pay` };
  }
  const online = snapshot.packs.filter((p) => p.status === 'online');
  if (online.length === 0) {
    const listed = snapshot.packs.length === 0 ? 'the account lists no pack' : snapshot.packs.map(describePack).join('; ');
    return { kind: 'refused', overridable: true, snapshot, reason: `no resource pack is online (${listed})` };
  }
  return { kind: 'ok', snapshot, warnings: remainingWarnings(online, exposure) };
}

/** Whether what the online packs have left covers the round, said with the 12-hour lag it carries. */
function remainingWarnings(online: readonly PackLine[], exposure: Exposure): string[] {
  if (online.some((p) => p.remaining === undefined)) return [];
  const remaining = online.reduce((sum, p) => sum + (p.remaining ?? 0), 0);
  const lag = 'the figure lags by up to 12 hours';
  if (exposure.units === undefined) {
    return [
      `the online packs have ${unitsText(remaining)} left (${lag}); the price of this round's ${exposure.creates} create(s) is not on record, so whether that covers them is unknown`,
    ];
  }
  if (remaining < exposure.units) {
    return [`the online packs have ${unitsText(remaining)} left (${lag}), less than this round's most of ${unitsText(exposure.units)}`];
  }
  return [];
}

/** For tests: forget when the account was last called. */
export function resetAccountSpacing(): void {
  lastCallAt = Number.NEGATIVE_INFINITY;
}
