import type { Family } from './families.ts';

/**
 * Which model names and modes *we* are willing to send, per family. This is the scaffold's policy, not the API's
 * contract (models.ts): the API accepts `kling-v1` on text2video, our policy does not without an approval.
 *
 * Read it as one table (the plan, "Current state summary" and rows A–D):
 */
export const MODEL_POLICY = {
  'omni-video': {
    omitted: 'refused', // the server default is kling-video-o1 in pro mode: never implicit
    allowed: ['kling-v3-omni'],
    needsApproval: { 'kling-video-o1': 'omniModelRecheck', 'kling-v3': 'omniModelRecheck' },
  },
  text2video: {
    omitted: 'allowed', // the plan's row B question: is the no-model body viable?
    allowed: ['kling-v2-master', 'kling-v2-1-master', 'kling-v2-5-turbo', 'kling-v2-6', 'kling-v3'],
    needsApproval: { 'kling-v1': 'legacyModel', 'kling-v1-5': 'legacyModel', 'kling-v1-6': 'legacyModel' },
  },
  image2video: {
    omitted: 'allowed', // the plan's row C question
    allowed: ['kling-v2-master', 'kling-v2-1', 'kling-v2-1-master', 'kling-v2-5-turbo', 'kling-v2-6', 'kling-v3'],
    needsApproval: { 'kling-v1': 'legacyModel', 'kling-v1-5': 'legacyModel', 'kling-v1-6': 'legacyModel' },
  },
  'multi-image2video': {
    omitted: 'allowed', // the server default, kling-v1-6, is the only model the route takes
    allowed: ['kling-v1-6'],
    needsApproval: {},
  },
} as const satisfies Record<Family, FamilyPolicy>;

/**
 * Where each family's "model omitted" answer stands (the plan's end state): provisional until a live row of the
 * round settles it, then verified with the task that did, or refused (the family stays caller-explicit).
 * `pnpm policy:propose` prints the change the ledger's verdicts justify, as a diff of this file; it edits nothing.
 */
export const OMITTED_MODEL_STATUS: Readonly<Partial<Record<Family, OmittedModelStatus>>> = {
  text2video: { status: 'provisional' },
  image2video: { status: 'provisional' },
};

export type OmittedModelStatus =
  | { status: 'provisional' }
  | { status: 'verified'; round: string; taskId: string; closed: string }
  | { status: 'refused'; round: string; reason: string };

/** A family that is legacy as a whole: every request needs the `legacyRoute` approval (the plan, row D). */
export const LEGACY_ROUTES: ReadonlySet<Family> = new Set<Family>(['multi-image2video']);

/** kling-api §3a: Omni is the one family whose server-side default mode is `pro`. */
export const SERVER_DEFAULT_MODE: Readonly<Record<Family, 'std' | 'pro'>> = {
  'omni-video': 'pro',
  text2video: 'std',
  image2video: 'std',
  'multi-image2video': 'std',
};

export type Approval = 'omniModelRecheck' | 'legacyModel' | 'legacyRoute' | 'pro';
export type Approvals = Partial<Record<Approval, boolean>>;

interface FamilyPolicy {
  omitted: 'allowed' | 'refused';
  allowed: readonly string[];
  needsApproval: Readonly<Record<string, Approval>>;
}

export interface PolicyRefusal {
  field: 'model_name' | 'mode' | 'family';
  message: string;
  /** The approval that would lift the refusal, when one exists. */
  approval?: Approval;
}

export interface PolicySubject {
  model_name?: string | undefined;
  mode?: string | undefined;
}

export function checkPolicy(family: Family, body: PolicySubject, approvals: Approvals = {}): PolicyRefusal[] {
  const refusals: PolicyRefusal[] = [];
  const policy: FamilyPolicy = MODEL_POLICY[family];

  if (LEGACY_ROUTES.has(family) && approvals.legacyRoute !== true) {
    refusals.push({
      field: 'family',
      approval: 'legacyRoute',
      message: `${family} is a legacy route, outside the current-production matrix; it needs the legacyRoute approval`,
    });
  }

  const model = body.model_name;
  if (model === undefined) {
    if (policy.omitted === 'refused') {
      refusals.push({
        field: 'model_name',
        message: `must be set explicitly on ${family}; the policy allows ${policy.allowed.join(', ')}`,
      });
    }
  } else {
    const approval = policy.needsApproval[model];
    if (approval !== undefined) {
      if (approvals[approval] !== true) {
        refusals.push({
          field: 'model_name',
          approval,
          message: `'${model}' on ${family} needs the ${approval} approval (${approval === 'legacyModel' ? 'legacy model naming' : 'model under re-check'})`,
        });
      }
    } else if (!policy.allowed.includes(model)) {
      refusals.push({
        field: 'model_name',
        message: `'${model}' is not allowed on ${family}; the policy allows ${policy.allowed.join(', ') || 'none'}`,
      });
    }
  }

  const mode = body.mode ?? SERVER_DEFAULT_MODE[family];
  if (mode === 'pro' && approvals.pro !== true) {
    refusals.push({
      field: 'mode',
      approval: 'pro',
      message:
        body.mode === undefined
          ? `is omitted and ${family} then defaults to pro; send 'std', or approve pro`
          : "'pro' needs the pro approval; std is the default operating mode",
    });
  }
  return refusals;
}
