import { z } from 'zod';
import type { Family } from './families.ts';
import { formatPath, type Finding } from './findings.ts';
import { DURATIONS_BY_MODEL, MODELS_BY_FAMILY, effectiveModel, supportsCfgScale, supportsSound, type ModelName } from './models.ts';
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
 * model (kling-api §3). Errors mean the API refuses the body (documented, or seen at runtime). Warnings mean the
 * plan and the docs disagree, the docs are silent, or the API may ignore a field: the evidence shows them and the
 * live round settles them. Every message ends with the section of docs/kling-api.md it rests on.
 */

export interface RequestCheck {
  errors: Finding[];
  warnings: Finding[];
  /** The body as the rules read it: empty optional strings left out, as the API leaves them (kling-api §3a). */
  body: unknown;
}

const cite = (section: string): string => `(docs/kling-api.md ${section})`;
const CITED = /\((?:docs\/kling-api\.md §\d+[a-z]?|https:\/\/app\.klingai\.com\/\S+)\)$/;

/** Keys that are right on one endpoint and wrong on another (kling-api §8), with what to send instead. */
const KEY_HINTS: Readonly<Record<Family, Readonly<Record<string, string>>>> = {
  'omni-video': { image: `Omni image_list entries use 'image_url', not 'image' ${cite('§8')}` },
  text2video: {},
  image2video: {},
  'multi-image2video': { image_url: `multi-image2video image_list entries use 'image', not 'image_url' ${cite('§8')}` },
};
const MODEL_ALIAS_HINT = `the legacy 'model' field silently falls back to kling-v1; send 'model_name' ${cite('§3a')}`;

/** Where each family's own fields are described (kling-api §3): the source of a field-level finding by default. */
const FAMILY_SECTION: Readonly<Record<Family, string>> = {
  'omni-video': '§3g',
  text2video: '§3a',
  image2video: '§3e',
  'multi-image2video': '§3h',
};
/** Fields described outside their family's section (kling-api §3a–§3f), whatever the family. */
const FIELD_SECTION: Readonly<Record<string, string>> = {
  model_name: '§3b',
  mode: '§3a',
  duration: '§3a',
  prompt: '§3a',
  negative_prompt: '§3a',
  cfg_scale: '§3a',
  aspect_ratio: '§3a',
  sound: '§3a',
  watermark_info: '§3a',
  callback_url: '§3a',
  external_task_id: '§3a',
  camera_control: '§3d',
  multi_shot: '§3f',
  shot_type: '§3f',
  multi_prompt: '§3f',
};

/** zod's own messages cite nothing: they get the section of the top-level field they concern (the body: §2). */
function withSource(family: Family, path: readonly PropertyKey[], message: string): string {
  if (CITED.test(message)) return message;
  const [field] = path;
  const section = field === undefined ? '§2' : (FIELD_SECTION[String(field)] ?? FAMILY_SECTION[family]);
  return `${message} ${cite(section)}`;
}

function schemaFindings(family: Family, error: z.ZodError): Finding[] {
  return error.issues.flatMap((issue): Finding[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = formatPath([...issue.path, key]);
        const hint = key === 'model' && issue.path.length === 0 ? MODEL_ALIAS_HINT : KEY_HINTS[family][key];
        return { path, message: `is not a ${family} field${hint ? `: ${hint}` : ` ${cite(FAMILY_SECTION[family])}`}` };
      });
    }
    return [{ path: formatPath(issue.path) || '(body)', message: withSource(family, issue.path, issue.message) }];
  });
}

interface Collector {
  error(path: string, message: string): void;
  warn(path: string, message: string): void;
}

const EMPTY_AS_ABSENT = `is an empty string: the API takes it as absent ${cite('§3a')}`;

/**
 * kling-api §3a: the API takes an empty optional string as absent (Kling's own examples send `callback_url: ""`;
 * a create with `static_mask: ""` succeeded). Free-form strings only: an enum (`mode`, `sound`) lists its values
 * and "" is none of them. Required strings keep "", so the schema refuses it.
 */
