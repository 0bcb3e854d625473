import { livePlanOf } from '../../helpers/harness/plan/run-approval.ts';
import { savePlan } from '../../helpers/harness/plan/saved-plans.ts';
import type { Registry } from '../../helpers/harness/rows/registry.ts';
import { matrix } from './matrix.ts';

/**
 * A live environment with the approval `pnpm plan` would give it: the plan computed as the command does, kept
 * under the run's REPORTS_DIR, and its digest as APPROVED_PLAN. What an operator does by hand, for a test.
 */
export function approvedLive<E extends Record<string, string | undefined>>(
  env: E,
  registry: Registry = matrix,
): E & { APPROVED_PLAN: string } {
  const { plan, problems } = livePlanOf({ ...env, HARNESS_MODE: 'live' }, registry);
  // A run that cannot be planned is refused for that reason; the test then sees that line, not this one.
  if (plan === undefined) return { ...env, APPROVED_PLAN: `unplannable: ${problems.join('; ')}` };
  savePlan(env.REPORTS_DIR ?? 'reports', plan);
  return { ...env, APPROVED_PLAN: plan.digest };
}
