import { createHash } from 'node:crypto';
import { familyPath } from '../../kling/families.ts';
import { SERVER_DEFAULT_MODE } from '../../kling/model-policy.ts';
import { describePriceKey, priceOf, PRICES, type Price, type PriceKey } from '../../kling/pricing.ts';
import { stableStringify } from '../cassettes/cassette-matching.ts';
import { redactBody } from '../cassettes/redact.ts';
import { payloadDigest } from '../ledger/create-guard.ts';
import { Ledger, type LedgerEntry } from '../ledger/ledger.ts';
import type { Registry, RegistryRow } from '../rows/registry.ts';
import { ageInDays, RESULT_KEPT_DAYS } from '../evidence/evidence-age.ts';
import type { ResolvedInputs } from '../rows/row-inputs.ts';
import { buildRowPayload } from '../rows/row-payload.ts';
import type { RowId } from '../rows/row.ts';

/**
 * The approval request of a round (the plan's "Minimum approved experiment set to request": the count of
 * creates, each row's purpose, nothing mixed in): per row what it sends and where, one create, and the most it
 * may cost; the rows left out and why; and one digest over all of it, which a live run must be given back
 * (APPROVED_PLAN) and which it recomputes before any request.
 */

export type Exposure = { units: number; source: string } | { unknown: string };

export interface PlannedRow {
  row: RowId;
  title: string;
  purpose: string;
  endpoint: string;
  model: string;
  mode: string;
  duration: string;
  payloadDigest: string;
  creates: 1;
  exposure: Exposure;
  /** The redacted payload, so a later run can name the field that changed since approval. */
  payload: unknown;
  /** Where each input came from (row-inputs.ts). */
  inputs: Readonly<Record<string, string>>;
}

export interface ApprovalPlan {
  rows: PlannedRow[];
  creates: number;
  /** The sum of the known exposures, and the rows whose price is unknown. */
  exposure: { units: number; unknownRows: RowId[] };
  leftOut: { row: RowId; why: string }[];
  /** Closed rows old enough to verify again (past Kling's 30 days, or the API may have moved). */
  reverify: { row: RowId; closedAt: string; days: number; taskId: string }[];
  digest: string;
}

export interface PlanInput {
  registry: Registry;
  approved: readonly RowId[];
  inputs: Readonly<Record<RowId, ResolvedInputs>>;
  reopen: readonly RowId[];
  ledgerEntries: readonly LedgerEntry[];
  prices?: readonly Price[];
  now?: number;
}

function priceKey(row: RegistryRow, body: Record<string, unknown>): PriceKey {
  const text = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);
  return {
    family: row.family,
    model: text(body.model_name, 'omitted'),
    mode: text(body.mode, SERVER_DEFAULT_MODE[row.family]),
    // kling-api §3a: 5 s when the body sends none.
    duration: text(body.duration, '5'),
  };
}

function plannedRow(row: RegistryRow, inputs: ResolvedInputs | undefined, prices: readonly Price[]): PlannedRow {
  const built = buildRowPayload(row, inputs?.values ?? {});
  const body = built.body as Record<string, unknown>;
  const key = priceKey(row, body);
  const price = priceOf(key, prices);
  return {
    row: row.id,
    title: row.title,
    purpose: row.purpose,
    endpoint: `POST ${familyPath(built.family)}`,
    model: key.model,
    mode: key.mode,
    duration: key.duration,
    payloadDigest: payloadDigest(built.body),
    creates: 1,
    exposure: price ? { units: price.units, source: price.source } : { unknown: describePriceKey(key) },
    payload: redactBody(built.body),
    inputs: inputs?.sources ?? {},
  };
}

/** What the digest binds: everything an approver reads in the block, payloads by their digest. */
export function planDigest(rows: readonly PlannedRow[]): string {
  const bound = rows.map((r) => ({
    row: r.row,
    endpoint: r.endpoint,
    model: r.model,
    mode: r.mode,
    duration: r.duration,
    payloadDigest: r.payloadDigest,
    creates: r.creates,
    exposure: 'units' in r.exposure ? r.exposure.units : 'unknown',
  }));
  return createHash('sha256').update(stableStringify(bound)).digest('hex').slice(0, 16);
}

function leftOutReason(row: RegistryRow, approved: boolean): string {
  if (!row.liveAllowed) return 'replay only: a transcription of a past run, never created';
  if (row.approvedAlone !== undefined && !approved) return `next round, approved in a run of its own (${row.approvedAlone})`;
  if (!row.defaultRound && !approved) return 'only when named: not in the default round';
  return 'not named in APPROVE_ROWS';
}

export function planRound(input: PlanInput): ApprovalPlan {
  const { registry, approved, ledgerEntries } = input;
  const prices = input.prices ?? PRICES;
  const now = input.now ?? Date.now();
  const ledger = new Ledger('');
  const rows: PlannedRow[] = [];
  const leftOut: ApprovalPlan['leftOut'] = [];
  const reverify: ApprovalPlan['reverify'] = [];
  for (const row of registry.rows) {
    const state = ledger.rowState(row.id, ledgerEntries);
    const named = approved.includes(row.id);
    if (state.status === 'closed') {
      const days = ageInDays(state.closedAt, now);
      if (days >= RESULT_KEPT_DAYS) reverify.push({ row: row.id, closedAt: state.closedAt, days, taskId: state.taskId });
      if (!input.reopen.includes(row.id)) {
        if (named || row.defaultRound)
          leftOut.push({ row: row.id, why: `closed on ${state.closedAt.slice(0, 10)} by task ${state.taskId} (${days} day(s) ago)` });
        else leftOut.push({ row: row.id, why: leftOutReason(row, false) });
        continue;
      }
    }
    if (named && row.liveAllowed) rows.push(plannedRow(row, input.inputs[row.id], prices));
    else leftOut.push({ row: row.id, why: leftOutReason(row, named) });
  }
  const known = rows.flatMap((r) => ('units' in r.exposure ? [r.exposure.units] : []));
  return {
    rows,
    creates: rows.length,
    exposure: { units: known.reduce((a, b) => a + b, 0), unknownRows: rows.filter((r) => 'unknown' in r.exposure).map((r) => r.row) },
    leftOut,
    reverify,
    digest: planDigest(rows),
  };
}
