import type { Family } from './families.ts';

/**
 * What the API itself accepts, per kling-api §3a–§3c. This is a statement about Kling, not about
 * our policy: model-policy.ts decides which of these we are willing to send.
 */

export const MODEL_NAMES = [
  'kling-v1',
  'kling-v1-5',
  'kling-v1-6',
  'kling-v2-master',
  'kling-v2-1',
  'kling-v2-1-master',
  'kling-v2-5-turbo',
  'kling-v2-6',
  'kling-v3',
  'kling-video-o1',
  'kling-v3-omni',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** kling-api §3b, "new" doc snapshot: the union of every snapshot, because the live round settles which one holds. */
export const MODELS_BY_FAMILY: Readonly<Record<Family, readonly ModelName[]>> = {
  'omni-video': ['kling-video-o1', 'kling-v3-omni'],
  text2video: ['kling-v1', 'kling-v1-6', 'kling-v2-master', 'kling-v2-1-master', 'kling-v2-5-turbo', 'kling-v2-6', 'kling-v3'],
  image2video: [
    'kling-v1',
    'kling-v1-5',
    'kling-v1-6',
    'kling-v2-master',
    'kling-v2-1',
    'kling-v2-1-master',
    'kling-v2-5-turbo',
    'kling-v2-6',
    'kling-v3',
  ],
  'multi-image2video': ['kling-v1-6'],
};

/** kling-api §3a: what the server uses when `model_name` is omitted. */
export const DEFAULT_MODEL: Readonly<Record<Family, ModelName>> = {
  'omni-video': 'kling-video-o1',
  text2video: 'kling-v1',
  image2video: 'kling-v1',
  'multi-image2video': 'kling-v1-6',
};

const FIVE_OR_TEN = ['5', '10'] as const;
const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/** kling-api §3c: durations (strings, in seconds) each model accepts. O1 is 3–10; v3 and v3-omni are 3–15. */
export const DURATIONS_BY_MODEL: Readonly<Record<ModelName, readonly string[]>> = {
  'kling-v1': FIVE_OR_TEN,
  'kling-v1-5': FIVE_OR_TEN,
  'kling-v1-6': FIVE_OR_TEN,
  'kling-v2-master': FIVE_OR_TEN,
  'kling-v2-1': FIVE_OR_TEN,
  'kling-v2-1-master': FIVE_OR_TEN,
  'kling-v2-5-turbo': FIVE_OR_TEN,
  'kling-v2-6': FIVE_OR_TEN,
  'kling-v3': range(3, 15),
  'kling-video-o1': range(3, 10),
  'kling-v3-omni': range(3, 15),
};

/** kling-api §3a: no kling-v2.x model supports `cfg_scale` (a capability: kling-v2-6 tasks sent it still complete). */
export function supportsCfgScale(model: ModelName): boolean {
  return !model.startsWith('kling-v2');
}

/** kling-api §3a: `sound` only exists from kling-v2-6 on (and on Omni); on kling-v2-6 only in pro (§3c). */
export function supportsSound(model: ModelName): boolean {
  return model === 'kling-v2-6' || model === 'kling-v3' || model === 'kling-v3-omni' || model === 'kling-video-o1';
}

export function isModelName(value: string): value is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(value);
}

/** The model the server will actually run for a payload, so duration and capability checks use the right row. */
export function effectiveModel(family: Family, modelName: string | undefined): ModelName | undefined {
  if (modelName === undefined) return DEFAULT_MODEL[family];
  return isModelName(modelName) ? modelName : undefined;
}
