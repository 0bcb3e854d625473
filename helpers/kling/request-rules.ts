import type { z } from 'zod';
import type { Family } from './families.ts';
import { formatPath, type Finding } from './findings.ts';
import { DURATIONS_BY_MODEL, MODELS_BY_FAMILY, effectiveModel, supportsCfgScale, supportsSound } from './models.ts';
import {
  image2videoRequest,
  multiImage2videoRequest,
  omniVideoRequest,
  text2videoRequest,
  type Image2videoRequest,
  type OmniVideoRequest,
  type RequestByFamily,
  type Text2videoRequest,
} from './request-schemas.ts';

/**
 * The contract check of a request body: the per-field schema plus the rules that span fields or depend on the
 * model (kling-api §3). Errors mean the API is documented to refuse the body. Warnings mean the plan and the
 * docs disagree, or the docs are silent: the evidence shows them and the live round settles them.
 */

export interface RequestCheck {
  errors: Finding[];
  warnings: Finding[];
}

/** Keys that are right on one endpoint and wrong on another (kling-api §8), with what to send instead. */
const KEY_HINTS: Readonly<Record<Family, Readonly<Record<string, string>>>> = {
  'omni-video': { image: "Omni image_list entries use 'image_url', not 'image'" },
  text2video: {},
  image2video: {},
  'multi-image2video': { image_url: "multi-image2video image_list entries use 'image', not 'image_url'" },
};
const MODEL_ALIAS_HINT = "the legacy 'model' field silently falls back to kling-v1; send 'model_name'";

function schemaFindings(family: Family, error: z.ZodError): Finding[] {
  return error.issues.flatMap((issue): Finding[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = formatPath([...issue.path, key]);
        const hint = key === 'model' && issue.path.length === 0 ? MODEL_ALIAS_HINT : KEY_HINTS[family][key];
        return { path, message: `is not a ${family} field${hint ? `: ${hint}` : ''}` };
      });
    }
    return [{ path: formatPath(issue.path) || '(body)', message: issue.message }];
  });
}

interface Collector {
  error(path: string, message: string): void;
  warn(path: string, message: string): void;
}

type MultiShotCapable = Pick<Text2videoRequest, 'multi_shot' | 'shot_type' | 'multi_prompt' | 'prompt' | 'duration'>;

function checkModelAndDuration(family: Family, body: RequestByFamily[Family], out: Collector): void {
  const modelName = body.model_name;
  if (modelName !== undefined && !(MODELS_BY_FAMILY[family] as readonly string[]).includes(modelName)) {
    out.error('model_name', `'${modelName}' is not a ${family} model; the API lists ${MODELS_BY_FAMILY[family].join(', ')}`);
    return;
  }
  const model = effectiveModel(family, modelName);
  if (model === undefined) return;
  const duration = body.duration ?? '5';
  if (!DURATIONS_BY_MODEL[model].includes(duration)) {
    out.error('duration', `"${duration}" is not a duration ${model} takes (${DURATIONS_BY_MODEL[model].join(', ')})`);
  }
  if ('cfg_scale' in body && body.cfg_scale !== undefined && !supportsCfgScale(model)) {
    out.error('cfg_scale', `is not supported by ${model} (docs/kling-api.md §3a: no kling-v2.x model takes it)`);
  }
  if ('sound' in body && body.sound === 'on') {
    if (!supportsSound(model)) out.error('sound', `'on' needs kling-v2-6 or later; ${model} has no sound`);
    else if (model === 'kling-v2-6' && body.mode !== 'pro') out.error('sound', "'on' on kling-v2-6 needs mode 'pro'");
  }
}

function checkMultiShot(body: MultiShotCapable, out: Collector): void {
  if (body.multi_shot !== true) {
    if (body.shot_type !== undefined || body.multi_prompt !== undefined) {
      out.warn('multi_shot', 'shot_type and multi_prompt are ignored unless multi_shot is true (docs/kling-api.md §3f)');
    }
    if (!body.prompt) out.error('prompt', 'is required and must not be empty unless multi_shot uses shot_type customize');
    return;
  }
  if (body.shot_type === undefined) {
    out.error('shot_type', 'is required when multi_shot is true (docs/kling-api.md §3f)');
    return;
  }
  if (body.shot_type === 'intelligence') {
    if (!body.prompt) out.error('prompt', "is required when shot_type is 'intelligence'");
    return;
  }
  const shots = body.multi_prompt;
  if (shots === undefined) {
    out.error('multi_prompt', "is required when shot_type is 'customize'");
    return;
  }
  const total = Number(body.duration ?? '5');
  let sum = 0;
  const seen = new Set<number>();
  shots.forEach((shot, i) => {
    const seconds = Number(shot.duration);
    sum += seconds;
    if (seconds < 1 || seconds > total) {
      out.error(`multi_prompt[${i}].duration`, `must be between 1 and the total duration ${total}`);
    }
    if (seen.has(shot.index)) out.error(`multi_prompt[${i}].index`, `repeats index ${shot.index}`);
    seen.add(shot.index);
  });
  if (sum !== total) {
    out.error('multi_prompt', `shot durations add up to ${sum}, but duration is ${total}; they must be equal (docs/kling-api.md §3f)`);
  }
}

