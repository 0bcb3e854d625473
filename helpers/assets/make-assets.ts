import { writeFileSync } from 'node:fs';
import { KNOWN_GOOD_IMAGE_PATH } from './paths.ts';
import { drawKnownGoodPng } from './known-good-image.ts';

const png = drawKnownGoodPng();
writeFileSync(KNOWN_GOOD_IMAGE_PATH, png);
console.log(`wrote ${KNOWN_GOOD_IMAGE_PATH} (${png.length} bytes)`);
