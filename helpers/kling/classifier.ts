import type { Stage } from './errors.ts';

/**
 * Every outcome lands in exactly one class: the plan's five ("Row-level interpretation rules") plus
 * `harness-error` for our own faults, or `success`. A pure function of what was observed, following the
 * error table of kling-api §6. Only model-policy and body-shape failures (the API refusing our model or our body, in
 * its own words) justify reopening a policy.
 */

export const FAILURE_CLASSES = [
  'environment-auth-transient',
  'asset-quality',
  'model-policy-mismatch',
  'body-shape-mismatch',
  'moderation-content-risk',
  'harness-error',
] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];
export type Classification = 'success' | FailureClass;

export interface Observation {
  stage: Stage;
  httpStatus?: number | undefined;
  code?: number | undefined;
  message?: string | undefined;
  taskStatus?: string | undefined;
  taskStatusMsg?: string | undefined;
  /** A network failure: never sent, sent without an answer, or timed out (polling deadline included). */
  network?: 'not-sent' | 'no-answer' | 'timeout' | undefined;
  /** A readable answer whose required fields are broken. */
  responseShapeBroken?: boolean | undefined;
  /** The answer did not come from the API (a redirect, a gateway, no Kling code): it says nothing of what the API did. */
  notKling?: boolean | undefined;
  /** A create that may have made a task without a readable answer saying so. */
  unknownOutcome?: boolean | undefined;
  /** The API said succeed and gave no video to verify. */
  noResult?: boolean | undefined;
  /** The answer was about another task than the one asked for. */
  wrongTask?: boolean | undefined;
  /** Which local check refused the request before any create. */
  preflight?: 'asset' | 'schema' | 'policy' | undefined;
}

export interface Classified {
  classification: Classification;
  reason: string;
}

const RISK_CONTROL = /risk control|content.?security|sensitive|moderation/i;
const ASSET_QUALITY = /image pixel is invalid|resolution or aspect ratio of the input image/i;
const MODEL = /\bmodel/i;

const done = (classification: Classification, reason: string): Classified => ({ classification, reason });

function classifyFailedTask(msg: string | undefined): Classified {
  const text = msg ?? '';
  if (RISK_CONTROL.test(text)) return done('moderation-content-risk', `task failed at moderation: "${text}"`);
  if (ASSET_QUALITY.test(text)) return done('asset-quality', `task failed on the input image: "${text}"; replace the asset`);
  if (MODEL.test(text)) return done('model-policy-mismatch', `task failed on the model: "${text}"`);
  return done('environment-auth-transient', `task failed without a known reason${text ? `: "${text}"` : ''}; inconclusive`);
}

function classifyCode(o: Observation, code: number): Classified | undefined {
  const msg = o.message ?? '';
  const said = msg ? `: "${msg}"` : '';
  if (code >= 1000 && code <= 1004) return done('environment-auth-transient', `authentication failed (code ${code})${said}`);
  if (code >= 1100 && code <= 1102) return done('environment-auth-transient', `account or billing problem (code ${code})${said}`);
  if (code === 1103) return done('environment-auth-transient', `no permission for this API or model on this account (code 1103)${said}`);
  if (code === 1200) return done('body-shape-mismatch', `invalid request parameters (code 1200)${said}`);
  if (code === 1201) {
    if (MODEL.test(msg)) return done('model-policy-mismatch', `the API refused the model (code 1201)${said}`);
    if (ASSET_QUALITY.test(msg)) return done('asset-quality', `the API refused the input image (code 1201)${said}; replace the asset`);
    return done('body-shape-mismatch', `the API refused a field (code 1201)${said}`);
  }
  if (code === 1202) return done('harness-error', `wrong HTTP method for the endpoint (code 1202): a harness bug${said}`);
  if (code === 1203) {
    // At create the one resource a body names is the model (kling-api §6: "resource not found (e.g. the model)").
    if (MODEL.test(msg) || o.stage === 'create')
      return done('model-policy-mismatch', `resource not found at create, read as the model (code 1203)${said}`);
    return done('harness-error', `resource not found (code 1203)${said}`);
  }
  if (code === 1300 || code === 1301) return done('moderation-content-risk', `policy triggered at submit (code ${code})${said}`);
  if (code === 1302 || code === 1303) return done('environment-auth-transient', `throttled (code ${code})${said}`);
  if (code === 1304) return done('environment-auth-transient', `IP whitelist policy (code 1304)${said}`);
  if (code >= 5000 && code <= 5002) return done('environment-auth-transient', `server-side failure (code ${code})${said}`);
  return undefined;
}

export function classify(o: Observation): Classified {
  if (o.stage === 'preflight') {
    if (o.preflight === 'asset')
      return done('asset-quality', `the local asset floor refused the image${o.message ? `: ${o.message}` : ''}; replace the asset`);
    return done(
      'harness-error',
      `the row's own payload failed the ${o.preflight ?? 'preflight'} check${o.message ? `: ${o.message}` : ''}`,
    );
  }
  if (o.taskStatus === 'succeed') {
    if (o.noResult === true) {
      return done(
        'environment-auth-transient',
        'the task reached succeed but the answer holds no video URL: nothing to verify; inconclusive',
      );
    }
    return done('success', 'the task reached succeed');
  }
  if (o.taskStatus === 'failed') return classifyFailedTask(o.taskStatusMsg);

  if (o.code !== undefined && o.code !== 0) {
    const byCode = classifyCode(o, o.code);
    if (byCode) return byCode;
  }
  const detail = o.message ? ` (${o.message})` : '';
  if (o.unknownOutcome === true) {
    return done(
      'environment-auth-transient',
      `create: outcome unknown${detail}; the next run looks the task up by its external_task_id before any new create`,
    );
  }
  // Only the API's own codes can reopen a policy: whatever answered instead was not the API deciding.
  if (o.notKling === true) {
    return done(
      'environment-auth-transient',
      `${o.stage}: not a Kling answer${detail}; check KLING_BASE_URL and what sits in front of the API`,
    );
  }
  if (o.wrongTask === true) return done('environment-auth-transient', `${o.stage}: the answer is not about our task${detail}`);
  // Drift stays drift: an answer the docs do not describe (a new status, a broken field) says nothing about our
  // body. Only the API refusing the body (1200/1201) is a body-shape mismatch. The round stops to look at it.
  if (o.responseShapeBroken === true) {
    return done(
      'environment-auth-transient',
      `response drift: the answer no longer matches the docs${detail}; stop and read the drift before any variant`,
    );
  }
  if (o.network !== undefined) {
    const what = { 'not-sent': 'the request was never sent', 'no-answer': 'no answer arrived', timeout: 'timed out' }[o.network];
    return done('environment-auth-transient', `${o.stage}: ${what}${detail}`);
  }
  return done('harness-error', `nothing conclusive was observed at ${o.stage}`);
}
