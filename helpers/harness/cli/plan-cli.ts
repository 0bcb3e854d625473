import { loadDotenvForLive } from '../config/load-env.ts';
import { planMarkdown } from '../plan/plan-markdown.ts';
import { livePlanOf } from '../plan/run-approval.ts';
import { savePlan } from '../plan/saved-plans.ts';
import { loadRegistry } from '../rows/registry.ts';
import { complain, say, sayLines } from '../sinks/terminal.ts';

/**
 * `pnpm plan`: the approval request of a live round (APPROVE_ROWS, default: the default round), as Markdown to
 * paste where spend is approved, ending with the digest `pnpm test:live` must be given (APPROVED_PLAN). Free: it
 * reads the rows, the ledger the live run would keep and `.env`'s host, and sends nothing. The plan is kept
 * under reports/plans by its digest, so a later run can say what changed since the approval.
 */
const env: Record<string, string | undefined> = { ...process.env, HARNESS_MODE: 'live' };
loadDotenvForLive(env);
const { plan, approveRows, problems } = livePlanOf(env, await loadRegistry());
if (plan === undefined) {
  for (const problem of problems) complain(`✗ ${problem}`);
  process.exit(2);
}
sayLines(planMarkdown(plan, approveRows).split('\n'));
say('');
say(`Saved as ${savePlan(env.REPORTS_DIR ?? 'reports', plan)} (a live run given another digest names what changed since this one).`);
