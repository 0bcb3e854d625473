import type { Classification } from './classifier.ts';

/**
 * The plan's one-sentence verdicts, from one table. A row whose payload is a policy test tightens the policy on
 * success; a baseline row only confirms what the scaffold already assumes. Failures that are not about the
 * contract leave it unchanged and inconclusive: fix the cause, then ask for approval again.
 */

export type Verdict = 'tightened' | 'unchanged' | 'reopened';
/** The plan's deliverable "whether payload was doc-derived, live-confirmed, or policy-test". */
export type PayloadProvenance = 'doc-derived' | 'live-confirmed' | 'policy-test';

export interface VerdictRule {
  policyTest: Verdict;
  baseline: Verdict;
  conclusive: boolean;
}

export const VERDICT_TABLE: Readonly<Record<Classification, VerdictRule>> = {
  success: { policyTest: 'tightened', baseline: 'unchanged', conclusive: true },
  'model-policy-mismatch': { policyTest: 'reopened', baseline: 'reopened', conclusive: true },
  'body-shape-mismatch': { policyTest: 'reopened', baseline: 'reopened', conclusive: true },
  'environment-auth-transient': { policyTest: 'unchanged', baseline: 'unchanged', conclusive: false },
  'asset-quality': { policyTest: 'unchanged', baseline: 'unchanged', conclusive: false },
  'moderation-content-risk': { policyTest: 'unchanged', baseline: 'unchanged', conclusive: false },
  'harness-error': { policyTest: 'unchanged', baseline: 'unchanged', conclusive: false },
};

export function verdictFor(classification: Classification, provenance: PayloadProvenance): { verdict: Verdict; conclusive: boolean } {
  const rule = VERDICT_TABLE[classification];
  return { verdict: provenance === 'policy-test' ? rule.policyTest : rule.baseline, conclusive: rule.conclusive };
}