function checkOmni(body: OmniVideoRequest, out: Collector): void {
  const images = body.image_list ?? [];
  const elements = body.element_list ?? [];
  const videos = body.video_list ?? [];
  const firstFrames = images.filter((i) => i.type === 'first_frame').length;
  const endFrames = images.filter((i) => i.type === 'end_frame').length;
  const frameMode = firstFrames + endFrames > 0;
  // kling-api §3g: refer_type defaults to `base`, i.e. editing the supplied video.
  const videoEditing = videos.some((v) => (v.refer_type ?? 'base') === 'base');

  if (firstFrames > 1) out.error('image_list', 'has more than one first_frame');
  if (endFrames > 1) out.error('image_list', 'has more than one end_frame');
  if (endFrames > 0 && firstFrames === 0) out.error('image_list', 'has an end_frame without a first_frame (docs/kling-api.md §3g)');
  if (frameMode && videoEditing) {
    out.error('image_list', 'frame images cannot be combined with video editing (video_list refer_type base)');
  }
  const limit = videos.length > 0 ? 4 : 7;
  if (images.length + elements.length > limit) {
    out.error(
      'image_list',
      `images + elements total ${images.length + elements.length}; at most ${limit} ${videos.length > 0 ? 'with' : 'without'} a reference video (docs/kling-api.md §3g)`,
    );
  }
  if (firstFrames > 0 && endFrames === 0 && elements.length > 3) {
    out.error('element_list', 'first-frame mode allows at most 3 elements (docs/kling-api.md §3g)');
  }
  if (videos.length > 0 && body.sound === 'on') out.error('sound', "must be 'off' when video_list is present (docs/kling-api.md §3a)");

  const model = body.model_name ?? 'kling-video-o1';
  if (model === 'kling-video-o1') {
    if (frameMode && images.length > 2) out.error('image_list', 'kling-video-o1 takes no frame types once there are more than 2 images');
    if (firstFrames > 0 && endFrames > 0 && elements.length > 0) {
      out.error('element_list', 'kling-video-o1 takes no elements in start+end frame mode');
    }
    const plainOrFirstFrameOnly = videos.length === 0 && elements.length === 0 && images.every((i) => i.type === 'first_frame');
    if (plainOrFirstFrameOnly && body.duration !== undefined && !['5', '10'].includes(body.duration)) {
      out.error('duration', 'kling-video-o1 takes only "5" or "10" for plain text or first-frame-only generation (docs/kling-api.md §3c)');
    }
  }

  if (body.multi_shot === true && frameMode)
    out.error('image_list', 'start/end frames are not allowed with multi_shot (docs/kling-api.md §3f)');

  if (body.aspect_ratio !== undefined && (frameMode || videoEditing)) {
    out.warn(
      'aspect_ratio',
      'the docs say aspect_ratio does not apply to frame-based generation or video editing on Omni (docs/kling-api.md §3g); the live response settles whether it is ignored',
    );
  }
  if (body.aspect_ratio === undefined && !frameMode && !videoEditing) {
    out.warn('aspect_ratio', 'the docs say aspect_ratio is required without a first frame or video editing (docs/kling-api.md §3a)');
  }
}

function checkImage2video(body: Image2videoRequest, out: Collector): void {
  if (body.image === undefined && body.image_tail === undefined) {
    out.error('image', 'image or image_tail is required (docs/kling-api.md §3e)');
  }
  const exclusive = [
    body.image_tail !== undefined && 'image_tail',
    (body.static_mask !== undefined || body.dynamic_masks !== undefined) && 'motion-brush masks',
    body.camera_control !== undefined && 'camera_control',
  ].filter((v): v is string => typeof v === 'string');
  if (exclusive.length > 1) out.error('(body)', `${exclusive.join(', ')} cannot be combined (docs/kling-api.md §3e)`);
  if (body.element_list !== undefined && body.voice_list !== undefined) {
    out.error('voice_list', 'cannot be combined with element_list (docs/kling-api.md §3e)');
  }
  if (body.voice_list !== undefined && body.sound !== 'on')
    out.error('sound', "must be 'on' when voice_list is used (docs/kling-api.md §3e)");
  if (body.multi_shot === true && body.image_tail !== undefined) {
    out.error('image_tail', 'start/end frames are not allowed with multi_shot (docs/kling-api.md §3f)');
  }
  if (body.aspect_ratio !== undefined) {
    out.warn(
      'aspect_ratio',
      'image2video has no aspect_ratio field in the docs (output follows the image, docs/kling-api.md §3e); the plan sends it and the live round settles it',
    );
  }
}

function run<T>(family: Family, schema: z.ZodType<T>, payload: unknown, rules: (body: T, out: Collector) => void): RequestCheck {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) return { errors: schemaFindings(family, parsed.error), warnings: [] };
  const result: RequestCheck = { errors: [], warnings: [] };
  rules(parsed.data, {
    error: (path, message) => result.errors.push({ path, message }),
    warn: (path, message) => result.warnings.push({ path, message }),
  });
  return result;
}

export function checkRequest(family: Family, payload: unknown): RequestCheck {
  switch (family) {
    case 'omni-video':
      return run(family, omniVideoRequest, payload, (body, out) => {
        checkModelAndDuration(family, body, out);
        checkMultiShot(body, out);
        checkOmni(body, out);
      });
    case 'text2video':
      return run(family, text2videoRequest, payload, (body, out) => {
        checkModelAndDuration(family, body, out);
        checkMultiShot(body, out);
      });
    case 'image2video':
      return run(family, image2videoRequest, payload, (body, out) => {
        checkModelAndDuration(family, body, out);
        checkMultiShot(body, out);
        checkImage2video(body, out);
      });
    case 'multi-image2video':
      return run(family, multiImage2videoRequest, payload, (body, out) => {
        checkModelAndDuration(family, body, out);
      });
  }
}
