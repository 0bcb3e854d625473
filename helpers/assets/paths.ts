import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The committed row C asset (see known-good-image.ts for how it is made). */
export const KNOWN_GOOD_IMAGE_PATH = fileURLToPath(new URL('./known-good-512.png', import.meta.url));

/** The asset as the API takes it: raw base64, no `data:` prefix (kling-api §4). */
export function knownGoodImageBase64(): string {
  return readFileSync(KNOWN_GOOD_IMAGE_PATH).toString('base64');
}
