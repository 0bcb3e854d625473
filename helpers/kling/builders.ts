import type { Family } from './families.ts';
import type {
  Image2videoRequest,
  MultiImage2videoRequest,
  OmniVideoRequest,
  RequestByFamily,
  Text2videoRequest,
} from './request-schemas.ts';

/**
 * Request builders. Rows A–C return the plan's minimal payload blocks key for key, with the placeholders filled;
 * everything else about a row (gates, evidence) lives elsewhere.
 */

export interface BuiltRequest<F extends Family = Family> {
  family: F;
  body: RequestByFamily[F];
}

/** The plan's cost-control notes: 5 s, std, 16:9 for every row of this round. */
const ROUND_DEFAULTS = { duration: '5', mode: 'std', aspect_ratio: '16:9' } as const;
const OMNI_MODEL = 'kling-v3-omni';

/** Row A: Omni, first-frame anchored baseline. */
export function buildOmniFirstFrame(input: { prompt: string; firstFrame: string }): BuiltRequest<'omni-video'> {
  const body: OmniVideoRequest = {
    model_name: OMNI_MODEL,
    prompt: input.prompt,
    ...ROUND_DEFAULTS,
    image_list: [{ image_url: input.firstFrame, type: 'first_frame' }],
  };
  return { family: 'omni-video', body };
}

/** Row B: text2video with `model_name` omitted on purpose (the scaffold-policy question). */
export function buildText2videoNoModel(input: { prompt: string }): BuiltRequest<'text2video'> {
  const body: Text2videoRequest = { prompt: input.prompt, ...ROUND_DEFAULTS };
  return { family: 'text2video', body };
}

/** Row C: image2video with `model_name` omitted, on a known-good asset. */
export function buildImage2videoNoModel(input: { image: string; prompt: string }): BuiltRequest<'image2video'> {
  const body: Image2videoRequest = { image: input.image, prompt: input.prompt, ...ROUND_DEFAULTS };
  return { family: 'image2video', body };
}

/**
 * Row D: legacy multi-image2video, minimal no-model. The plan gives no payload block for this row, so the shape
 * is the docs' (kling-api §3h: `image_list[].image`, prompt required).
 */
export function buildMultiImage2videoNoModel(input: { prompt: string; images: readonly string[] }): BuiltRequest<'multi-image2video'> {
  const body: MultiImage2videoRequest = {
    prompt: input.prompt,
    image_list: input.images.map((image) => ({ image })),
    ...ROUND_DEFAULTS,
  };
  return { family: 'multi-image2video', body };
}

/** The plan's preserved prompt of the risk-control boundary case, verbatim (typos included). */
export const PRESERVED_RISK_CONTROL_PROMPT =
  'Two female hosts stand in a private bedroom and notice a lingerie piece hanging on a rack. They react with subtle surprise and admiration. One host lifts the lingerie from the hanger and holds it against her body, then tries it on in place with visible, natural dressing motion. She adjusts smooths the fit while the second host watches with an impressed meaningful smile. The final scene concludes with a woman trying on the lingerie posing with a meaningful smile, followed by a close-up of the garment. smooth and seamless movement, vivid product images, and realistic body and clothing movements blend together.';

/**
 * The preserved risk-control run: kling-v3-omni, 10 s, three raw-base64 references in `image_list[].image_url`.
 * Only what the plan recorded is set; mode and aspect_ratio were not recorded and are left out rather than guessed.
 */
export function buildPreservedRiskControl(input: { references: readonly [string, string, string] }): BuiltRequest<'omni-video'> {
  const body: OmniVideoRequest = {
    model_name: OMNI_MODEL,
    prompt: PRESERVED_RISK_CONTROL_PROMPT,
    duration: '10',
    image_list: input.references.map((image_url) => ({ image_url })),
  };
  return { family: 'omni-video', body };
}

// Next round (the plan's priority note): builders now, rows later, each behind its own gate.

/** Omni `video_list` scene-reference continuity: `refer_type: feature` uses the clip as the previous shot (kling-api §3g). */
export function buildOmniVideoContinuation(input: { prompt: string; videoUrl: string }): BuiltRequest<'omni-video'> {
  const body: OmniVideoRequest = {
    model_name: OMNI_MODEL,
    prompt: input.prompt,
    ...ROUND_DEFAULTS,
    video_list: [{ video_url: input.videoUrl, refer_type: 'feature', keep_original_sound: 'no' }],
  };
  return { family: 'omni-video', body };
}

/** Omni Elements identity workflow: `element_list[].element_id`, referenced as `<<<element_N>>>` in the prompt. */
export function buildOmniElements(input: { prompt: string; elementIds: readonly number[] }): BuiltRequest<'omni-video'> {
  const body: OmniVideoRequest = {
    model_name: OMNI_MODEL,
    prompt: input.prompt,
    ...ROUND_DEFAULTS,
    element_list: input.elementIds.map((element_id) => ({ element_id })),
  };
  return { family: 'omni-video', body };
}

/** `video_list` + `element_list` together; with a video, images + elements may total at most 4 (kling-api §3g). */
export function buildOmniVideoWithElements(input: {
  prompt: string;
  videoUrl: string;
  elementIds: readonly number[];
}): BuiltRequest<'omni-video'> {
  const body: OmniVideoRequest = {
    ...buildOmniVideoContinuation(input).body,
    element_list: input.elementIds.map((element_id) => ({ element_id })),
  };
  return { family: 'omni-video', body };
}

/**
 * Omni multi-shot. Each shot gets its `index` (1-based, in order): the plan records that a missing index failed
 * the create. The total duration is the sum of the shots, which kling-api §3f requires to match exactly.
 */
export function buildOmniMultiShot(input: { shots: readonly { prompt: string; duration: number }[] }): BuiltRequest<'omni-video'> {
  const total = input.shots.reduce((sum, shot) => sum + shot.duration, 0);
  const body: OmniVideoRequest = {
    model_name: OMNI_MODEL,
    multi_shot: true,
    shot_type: 'customize',
    multi_prompt: input.shots.map((shot, i) => ({ index: i + 1, prompt: shot.prompt, duration: String(shot.duration) })),
    duration: String(total),
    mode: 'std',
    aspect_ratio: '16:9',
  };
  return { family: 'omni-video', body };
}