function optionalStringFields(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => field instanceof z.ZodOptional && field.unwrap()._zod.def.type === 'string')
    .map(([key]) => key);
}

/** The payload with its empty optional strings left out, so every later rule sees them as absent. */
function withoutEmptyOptionalStrings(schema: z.ZodObject, payload: unknown, out: Collector): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const fields = payload as Readonly<Record<string, unknown>>;
  const empty = optionalStringFields(schema).filter((key) => fields[key] === '');
  for (const key of empty) out.warn(key, EMPTY_AS_ABSENT);
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !empty.includes(key)));
}

type MultiShotCapable = Pick<Text2videoRequest, 'multi_shot' | 'shot_type' | 'multi_prompt' | 'prompt' | 'duration'>;

function checkModelAndDuration(family: Family, body: RequestByFamily[Family], out: Collector): void {
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

function checkMultiShot(body: MultiShotCapable, out: Collector): void {
  if (body.multi_shot !== true) {
    if (body.shot_type !== undefined || body.multi_prompt !== undefined) {
      out.warn('multi_shot', `shot_type and multi_prompt are ignored unless multi_shot is true ${cite('§3f')}`);
    }
    if (!body.prompt) out.error('prompt', `is required and must not be empty unless multi_shot uses shot_type customize ${cite('§3a')}`);
    return;
  }
  if (body.shot_type === undefined) {
    out.error('shot_type', `is required when multi_shot is true ${cite('§3f')}`);
    return;
  }
  if (body.shot_type === 'intelligence') {
    if (!body.prompt) out.error('prompt', `is required when shot_type is 'intelligence' ${cite('§3f')}`);
    return;
  }
  const shots = body.multi_prompt;
  if (shots === undefined) {
    out.error('multi_prompt', `is required when shot_type is 'customize' ${cite('§3f')}`);
    return;
  }
  const total = Number(body.duration ?? '5');
  let sum = 0;
  const seen = new Set<number>();
  shots.forEach((shot, i) => {
    const seconds = Number(shot.duration);
    sum += seconds;
    if (seconds < 1 || seconds > total) {
      out.error(`multi_prompt[${i}].duration`, `must be between 1 and the total duration ${total} ${cite('§3f')}`);
    }
    if (seen.has(shot.index)) out.error(`multi_prompt[${i}].index`, `repeats index ${shot.index} ${cite('§3f')}`);
    seen.add(shot.index);
  });
  if (sum !== total) {
    out.error('multi_prompt', `shot durations add up to ${sum}, but duration is ${total}; they must be equal ${cite('§3f')}`);
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

  if (firstFrames > 1) out.error('image_list', `has more than one first_frame ${cite('§3g')}`);
  if (endFrames > 1) out.error('image_list', `has more than one end_frame ${cite('§3g')}`);
  if (endFrames > 0 && firstFrames === 0) out.error('image_list', `has an end_frame without a first_frame ${cite('§3g')}`);
  if (frameMode && videoEditing) {
    out.error('image_list', `frame images cannot be combined with video editing (video_list refer_type base) ${cite('§3g')}`);
  }
  const limit = videos.length > 0 ? 4 : 7;
  if (images.length + elements.length > limit) {
    out.error(
      'image_list',
      `images + elements total ${images.length + elements.length}; at most ${limit} ${videos.length > 0 ? 'with' : 'without'} a reference video ${cite('§3g')}`,
    );
  }
  if (firstFrames > 0 && endFrames === 0 && elements.length > 3) {
    out.error('element_list', `first-frame mode allows at most 3 elements ${cite('§3g')}`);
  }
  if (videos.length > 0 && body.sound === 'on') out.error('sound', `must be 'off' when video_list is present ${cite('§3a')}`);

  const model = body.model_name ?? 'kling-video-o1';
  if (model === 'kling-video-o1') {
    if (frameMode && images.length > 2) {
      out.error('image_list', `kling-video-o1 takes no frame types once there are more than 2 images ${cite('§3g')}`);
    }
    if (firstFrames > 0 && endFrames > 0 && elements.length > 0) {
      out.error('element_list', `kling-video-o1 takes no elements in start+end frame mode ${cite('§3g')}`);
    }
    const plainOrFirstFrameOnly = videos.length === 0 && elements.length === 0 && images.every((i) => i.type === 'first_frame');
    if (plainOrFirstFrameOnly && body.duration !== undefined && !['5', '10'].includes(body.duration)) {
      out.error('duration', `kling-video-o1 takes only "5" or "10" for plain text or first-frame-only generation ${cite('§3c')}`);
    }
  }

  if (body.multi_shot === true && frameMode) out.error('image_list', `start/end frames are not allowed with multi_shot ${cite('§3f')}`);

  if (body.aspect_ratio !== undefined && (frameMode || videoEditing)) {
    out.warn(
      'aspect_ratio',
      `the docs say aspect_ratio does not apply to frame-based generation or video editing on Omni; the live response settles whether it is ignored ${cite('§3g')}`,
    );
  }
  if (body.aspect_ratio === undefined && !frameMode && !videoEditing) {
    out.warn('aspect_ratio', `the docs say aspect_ratio is required without a first frame or video editing ${cite('§3g')}`);
  }
}

function checkImage2video(body: Image2videoRequest, out: Collector): void {
  if (body.image === undefined && body.image_tail === undefined) {
    out.error('image', `image or image_tail is required ${cite('§3e')}`);
  }
  const exclusive = [
    body.image_tail !== undefined && 'image_tail',
    (body.static_mask !== undefined || body.dynamic_masks !== undefined) && 'motion-brush masks',
    body.camera_control !== undefined && 'camera_control',
  ].filter((v): v is string => typeof v === 'string');
  if (exclusive.length > 1) out.error('(body)', `${exclusive.join(', ')} cannot be combined ${cite('§3e')}`);
  if (body.element_list !== undefined && body.voice_list !== undefined) {
    out.error('voice_list', `cannot be combined with element_list ${cite('§3e')}`);
  }
  if (body.voice_list !== undefined && body.sound !== 'on') out.error('sound', `must be 'on' when voice_list is used ${cite('§3e')}`);
  if (body.multi_shot === true && body.image_tail !== undefined) {
    out.error('image_tail', `start/end frames are not allowed with multi_shot ${cite('§3f')}`);
  }
  if (body.aspect_ratio !== undefined) {
    out.warn(
      'aspect_ratio',
      `image2video has no aspect_ratio field in the docs (output follows the image); the plan sends it and the live round settles it ${cite('§3e')}`,
    );
  }
  checkV26EndFrame(body, out);
}

/**
 * kling-api §3c: on kling-v2-6, start+end frames are pro-only and silent, and a pro create with `image_tail` and
 * sound on failed at runtime: refusals, unlike a capability the API may ignore.
 */
function checkV26EndFrame(body: Image2videoRequest, out: Collector): void {
  if (body.model_name !== 'kling-v2-6' || body.image_tail === undefined) return;
  if (body.mode !== 'pro') out.error('image_tail', `on kling-v2-6 needs mode 'pro' ${cite('§3c')}`);
  if (body.sound === 'on') out.error('image_tail', `on kling-v2-6 cannot be combined with sound 'on' ${cite('§3c')}`);
}

function run<S extends z.ZodObject>(
  family: Family,
  schema: S,
  payload: unknown,
  rules: (body: z.output<S>, out: Collector) => void,
): RequestCheck {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const out: Collector = {
    error: (path, message) => errors.push({ path, message }),
    warn: (path, message) => warnings.push({ path, message }),
  };
  const body = withoutEmptyOptionalStrings(schema, payload, out);
  const result: RequestCheck = { errors, warnings, body };
  const parsed = schema.safeParse(body);
  if (!parsed.success) result.errors.push(...schemaFindings(family, parsed.error));
  else rules(parsed.data, out);
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
