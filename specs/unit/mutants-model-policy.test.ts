import { describe, expect, it } from 'vitest';
import type { Family } from '../../helpers/kling/families.ts';
import { LEGACY_ROUTES, MODEL_POLICY, OMITTED_MODEL_STATUS, checkPolicy, type Approval } from '../../helpers/kling/model-policy.ts';

/**
 * The model policy to the letter: every refusal's field, approval and message, in the order they are given, and
 * which approval lifts which. A refusal that goes missing lets a legacy model or a pro create through unasked.
 */

const ALL_APPROVALS: Record<Approval, true> = { omniModelRecheck: true, legacyModel: true, legacyRoute: true, pro: true };

/** The table as the edits of `pnpm policy:propose` change it; readonly only in its type, so a test can stand in for an edit. */
type EditablePolicy = Record<Family, { omitted: 'allowed' | 'refused'; allowed: readonly string[] }>;

/** Runs `check` with one family's entry edited, then puts the entry back as it was. */
function withPolicyEdit<T>(family: Family, edit: Partial<EditablePolicy[Family]>, check: () => T): T {
  const table: EditablePolicy = MODEL_POLICY;
  const { omitted, allowed } = table[family];
  Object.assign(table[family], edit);
  try {
    return check();
  } finally {
    Object.assign(table[family], { omitted, allowed });
  }
}

describe('Model policy | each refusal, exactly', () => {
  it('Omni: the model must be named, and when omitted the mode defaults to pro', () => {
    expect(checkPolicy('omni-video', {})).toEqual([
      { field: 'model_name', message: 'must be set explicitly on omni-video; the policy allows kling-v3-omni' },
      { field: 'mode', approval: 'pro', message: "is omitted and omni-video then defaults to pro; send 'std', or approve pro" },
    ]);
    expect(checkPolicy('omni-video', {}, ALL_APPROVALS)).toEqual([
      { field: 'model_name', message: 'must be set explicitly on omni-video; the policy allows kling-v3-omni' },
    ]);
  });

  it('a model under re-check, and a model the policy does not list', () => {
    expect(checkPolicy('omni-video', { model_name: 'kling-video-o1', mode: 'std' })).toEqual([
      {
        field: 'model_name',
        approval: 'omniModelRecheck',
        message: "'kling-video-o1' on omni-video needs the omniModelRecheck approval (model under re-check)",
      },
    ]);
    expect(checkPolicy('omni-video', { model_name: 'kling-v3', mode: 'std' }, { omniModelRecheck: true })).toEqual([]);
    expect(checkPolicy('image2video', { model_name: 'kling-v9', mode: 'std' }, ALL_APPROVALS)).toEqual([
      {
        field: 'model_name',
        message:
          "'kling-v9' is not allowed on image2video; the policy allows kling-v2-master, kling-v2-1, kling-v2-1-master, kling-v2-5-turbo, kling-v2-6, kling-v3",
      },
    ]);
  });

  it('a legacy model names its approval, and only that approval lifts it', () => {
    const legacy = {
      field: 'model_name',
      approval: 'legacyModel',
      message: "'kling-v1-6' on text2video needs the legacyModel approval (legacy model naming)",
    };
    expect(checkPolicy('text2video', { model_name: 'kling-v1-6', mode: 'std' })).toEqual([legacy]);
    expect(
      checkPolicy('text2video', { model_name: 'kling-v1-6', mode: 'std' }, { omniModelRecheck: true, legacyRoute: true, pro: true }),
    ).toEqual([legacy]);
    expect(checkPolicy('text2video', { model_name: 'kling-v1-6', mode: 'std' }, { legacyModel: true })).toEqual([]);
    expect(checkPolicy('text2video', { model_name: 'kling-v1-6', mode: 'std' }, { legacyModel: false })).toEqual([legacy]);
  });

  it('pro asked for explicitly says so; std, or omitted off Omni, needs nothing', () => {
    expect(checkPolicy('text2video', { mode: 'pro' })).toEqual([
      { field: 'mode', approval: 'pro', message: "'pro' needs the pro approval; std is the default operating mode" },
    ]);
    expect(checkPolicy('text2video', { mode: 'pro' }, { pro: true })).toEqual([]);
    for (const family of ['text2video', 'image2video'] as const) expect(checkPolicy(family, {})).toEqual([]);
    expect(checkPolicy('omni-video', { model_name: 'kling-v3-omni', mode: 'std' })).toEqual([]);
    expect(checkPolicy('omni-video', { model_name: 'kling-v3-omni' }, { pro: true })).toEqual([]);
    expect(checkPolicy('text2video', { mode: 'fast' })).toEqual([]);
  });

  it('the legacy route: refused first, whatever the body, until approved; then its one model, by default too', () => {
    const route = {
      field: 'family',
      approval: 'legacyRoute',
      message: 'multi-image2video is a legacy route, outside the current-production matrix; it needs the legacyRoute approval',
    };
    expect(checkPolicy('multi-image2video', {})).toEqual([route]);
    expect(checkPolicy('multi-image2video', { model_name: 'kling-v3', mode: 'pro' }).map((r) => r.field)).toEqual([
      'family',
      'model_name',
      'mode',
    ]);
    expect(checkPolicy('multi-image2video', {}, { legacyRoute: true })).toEqual([]);
    expect(checkPolicy('multi-image2video', { model_name: 'kling-v3' }, { legacyRoute: true })).toEqual([
      { field: 'model_name', message: "'kling-v3' is not allowed on multi-image2video; the policy allows kling-v1-6" },
    ]);
    expect([...LEGACY_ROUTES]).toEqual(['multi-image2video']);
  });

  it('every family: what it allows is sent without approval in std; what needs approval is refused without it', () => {
    for (const [family, policy] of Object.entries(MODEL_POLICY) as [Family, (typeof MODEL_POLICY)[Family]][]) {
      const approvals = LEGACY_ROUTES.has(family) ? { legacyRoute: true } : {};
      for (const model of policy.allowed)
        expect(checkPolicy(family, { model_name: model, mode: 'std' }, approvals), `${family} ${model}`).toEqual([]);
      for (const [model, approval] of Object.entries(policy.needsApproval)) {
        expect(checkPolicy(family, { model_name: model, mode: 'std' }, approvals).map((r) => r.approval)).toEqual([approval]);
      }
    }
  });
});

