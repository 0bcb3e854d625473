import type { Family } from './families.ts';
import { DURATIONS_BY_MODEL, MODELS_BY_FAMILY, effectiveModel, supportsCfgScale, supportsSound, type ModelName } from './models.ts';
import type { RequestByFamily } from './request-schemas.ts';
import { cite, type Collector } from './rules-collector.ts';

/**
 * The rules every family shares that depend on the model (kling-api §3a–§3c): the model must be one of the
 * family's, the duration one the model takes, and cfg_scale and sound capabilities the model has (a missing
 * capability is a warning: the API may ignore the field rather than refuse it).
 */

export function checkModelAndDuration(family: Family, body: RequestByFamily[Family], out: Collector): void {
  const modelName = body.model_name;
  if (modelName !== undefined && !(MODELS_BY_FAMILY[family] as readonly string[]).includes(modelName)) {
    out.error('model_name', `'${modelName}' is not a ${family} model; the API lists ${MODELS_BY_FAMILY[family].join(', ')} ${cite('§3b')}`);
    return;
  }
  const model = effectiveModel(family, modelName);
  if (model === undefined) return;
  const duration = body.duration ?? '5';
  if (!DURATIONS_BY_MODEL[model].includes(duration)) {
    out.error('duration', `"${duration}" is not a duration ${model} takes (${DURATIONS_BY_MODEL[model].join(', ')}) ${cite('§3c')}`);
  }
  // kling-api §3a: no kling-v2.x model takes cfg_scale, yet kling-v2-6 tasks sent it complete: ignored, not refused.
  if ('cfg_scale' in body && body.cfg_scale !== undefined && !supportsCfgScale(model)) {
    out.warn('cfg_scale', `is not supported by ${model}: the API may ignore it ${cite('§3a')}`);
  }
  if ('sound' in body && body.sound === 'on') checkSound(model, body.mode, out);
}

/** kling-api §3a, §3c: which models make sound is a capability, not a documented refusal. */
function checkSound(model: ModelName, mode: string | undefined, out: Collector): void {
  if (!supportsSound(model)) {
    out.warn('sound', `'on' needs kling-v2-6 or later; ${model} has no sound: the API may ignore it ${cite('§3a')}`);
  } else if (model === 'kling-v2-6' && mode !== 'pro') {
    out.warn('sound', `'on' on kling-v2-6 needs mode 'pro' (std is silent): the API may ignore it ${cite('§3c')}`);
  }
}
