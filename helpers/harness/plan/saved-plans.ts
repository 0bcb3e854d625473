import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describeDifferences, diffJson } from '../cassettes/replay-diff.ts';
import { readJsonFile } from '../sinks/json-file.ts';
import { writeJsonFile } from '../sinks/scrubbed-files.ts';
import type { ApprovalPlan, PlannedRow } from './approval-plan.ts';

/**
 * Every plan `pnpm plan` prints is kept by its digest under reports/plans, so a live run given an approved
 * digest that is not today's can say what changed since the approval, field by field, instead of only "differs".
 */

const DIGEST = /^[0-9a-f]{16}$/;

const savedRow = z.object({
  row: z.string(),
  endpoint: z.string(),
  model: z.string(),
  mode: z.string(),
  duration: z.string(),
  payloadDigest: z.string(),
  exposure: z.union([z.object({ units: z.number(), source: z.string() }), z.object({ unknown: z.string() })]),
  payload: z.unknown(),
});
const savedPlan = z.object({ digest: z.string(), rows: z.array(savedRow) });
type SavedRow = z.infer<typeof savedRow>;

export function plansDir(reportsDir: string): string {
  return join(reportsDir, 'plans');
}

export function savePlan(reportsDir: string, plan: ApprovalPlan): string {
  const file = join(plansDir(reportsDir), `${plan.digest}.json`);
  writeJsonFile(file, plan);
  return file;
}

const exposureText = (e: SavedRow['exposure']) => ('units' in e ? `${e.units} units` : 'unknown');

function rowChanges(approved: SavedRow, today: PlannedRow): string[] {
  const changes: string[] = [];
  for (const field of ['endpoint', 'model', 'mode', 'duration'] as const) {
    if (approved[field] !== today[field]) changes.push(`${field} ${approved[field]} → ${today[field]}`);
  }
  if (exposureText(approved.exposure) !== exposureText(today.exposure))
    changes.push(`exposure ${exposureText(approved.exposure)} → ${exposureText(today.exposure)}`);
  if (approved.payloadDigest !== today.payloadDigest) {
    const fields = diffJson(approved.payload, today.payload);
    changes.push(
      `payload ${fields.length > 0 ? describeDifferences(fields, 'approved') : `digest ${approved.payloadDigest} → ${today.payloadDigest}`}`,
    );
  }
  return changes;
}

/**
 * One line per problem when `approved` is not today's plan, naming each row added, dropped or changed (from
 * the saved plan); none when it is.
 */
export function approvedPlanProblems(approved: string, today: ApprovalPlan, reportsDir: string): string[] {
  if (approved === today.digest) return [];
  if (!DIGEST.test(approved)) return [`APPROVED_PLAN='${approved}' is not a plan digest (16 hex characters, the last line of pnpm plan)`];
  const head = `APPROVED_PLAN=${approved} is not today's plan (${today.digest}): what was approved is not what would be sent`;
  const file = join(plansDir(reportsDir), `${approved}.json`);
  if (!existsSync(file))
    return [
      `${head}; no saved plan ${approved} in ${plansDir(reportsDir)} says what changed: run pnpm plan and have today's block approved`,
    ];
  const saved = readJsonFile(file, savedPlan);
  const changes: string[] = [];
  for (const row of today.rows) {
    const was = saved.rows.find((r) => r.row === row.row);
    if (was === undefined) changes.push(`row ${row.row}: not in the approved plan`);
    else for (const change of rowChanges(was, row)) changes.push(`row ${row.row}: ${change}`);
  }
  // An approval is a ceiling: a row approved and no longer planned (closed since, or not named) spends less, not
  // otherwise; every row that will create must still be exactly as approved.
  return changes.length === 0 ? [] : [head, ...changes];
}
