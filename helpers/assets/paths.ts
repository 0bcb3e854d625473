import { fileURLToPath } from 'node:url';

/** The committed row C asset (see known-good-image.ts for how it is made). */
export const KNOWN_GOOD_IMAGE_PATH = fileURLToPath(new URL('./known-good-512.png', import.meta.url));
