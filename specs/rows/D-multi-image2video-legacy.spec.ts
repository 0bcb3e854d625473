import { knownGoodImageBase64 } from '../../helpers/assets/paths.ts';
import { row } from '../../helpers/harness/rows/row.ts';
import { buildMultiImage2videoNoModel } from '../../helpers/kling/builders.ts';

export default row({
  id: 'D',
  title: 'multi-image2video — legacy-route analysis',
  order: 4,
  family: 'multi-image2video',
  defaultRound: false,
  liveAllowed: true,
  purpose: 'legacy-route analysis of multi-image2video, only when named explicitly; never a production-default choice',
  // The plan gives no payload block for this row: the shape is the docs' (kling-api §3h).
  payloadProvenance: 'doc-derived',
  payload: () =>
    buildMultiImage2videoNoModel({
      prompt: 'The house stands on the hill as clouds pass slowly overhead.',
      images: [knownGoodImageBase64()],
    }),
  approvals: { legacyRoute: true },
  successCriteria: ['create returns code=0', 'query reaches succeed'],
  stopConditions: [
    'keep historical notes and provenance, but do not present this route as a current production-default choice',
    'do not use image2video + image_tail results as a substitute for this route',
  ],
});
