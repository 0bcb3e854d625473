import { readFileSync } from 'node:fs';
import { KNOWN_GOOD_IMAGE_PATH, knownGoodImageBase64 } from '../../helpers/assets/paths.ts';

/** The committed row C asset, as bytes and as the raw base64 the API takes. */
export const knownGoodPng = readFileSync(KNOWN_GOOD_IMAGE_PATH);
export const knownGoodBase64 = knownGoodImageBase64();
