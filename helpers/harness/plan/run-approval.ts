import { parseApprovedRows, type Env, type Mode } from '../config/run-config.ts';
import { parseConnection } from '../config/run-connection.ts';
import { runPaths } from '../config/run-target.ts';
import { PRICES, type Price } from '../../kling/pricing.ts';
import { Ledger, type LedgerEntry } from '../ledger/ledger.ts';
import type { Registry } from '../rows/registry.ts';
import { resolveRowInputs, type ResolvedInputs } from '../rows/row-inputs.ts';
import type { RowId } from '../rows/row.ts';
import { planRound, type ApprovalPlan } from './approval-plan.ts';
import { approvedPlanProblems } from './saved-plans.ts';

/**
 * Today's plan of a run, from the approved rows, their inputs and the ledger the run keeps: what `pnpm plan`
 * prints and what a live run recomputes before any request. One line per input that is missing or unusable.
 */
export function planOf(
  env: Env,
  mode: Mode,
  registry: Registry,
  rows: readonly RowId[],
  reopen: readonly RowId[],
  ledgerFile: string | undefined,
  prices: readonly Price[] = PRICES,
): { plan?: ApprovalPlan; inputs: Record<RowId, ResolvedInputs>; problems: string[] } {
  const problems: string[] = [];
  const inputs: Record<RowId, ResolvedInputs> = {};
  let ledgerEntries: LedgerEntry[] = [];
  try {
    ledgerEntries = ledgerFile === undefined ? [] : new Ledger(ledgerFile).entries();
  } catch (error) {
    return { problems: [error instanceof Error ? error.message : String(error)], inputs };
  }
  for (const id of rows) {
    const { resolved, problems: inputProblems } = resolveRowInputs(registry.get(id), { mode, env, ledgerEntries });
    problems.push(...inputProblems);
    if (resolved) inputs[id] = resolved;
  }
  if (problems.length > 0) return { problems, inputs };
  return { plan: planRound({ registry, approved: rows, inputs, reopen, ledgerEntries, prices }), inputs, problems };
}

/**
 * What binds a run to its approval (`pnpm plan`): each approved row's inputs, today's plan recomputed from the
 * rows, the ledger and the payloads, the approved digest it must equal (required for a live run, checked in a
 * rehearsal when given), and the exposure cap. One line per problem.
 */
export function approvalOf(
  env: Env,
  mode: Mode,
  registry: Registry,
  rows: readonly RowId[],
  reopen: readonly RowId[],
  ledgerFile: string | undefined,
  reportsDir: string,
  prices: readonly Price[] = PRICES,
): { problems: string[]; inputs: Record<RowId, ResolvedInputs>; approvedPlan?: string; maxUnits?: number } {
  const { plan, inputs, problems } = planOf(env, mode, registry, rows, reopen, ledgerFile, prices);
  if (plan === undefined) return { problems, inputs };
  const approvedPlan = env.APPROVED_PLAN?.trim() || undefined;
  if (approvedPlan === undefined) {
    if (mode === 'live')
      problems.push(
        `APPROVED_PLAN is not set: print the approval request with APPROVE_ROWS=${rows.join(',')} pnpm plan, have it approved, and run with APPROVED_PLAN=<its digest>`,
      );
  } else {
    try {
      problems.push(...approvedPlanProblems(approvedPlan, plan, reportsDir));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }

  let maxUnits: number | undefined;
  const cap = env.MAX_UNITS?.trim();
  if (cap) {
    maxUnits = Number(cap);
    if (!Number.isFinite(maxUnits) || maxUnits < 0) problems.push(`MAX_UNITS must be a number of units, got '${env.MAX_UNITS}'`);
    else if (plan.exposure.unknownRows.length > 0)
      problems.push(
        `MAX_UNITS=${cap} cannot be checked before the creates: the price of ${plan.exposure.unknownRows.join(', ')} is unknown (no price with a source in helpers/kling/pricing.ts)`,
      );
    else if (plan.exposure.units > maxUnits)
      problems.push(
        `MAX_UNITS=${cap} is below this run's maximum exposure of ${plan.exposure.units} units: approve fewer rows or a higher cap`,
      );
  }
  return { problems, inputs, ...(approvedPlan ? { approvedPlan } : {}), ...(maxUnits === undefined ? {} : { maxUnits }) };
}

/**
 * The plan a live run with this environment would be held to, as `pnpm plan` prints it: APPROVE_ROWS (default:
 * the default round), REOPEN_ROWS, and the ledger of the host KLING_BASE_URL names. Keys are not needed to plan.
 */
export function livePlanOf(env: Env, registry: Registry): { plan?: ApprovalPlan; approveRows: string; problems: string[] } {
  const approveRows = env.APPROVE_ROWS?.trim() || registry.defaultRound.join(',');
  const reportsDir = env.REPORTS_DIR ?? 'reports';
  const approved = parseApprovedRows(approveRows, 'live', registry);
  const reopen = env.REOPEN_ROWS?.trim() ? parseApprovedRows(env.REOPEN_ROWS, 'live', registry, 'REOPEN_ROWS') : { rows: [], problems: [] };
  const connection = parseConnection(env, 'live');
  const paths = runPaths(connection.target, env, reportsDir);
  const problems = [
    ...approved.problems,
    ...reopen.problems,
    ...connection.problems.filter((p) => p.startsWith('KLING_BASE_URL')),
    ...paths.problems,
  ];
  const rows = approved.rows.join(',');
  if (problems.length > 0) return { approveRows: rows, problems };
  const planned = planOf(env, 'live', registry, approved.rows, reopen.rows, paths.ledgerFile);
  return { ...(planned.plan ? { plan: planned.plan } : {}), approveRows: rows, problems: planned.problems };
}
