import { describe, expect, it } from 'vitest';
import { FAILURE_CLASSES } from '../../helpers/kling/classifier.ts';
import { VERDICT_TABLE, verdictFor } from '../../helpers/kling/verdict.ts';

describe('Classifier | verdict table', () => {
  it('success tightens a policy-test row and leaves a baseline row unchanged', () => {
    expect(verdictFor('success', 'policy-test')).toEqual({ verdict: 'tightened', conclusive: true });
    expect(verdictFor('success', 'live-confirmed')).toEqual({ verdict: 'unchanged', conclusive: true });
    expect(verdictFor('success', 'doc-derived')).toEqual({ verdict: 'unchanged', conclusive: true });
  });

  it('model-policy and body-shape reopen, whatever the row', () => {
    for (const provenance of ['policy-test', 'live-confirmed', 'doc-derived'] as const) {
      expect(verdictFor('model-policy-mismatch', provenance).verdict).toBe('reopened');
      expect(verdictFor('body-shape-mismatch', provenance).verdict).toBe('reopened');
    }
  });

  it.each(['environment-auth-transient', 'asset-quality', 'moderation-content-risk', 'harness-error'] as const)(
    '%s leaves the policy unchanged and is inconclusive',
    (c) => {
      expect(verdictFor(c, 'policy-test')).toEqual({ verdict: 'unchanged', conclusive: false });
    },
  );

  it('covers every class exactly once', () => {
    expect(Object.keys(VERDICT_TABLE).sort()).toEqual([...FAILURE_CLASSES, 'success'].sort());
  });
});
