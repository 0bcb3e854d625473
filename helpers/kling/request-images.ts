/** Every image a create body carries, whichever key its family uses (kling-api §8). */
export function imagesOf(body: Readonly<Record<string, unknown>>): string[] {
  const found: string[] = [];
  const take = (value: unknown) => {
    if (typeof value === 'string') found.push(value);
  };
  take(body.image);
  take(body.image_tail);
  if (Array.isArray(body.image_list)) {
    for (const entry of body.image_list as unknown[]) {
      if (typeof entry === 'object' && entry !== null) {
        take((entry as Record<string, unknown>).image_url);
        take((entry as Record<string, unknown>).image);
      }
    }
  }
  return found;
}

/**
 * The image a create asks the video to start from, when it names one: image2video's `image`, or Omni's
 * `image_list[]` entry of `type: first_frame` (kling-api §3g). Other families take no first frame.
 */
export function firstFrameImage(family: string, body: Readonly<Record<string, unknown>>): string | undefined {
  if (family === 'image2video') return typeof body.image === 'string' ? body.image : undefined;
  if (family !== 'omni-video' || !Array.isArray(body.image_list)) return undefined;
  for (const entry of body.image_list as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { type, image_url: url } = entry as Record<string, unknown>;
    if (type === 'first_frame' && typeof url === 'string') return url;
  }
  return undefined;
}
