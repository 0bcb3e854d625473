import type { Image2videoRequest } from './request-schemas.ts';
import { cite, type Collector } from './rules-collector.ts';

/**
 * The image2video rules (kling-api §3c, §3e, §3f): an image or an end frame, the features that exclude each
 * other (end frame, motion-brush masks, camera control; elements and voices), sound with voices, no end frame
 * with multi_shot, the aspect_ratio the docs do not list, and kling-v2-6's end-frame refusals.
 */

export function checkImage2video(body: Image2videoRequest, out: Collector): void {
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
