import type { OmniVideoRequest } from './request-schemas.ts';
import { cite, type Collector } from './rules-collector.ts';

/**
 * The Omni rules (kling-api §3g): how many first and end frames, images, elements and videos may go together,
 * what kling-video-o1 takes beyond that, no frames with multi_shot, no sound with a video, and the warnings on
 * aspect_ratio, which the docs tie to the kind of generation.
 */

export function checkOmni(body: OmniVideoRequest, out: Collector): void {
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
