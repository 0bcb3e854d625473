/** The four endpoint families of the `/v1/videos/*` API generation (kling-api §2). */
export const FAMILIES = ['omni-video', 'text2video', 'image2video', 'multi-image2video'] as const;
export type Family = (typeof FAMILIES)[number];

export function isFamily(value: string): value is Family {
  return (FAMILIES as readonly string[]).includes(value);
}

/** Create is `POST <path>`, query one is `GET <path>/{id}`, list is `GET <path>?pageNum=&pageSize=` (kling-api §2). */
export function familyPath(family: Family): string {
  return `/v1/videos/${family}`;
}