describe('Model policy | the table as later edits leave it', () => {
  it('a family made caller-explicit by a refusal names every model it allows, comma-separated', () => {
    // The edit policy:propose proposes when the API refuses a body without a model (applyToSource): omitted → refused.
    expect(withPolicyEdit('text2video', { omitted: 'refused' }, () => checkPolicy('text2video', { mode: 'std' }))).toEqual([
      {
        field: 'model_name',
        message:
          'must be set explicitly on text2video; the policy allows kling-v2-master, kling-v2-1-master, kling-v2-5-turbo, kling-v2-6, kling-v3',
      },
    ]);
    expect(checkPolicy('text2video', { mode: 'std' })).toEqual([]);
  });

  it('a family that allows no model unasked says the policy allows none, not an empty list', () => {
    expect(
      withPolicyEdit('multi-image2video', { allowed: [] }, () =>
        checkPolicy('multi-image2video', { model_name: 'kling-v1-6', mode: 'std' }, { legacyRoute: true }),
      ),
    ).toEqual([{ field: 'model_name', message: "'kling-v1-6' is not allowed on multi-image2video; the policy allows none" }]);
    expect(checkPolicy('multi-image2video', { model_name: 'kling-v1-6', mode: 'std' }, { legacyRoute: true })).toEqual([]);
  });

  it("tracks the 'model omitted' answer of rows B and C (text2video, image2video), each agreeing with what the table allows", () => {
    // policy:propose starts each proposal from these entries; an entry that went missing would read as provisional
    // even after a round verified or refused it.
    expect(Object.keys(OMITTED_MODEL_STATUS).sort()).toEqual(['image2video', 'text2video']);
    for (const family of ['text2video', 'image2video'] as const) {
      const status = OMITTED_MODEL_STATUS[family]?.status;
      expect(['provisional', 'verified', 'refused']).toContain(status);
      expect(MODEL_POLICY[family].omitted).toBe(status === 'refused' ? 'refused' : 'allowed');
    }
  });
});
