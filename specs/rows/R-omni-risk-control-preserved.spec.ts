import { knownGoodImageBase64 } from '../../helpers/assets/paths.ts';
import { row } from '../../helpers/harness/rows/row.ts';
import { buildPreservedRiskControl } from '../../helpers/kling/builders.ts';

export default row({
  id: 'R',
  title: 'Omni — preserved risk-control boundary case',
  order: 5,
  family: 'omni-video',
  defaultRound: false,
  liveAllowed: false,
  purpose:
    'keep the preserved lingerie stress attempt (task 867314916859576411) as a boundary case: it must read as moderation/content-risk, not as a body-shape failure',
  payloadProvenance: 'live-confirmed',
  // The three user-provided references were not preserved; the transcription uses the known-good image as a
  // stand-in for each, so only their count and their raw-base64 form are evidence.
  payload: () => {
    const stand = knownGoodImageBase64();
    return buildPreservedRiskControl({ references: [stand, stand, stand] });
  },
  // The plan recorded no mode, so Omni's server default (pro) applied to the preserved run. R never creates:
  // approving pro here lets its payload pass the policy check without any spend following from it.
  approvals: { pro: true },
  successCriteria: ["classify as 'moderation/content-risk'", "never as 'body-shape mismatch'"],
  stopConditions: ['replay only: never created again'],
});
