import { row } from '../../helpers/harness/rows/row.ts';
import { buildOmniMultiShot } from '../../helpers/kling/builders.ts';

export default row({
  id: 'H',
  title: 'Omni — multi-shot with multi_prompt[].index',
  order: 9,
  family: 'omni-video',
  defaultRound: false,
  liveAllowed: true,
  purpose: 'confirm Omni multi-shot creates once multi_prompt[].index is sent (the earlier failure lacked it)',
  // The plan: "later logs show create/query success after adding index".
  payloadProvenance: 'live-confirmed',
  payload: () =>
    buildOmniMultiShot({
      shots: [
        { prompt: 'Wide shot: a red house on a green hill under a bright sun.', duration: 2 },
        { prompt: 'Close-up: the front door of the red house slowly opens.', duration: 3 },
      ],
    }),
  approvedAlone: 'the plan: "no Omni multi-shot retesting in the same approval batch"',
  successCriteria: ['create returns code=0', 'query reaches succeed', 'the output shows both shots in order'],
  stopConditions: ['first successful create ends the row', 'a create refused for the shots: fix the builder, never try variants'],
  reopenCriteria: 'only if the multi-shot builder changes',
});
