import { z } from 'zod';
import { judgeImageRef } from './image-ref.ts';

/**
 * Request bodies as the docs describe them, one strict schema per family (kling-api §3). Strict, because a
 * key the endpoint does not know (`image` on Omni, `model` instead of `model_name`) is the commonest way to
 * send a body that silently means something else (kling-api §8).
 *
 * Rules that span several fields and depend on the model live in request-rules.ts; these schemas hold the
 * per-field shape only.
 */

export const imageRef = z.string().superRefine((value, ctx) => {
  const judged = judgeImageRef(value);
  if (!judged.ok) ctx.addIssue({ code: 'custom', message: `${judged.message} (docs/kling-api.md §4)` });
});

const wholeSeconds = z.string({ error: 'must be a string of whole seconds, e.g. "5" (docs/kling-api.md §3a)' }).regex(/^\d+$/, {
  error: 'must be a string of whole seconds, e.g. "5" (docs/kling-api.md §3a)',
});

export const promptText = z.string().max(2500, { error: 'must be at most 2500 characters (docs/kling-api.md §3a)' });
export const modeField = z.enum(['std', 'pro']);
export const aspectRatioField = z.enum(['16:9', '9:16', '1:1']);
export const soundField = z.enum(['on', 'off']);
const watermarkInfo = z.strictObject({ enabled: z.boolean() });

const axis = z.number().min(-10).max(10);
export const cameraControl = z
  .strictObject({
    type: z.enum(['simple', 'down_back', 'forward_up', 'right_turn_forward', 'left_turn_forward']),
    config: z.strictObject({ horizontal: axis, vertical: axis, pan: axis, tilt: axis, roll: axis, zoom: axis }).optional(),
  })
  .superRefine((value, ctx) => {
    // kling-api §3d: config only with `simple`, and then exactly one non-zero axis.
    if (value.type !== 'simple') {
      if (value.config !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['config'],
          message: `must be left out when type is '${value.type}' (docs/kling-api.md §3d)`,
        });
      }
      return;
    }
    if (value.config === undefined) {
      ctx.addIssue({ code: 'custom', path: ['config'], message: "is required when type is 'simple' (docs/kling-api.md §3d)" });
      return;
    }
    const nonZero = Object.entries(value.config)
      .filter(([, v]) => v !== 0)
      .map(([k]) => k);
    if (nonZero.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['config'],
        message: `must have exactly one non-zero axis, found ${nonZero.length}${nonZero.length ? ` (${nonZero.join(', ')})` : ''} (docs/kling-api.md §3d)`,
      });
    }
  });

export const multiPrompt = z
  .array(
    z.strictObject({
      index: z.int({ error: 'is required and must be an integer: a create without it failed (docs/kling-api.md §3f)' }),
      prompt: z.string().min(1).max(512, { error: 'must be at most 512 characters (docs/kling-api.md §3f)' }),
      duration: wholeSeconds,
    }),
  )
  .min(1, { error: 'must hold 1 to 6 shots (docs/kling-api.md §3f)' })
  .max(6, { error: 'must hold 1 to 6 shots (docs/kling-api.md §3f)' });

const multiShotFields = {
  multi_shot: z.boolean().optional(),
  shot_type: z.enum(['customize', 'intelligence']).optional(),
  multi_prompt: multiPrompt.optional(),
};

const commonFields = {
  model_name: z.string().optional(),
  mode: modeField.optional(),
  duration: wholeSeconds.optional(),
  watermark_info: watermarkInfo.optional(),
  callback_url: z.url().optional(),
  external_task_id: z.string().optional(),
};

const elementList = z.array(
  // kling-api §8: documented as a long, yet some official examples send a string.
  z.strictObject({ element_id: z.union([z.int(), z.string().regex(/^\d+$/)]) }),
);

export const omniVideoRequest = z.strictObject({
  ...commonFields,
  ...multiShotFields,
  prompt: promptText.optional(),
  aspect_ratio: aspectRatioField.optional(),
  sound: soundField.optional(),
  image_list: z.array(z.strictObject({ image_url: imageRef, type: z.enum(['first_frame', 'end_frame']).optional() })).optional(),
  element_list: elementList.optional(),
  video_list: z
    .array(
      z.strictObject({
        video_url: z.url(),
        refer_type: z.enum(['base', 'feature']).optional(),
        keep_original_sound: z.enum(['yes', 'no']).optional(),
      }),
    )
    .max(1, { error: 'may hold at most 1 video (docs/kling-api.md §3g)' })
    .optional(),
});

/** The fields text2video and image2video share (kling-api §3a). */
const generationFields = {
  ...commonFields,
  ...multiShotFields,
  prompt: promptText.optional(),
  negative_prompt: promptText.optional(),
  cfg_scale: z.number().min(0).max(1).optional(),
  // On image2video this is not in the docs (kling-api §3e: output follows the image); it stays so the plan's row C can
  // send it, with a warning from request-rules.ts.
  aspect_ratio: aspectRatioField.optional(),
  sound: soundField.optional(),
  camera_control: cameraControl.optional(),
};

export const text2videoRequest = z.strictObject(generationFields);

export const image2videoRequest = z.strictObject({
  ...generationFields,
  image: imageRef.optional(),
  image_tail: imageRef.optional(),
  static_mask: imageRef.optional(),
  dynamic_masks: z
    .array(
      z.strictObject({
        mask: imageRef,
        trajectories: z
          .array(z.strictObject({ x: z.int(), y: z.int() }))
          .min(2, { error: 'needs 2 to 77 points (docs/kling-api.md §3e)' })
          .max(77, { error: 'needs 2 to 77 points (docs/kling-api.md §3e)' }),
      }),
    )
    .max(6, { error: 'may hold at most 6 masks (docs/kling-api.md §3e)' })
    .optional(),
  element_list: elementList.max(3, { error: 'may hold at most 3 elements (docs/kling-api.md §3e)' }).optional(),
  voice_list: z
    .array(z.strictObject({ voice_id: z.string().min(1) }))
    .max(2, { error: 'may hold at most 2 voices (docs/kling-api.md §3e)' })
    .optional(),
});

export const multiImage2videoRequest = z.strictObject({
  ...commonFields,
  prompt: promptText.min(1, { error: 'is required on multi-image2video (docs/kling-api.md §3h)' }),
  negative_prompt: promptText.optional(),
  aspect_ratio: aspectRatioField.optional(),
  image_list: z
    .array(z.strictObject({ image: imageRef }))
    .min(1, { error: 'needs at least one image (docs/kling-api.md §3h)' })
    .max(4, { error: 'may hold at most 4 images (docs/kling-api.md §3h)' }),
});

export type OmniVideoRequest = z.infer<typeof omniVideoRequest>;
export type Text2videoRequest = z.infer<typeof text2videoRequest>;
export type Image2videoRequest = z.infer<typeof image2videoRequest>;
export type MultiImage2videoRequest = z.infer<typeof multiImage2videoRequest>;

export interface RequestByFamily {
  'omni-video': OmniVideoRequest;
  text2video: Text2videoRequest;
  image2video: Image2videoRequest;
  'multi-image2video': MultiImage2videoRequest;
}
