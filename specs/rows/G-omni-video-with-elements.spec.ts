import { elementIds } from '../../helpers/harness/rows/row-inputs.ts';
import { row } from '../../helpers/harness/rows/row.ts';
import { buildOmniVideoWithElements } from '../../helpers/kling/builders.ts';

export default row({
  id: 'G',
  title: 'Omni — video_list + element_list together',
  order: 8,
  family: 'omni-video',
  defaultRound: false,
  liveAllowed: true,
  purpose: 'confirm a reference video and Elements work together (after E and F each closed)',
  // kling-api §3g: with a reference video, images + elements may total at most 4.
  payloadProvenance: 'doc-derived',
  inputs: {
    videoUrl: {
      kind: 'video-url',
      env: 'OMNI_REFERENCE_VIDEO_URL',
      describe: 'an https URL of an MP4 or MOV of 3 s or more, 720–2160 px a side (kling-api §3g)',
      rehearsal: 'https://sandbox.invalid/reference/previous-shot.mp4',
      fromClosedRow: 'A',
    },
    elementIds: {
      kind: 'element-ids',
      env: 'OMNI_ELEMENT_IDS',
      describe: 'the ids of 1 to 3 Elements made in your Kling account, comma-separated (element_list[].element_id)',
      rehearsal: '1001',
    },
  },
  payload: (inputs) =>
    buildOmniVideoWithElements({
      prompt: 'Continue the previous shot: <<<element_1>>> opens the door of the red house and steps inside.',
      videoUrl: inputs.videoUrl ?? '',
      elementIds: elementIds(inputs.elementIds ?? ''),
    }),
  approvedAlone: 'the plan: "no element-backed generation yet"',
  successCriteria: ['create returns code=0', 'query reaches succeed'],
  stopConditions: ['first successful create ends the row', 'run it only after E and F have each closed'],
  reopenCriteria: 'only if either builder changes',
});
