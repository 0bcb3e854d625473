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
