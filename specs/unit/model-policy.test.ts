import { describe, expect, it } from 'vitest';
import { checkPolicy, type Approval } from '../../helpers/kling/model-policy.ts';
import type { Family } from '../../helpers/kling/families.ts';

/** [family, model_name, mode, the approval that lifts the refusal (or undefined when nothing does), message fragment] */
const REFUSALS: [Family, string | undefined, string | undefined, Approval | undefined, string][] = [
  ['omni-video', 'kling-video-o1', 'std', 'omniModelRecheck', "'kling-video-o1' on omni-video needs the omniModelRecheck approval"],
  ['omni-video', 'kling-v3', 'std', 'omniModelRecheck', 'model under re-check'],
  ['omni-video', undefined, 'std', undefined, 'must be set explicitly on omni-video'],
  ['omni-video', 'kling-v2-6', 'std', undefined, "'kling-v2-6' is not allowed on omni-video"],
  ['text2video', 'kling-v1', 'std', 'legacyModel', "'kling-v1' on text2video needs the legacyModel approval (legacy model naming)"],
  ['text2video', 'kling-v1-5', 'std', 'legacyModel', 'legacyModel'],
  ['text2video', 'kling-v1-6', 'std', 'legacyModel', 'legacyModel'],
  ['image2video', 'kling-v1', 'std', 'legacyModel', 'legacyModel'],
  ['image2video', 'kling-v1-5', 'std', 'legacyModel', 'legacyModel'],
  ['image2video', 'kling-v1-6', 'std', 'legacyModel', 'legacyModel'],
  ['text2video', undefined, 'pro', 'pro', "'pro' needs the pro approval"],
  ['omni-video', 'kling-v3-omni', undefined, 'pro', 'is omitted and omni-video then defaults to pro'],
  ['multi-image2video', undefined, 'std', 'legacyRoute', 'multi-image2video is a legacy route'],
];

describe('Scaffold | model policy', () => {
  it.each(REFUSALS)('%s with model %s, mode %s: refused, lifted by %s', (family, model, mode, approval, message) => {
    const refusals = checkPolicy(family, { model_name: model, mode });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.message).toContain(message);
    expect(refusals[0]?.approval).toBe(approval);
    if (approval !== undefined) expect(checkPolicy(family, { model_name: model, mode }, { [approval]: true })).toEqual([]);
  });

  it('an approval lifts only its own refusal', () => {
    expect(checkPolicy('text2video', { model_name: 'kling-v1', mode: 'std' }, { omniModelRecheck: true, pro: true })).toHaveLength(1);
    expect(checkPolicy('text2video', { model_name: 'kling-v1', mode: 'pro' }, { legacyModel: true }).map((r) => r.field)).toEqual(['mode']);
  });

  it.each([
    ['omni-video', { model_name: 'kling-v3-omni', mode: 'std' }],
    ['text2video', { mode: 'std' }],
    ['text2video', {}],
    ['image2video', { mode: 'std' }],
    ['image2video', { model_name: 'kling-v3', mode: 'std' }],
  ] as [Family, { model_name?: string; mode?: string }][])('%s allows %j without approval', (family, body) => {
    expect(checkPolicy(family, body)).toEqual([]);
  });

  it('multi-image2video with the legacy approval takes only kling-v1-6', () => {
    expect(checkPolicy('multi-image2video', { model_name: 'kling-v1-6', mode: 'std' }, { legacyRoute: true })).toEqual([]);
    expect(checkPolicy('multi-image2video', { model_name: 'kling-v3', mode: 'std' }, { legacyRoute: true })).toHaveLength(1);
  });
});
