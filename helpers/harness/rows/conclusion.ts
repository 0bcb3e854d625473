import type { Classified } from '../../kling/classifier.ts';
import type { Task } from '../../kling/response-schemas.ts';
import { verdictFor, type Verdict } from '../../kling/verdict.ts';
import type { DownloadResult } from '../../kling/downloader.ts';
import { balanceDeductionOf, type BalanceDeduction } from '../evidence/evidence.ts';
import { CreateLife } from '../ledger/create-life.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { RegistryRow } from './registry.ts';

/**
 * What a row's answer means: its verdict, the plan's next step for the operator, what it cost, and — when the
 * task's end is known — the terminal line on the ledger.
 */

export interface Conclusion {
  classified: Classified;
  verdict: Verdict;
  conclusive: boolean;
  advice?: string;
  finalUnitDeduction?: string;
  finalBalanceDeduction?: BalanceDeduction;
}

/** The plan's stop conditions, as the next step for the operator. */
function adviceFor(row: RegistryRow, classified: Classified): string | undefined {
  switch (classified.classification) {
    case 'environment-auth-transient':
      return 'stop the round; fix the environment before any variant, then ask for approval again';
    case 'asset-quality':
      return 'replace the asset; this is not a contract failure';
    case 'model-policy-mismatch':
      return row.legacyRetryModel === undefined
        ? 'document the exact error and reopen the model policy'
        : `document the exact error and ask approval for exactly one legacy-model retry with ${row.legacyRetryModel}; do not try it in this round`;
    case 'body-shape-mismatch':
      return 'stop and reopen docs/code review before retrying';
    case 'moderation-content-risk':
      return 'change the input; re-running identical input does not change a moderation verdict';
    case 'harness-error':
      return 'fix the harness; nothing about the API was learned';
    case 'success':
      return undefined;
  }
}

export function conclude(row: RegistryRow, classified: Classified, finalTask: Task | undefined): Conclusion {
  const { verdict, conclusive } = verdictFor(classified.classification, row.payloadProvenance);
  const advice = adviceFor(row, classified);
  const fud = finalTask?.final_unit_deduction;
  const balance = balanceDeductionOf(finalTask?.final_balance_deduction);
  return {
    classified,
    verdict,
    conclusive,
    ...(advice ? { advice } : {}),
    ...(fud === undefined ? {} : { finalUnitDeduction: String(fud) }),
    ...(balance ? { finalBalanceDeduction: balance } : {}),
  };
}

/**
 * A task that exists ends on the ledger only when its end is known: failed, or succeeded with a result that
 * downloaded as a video. Anything else (no video URL, a refused or failed download) leaves the row pending, and
 * the next run resumes this same task (promises §2), never creating another. Says which, for the progress log.
 */
export function endOnLedger(
  ledger: Ledger | undefined,
  key: { row: string; round: string; externalTaskId: string },
  finalTask: Task | undefined,
  download: DownloadResult | undefined,
  conclusion: Conclusion,
): string | undefined {
  if (ledger === undefined || finalTask === undefined) return undefined;
  if (finalTask.task_status !== 'failed' && download === undefined) {
    return `[${key.row}] task ${finalTask.task_id} said succeed, but its result is not verified (${conclusion.classified.reason}); the row stays pending: the next run resumes this task, no new create`;
  }
  const resultUrl = finalTask.task_status === 'failed' ? undefined : finalTask.task_result?.videos?.[0]?.url;
  new CreateLife(ledger, key).ended({
    outcome: finalTask.task_status === 'failed' ? 'failed' : 'succeed',
    taskId: finalTask.task_id,
    classification: conclusion.classified.classification,
    verdict: conclusion.verdict,
    reason: conclusion.classified.reason,
    ...(conclusion.finalUnitDeduction === undefined ? {} : { finalUnitDeduction: conclusion.finalUnitDeduction }),
    ...(resultUrl === undefined ? {} : { resultUrl }),
    ...(conclusion.finalBalanceDeduction ? { finalBalanceDeduction: conclusion.finalBalanceDeduction } : {}),
  });
  return undefined;
}
