import { knownGoodImageBase64 } from '../../helpers/assets/paths.ts';
import { row } from '../../helpers/harness/rows/row.ts';
import { buildOmniFirstFrame } from '../../helpers/kling/builders.ts';

export default row({
  id: 'A',
  title: 'Omni — first-frame anchored baseline',
  order: 1,
  family: 'omni-video',
  defaultRound: true,
  liveAllowed: true,
  purpose: 'confirm the current safest one-scene Omni path still behaves as the anchor baseline for the repo',
  // The plan: "strongest current path: image_list[].image_url + type='first_frame'".
  payloadProvenance: 'live-confirmed',
  payload: () =>
    buildOmniFirstFrame({
      prompt: 'A red house on a green hill under a bright sun; the camera slowly pushes in toward the door.',
      firstFrame: knownGoodImageBase64(),
    }),
  successCriteria: [
    'create returns code=0',
    'query reaches succeed',
    'output is visually consistent with the supplied first frame (judged by a person from the attached video)',
    'response/log shape still matches current builder + validator assumptions (no drift)',
  ],
  stopConditions: [
    'first successful create ends the row',
    'if create fails due to auth/platform/transient error, stop and fix environment before any variant',
    'if create fails because the documented payload itself is rejected, stop and reopen docs/code review before retrying',
  ],
  reopenCriteria: 'only if builder/validator changes, model allowlist changes, or first-frame adherence regresses unexpectedly',
  // Below this the summary says "look at the frames" (the reopen criterion above); the verdict never depends on it.
  firstFrameThreshold: 0.5,
});
