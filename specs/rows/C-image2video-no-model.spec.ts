import { knownGoodImageBase64 } from '../../helpers/assets/paths.ts';
import { row } from '../../helpers/harness/rows/row.ts';
import { buildImage2videoNoModel } from '../../helpers/kling/builders.ts';

export default row({
  id: 'C',
  title: 'image2video — scaffold-policy + asset-floor verification',
  order: 3,
  family: 'image2video',
  defaultRound: true,
  liveAllowed: true,
  decidesEndState: true,
  purpose: 'verify the scaffold-safe minimal body using a known-good image floor rather than rediscovering image validity',
  payloadProvenance: 'policy-test',
  payload: () =>
    buildImage2videoNoModel({
      image: knownGoodImageBase64(),
      prompt: 'The sun drifts slowly across the sky while the grass sways in a light breeze.',
    }),
  successCriteria: [
    'create returns code=0',
    'query reaches succeed',
    'output respects the source image at least at a basic subject/scene level',
    'no extra required fields emerge beyond the current scaffold shape',
  ],
  stopConditions: [
    'if minimal no-model payload succeeds, stop',
    "if failure is 'Image pixel is invalid' or equivalent asset-quality error, stop and replace the asset first; do not infer endpoint contract failure",
    'if failure explicitly points to model/version policy, stop and request approval for exactly one legacy-model retry later',
  ],
  legacyRetryModel: 'kling-v1-6',
  reopenCriteria: 'only for model-policy clarification or if asset-validation rules appear to have changed materially',
  // The plan: "output respects the source image at least at a basic subject/scene level". Below this the summary
  // says "look at the frames"; the verdict never depends on it.
  firstFrameThreshold: 0.5,
});
