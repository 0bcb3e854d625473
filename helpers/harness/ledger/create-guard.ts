import { createHash } from 'node:crypto';
import type { Answer, KlingClient } from '../../kling/client.ts';
import type { Family } from '../../kling/families.ts';
import type { RequestByFamily } from '../../kling/request-schemas.ts';
import type { CreatedTask } from '../../kling/response-schemas.ts';
import { stableStringify } from '../cassettes/cassette-matching.ts';
import { ciReason } from '../config/ci.ts';
import { CreateLife } from './create-life.ts';
import type { Ledger } from './ledger.ts';
import { redactBody } from '../cassettes/redact.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { RowId } from '../rows/row.ts';

/**
 * The only way the harness sends a create (promises §1–3): enforced where the request is made, not by convention.
 * A create leaves only in live or rehearse mode (or into a replay cassette), for an approved row, with
 * credentials, under the per-run cap, once per row per run, and after its intent is flushed to the ledger.
 */

export class CreateRefused extends Error {
  override readonly name = 'CreateRefused';
  constructor(
    readonly kind: 'not-approved' | 'cap' | 'second-create' | 'no-credentials' | 'ci' | 'no-transport' | 'no-ledger',
    message: string,
  ) {
    super(message);
  }
}

export type GuardedCreate = <F extends Family>(family: F, body: RequestByFamily[F]) => Promise<Answer<CreatedTask>>;

/** What the ledger records of a payload: the sha256 of its redacted, key-sorted form. */
export function payloadDigest(body: unknown): string {
  return createHash('sha256')
    .update(stableStringify(redactBody(body)))
    .digest('hex');
}

export function guardCreate(options: {
  row: RowId;
  round: string;
  config: RunConfig;
  ledger: Ledger | undefined;
  client: KlingClient;
  externalTaskId: string;
  /** True only while a replay cassette answers every request: a create then reaches nothing billable. */
  replayCassette: boolean;
  env?: Record<string, string | undefined>;
  /** Called once the intent is on disk, before the create is sent: a seam for the ledger's crash tests. */
  afterIntent?: () => void;
}): GuardedCreate {
  let used = false;
  return async (family, body) => {
    const { row, config, ledger } = options;
    const env = options.env ?? process.env;
    if (used) throw new CreateRefused('second-create', `row ${row}: a second create in one run is refused; one create per row per run`);
    if (config.mode === 'replay') {
      if (!options.replayCassette) throw new CreateRefused('no-transport', `row ${row}: replay sends no create without a replay cassette`);
    } else {
      const ci = config.mode === 'live' ? ciReason(env) : undefined;
      if (ci !== undefined) throw new CreateRefused('ci', `row ${row}: live creates are refused on a CI machine (${ci})`);
      if (!config.approved.includes(row)) throw new CreateRefused('not-approved', `row ${row} is not in APPROVE_ROWS`);
      if (config.credentials === undefined) throw new CreateRefused('no-credentials', `row ${row}: no credentials`);
      if (ledger === undefined) throw new CreateRefused('no-ledger', `row ${row}: no spend ledger to write the intent to`);
      if (ledger.intentsInRound(options.round) >= config.maxCreates) {
        throw new CreateRefused('cap', `row ${row}: this run's cap of ${config.maxCreates} create(s) is reached`);
      }
      new CreateLife(ledger, { row, round: options.round, externalTaskId: options.externalTaskId }).intent(
        payloadDigest(body),
        config.approvedPlan,
      );
      // The crash tests' seam, honoured only against the sandbox, as any test machinery must be.
      if (config.mode === 'rehearse') options.afterIntent?.();
    }
    used = true;
    return options.client.create(family, { ...body, external_task_id: options.externalTaskId });
  };
}
