import { setTimeout as delay } from 'node:timers/promises';
import { FAMILIES, type Family } from '../../kling/families.ts';
import { ResponseShapeError } from '../../kling/errors.ts';
import type { Drift } from '../../kling/response-schemas.ts';
import { accountSnapshot, describePack } from '../account/account-check.ts';
import { Ledger } from '../ledger/ledger.ts';
import type { Registry } from '../rows/registry.ts';
import { scrubbedMessage } from '../sinks/scrubber.ts';
import { addTask, compareProfiles, emptyProfile, recordedProfile } from './answer-profile.ts';
import type { ReadOnlyClient } from './read-only-client.ts';

/**
 * `pnpm probe`'s work, at zero spend (kling-api §7, §9a): the account's packs, the newest tasks of each family
 * and the tasks the ledger knows, each answer parsed by the response schemas and compared with what the committed
 * recordings hold. Drift is an answer that differs; an environment failure is no usable answer at all.
 */

export interface ProbeOptions {
  client: ReadOnlyClient;
  registry: Registry;
  recordingsDir: string;
  /** The ledger whose tasks are queried too (default: none). */
  ledgerFile?: string | undefined;
  /** Tasks listed per family (a small page). */
  pageSize?: number;
  /** Between two calls, to keep well under the API's rate limits; tests set 0. */
  intervalMs?: number;
}

export type ProbeResult =
  | { kind: 'environment'; reason: string; account: string[] }
  | { kind: 'probed'; account: string[]; seen: Record<Family, number>; ledgerTasks: number; urlHosts: string[]; drift: string[] };

/** The answer's `data` as the server sent it, unknown fields and all (the parsed value drops what the schema does not name). */
const dataOf = (body: unknown): unknown => (typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined);

const driftLines = (where: string, drift: readonly Drift[]) =>
  drift.filter((d) => d.kind === 'missing-field').map((d) => `${where}: a field the docs name is missing: ${d.path}`);

/** The tasks the ledger knows, with the family their row sends to. */
function ledgerTasks(registry: Registry, file: string | undefined): { family: Family; taskId: string }[] {
  if (file === undefined) return [];
  const found = new Map<string, Family>();
  for (const entry of new Ledger(file).entries()) {
    if (entry.stage !== 'created' && entry.stage !== 'terminal') continue;
    if (entry.taskId !== undefined && registry.has(entry.row)) found.set(entry.taskId, registry.get(entry.row).family);
  }
  return [...found].map(([taskId, family]) => ({ family, taskId }));
}

export async function runProbe(options: ProbeOptions): Promise<ProbeResult> {
  const { client, registry } = options;
  const pause = () => delay(options.intervalMs ?? 1100);
  let account: string[];
  try {
    const snapshot = await accountSnapshot(client);
    account = snapshot.packs.length === 0 ? ['no resource pack listed'] : snapshot.packs.map(describePack);
  } catch (error) {
    return { kind: 'environment', reason: `account check: ${scrubbedMessage(error)}`, account: [] };
  }
  const probed = emptyProfile();
  const drift: string[] = [];
  const seen = Object.fromEntries(FAMILIES.map((f) => [f, 0])) as Record<Family, number>;
  // A drifted answer is a finding; anything else that stops an answer is the environment, and ends the probe.
  let failed: string | undefined;
  const answered = async <T>(where: string, call: () => Promise<T>): Promise<T | undefined> => {
    await pause();
    try {
      return await call();
    } catch (error) {
      if (error instanceof ResponseShapeError) {
        drift.push(`${where}: ${scrubbedMessage(error)}`);
        // What the answer holds still counts: a status the docs do not name is then named by its value.
        const data = dataOf(error.body);
        for (const task of Array.isArray(data) ? data : [data]) addTask(probed, task);
      } else failed = `${where}: ${scrubbedMessage(error)}`;
      return undefined;
    }
  };
  for (const family of FAMILIES) {
    const answer = await answered(`list ${family}`, () => client.list(family, { pageNum: 1, pageSize: options.pageSize ?? 10 }));
    if (failed !== undefined) return { kind: 'environment', reason: failed, account };
    if (answer === undefined) continue;
    seen[family] = answer.value.length;
    drift.push(...driftLines(`list ${family}`, answer.drift));
    const data = dataOf(answer.body);
    for (const task of Array.isArray(data) ? data : []) addTask(probed, task);
  }
  const known = ledgerTasks(registry, options.ledgerFile);
  for (const { family, taskId } of known) {
    const answer = await answered(`query ${family} ${taskId}`, () => client.query(family, taskId));
    if (failed !== undefined) return { kind: 'environment', reason: failed, account };
    if (answer === undefined) continue;
    drift.push(...driftLines(`query ${family} ${taskId}`, answer.drift));
    addTask(probed, dataOf(answer.body));
  }
  drift.push(...compareProfiles(recordedProfile(registry, options.recordingsDir), probed));
  return { kind: 'probed', account, seen, ledgerTasks: known.length, urlHosts: [...probed.urlHosts].sort(), drift };
}
