import { elementIds } from '../../helpers/harness/rows/row-inputs.ts';
import { row } from '../../helpers/harness/rows/row.ts';
import { buildOmniElements } from '../../helpers/kling/builders.ts';

export default row({
  id: 'F',
  title: 'Omni — Elements identity (element_list)',
  order: 7,
  family: 'omni-video',
  defaultRound: false,
  liveAllowed: true,
  purpose: 'confirm the Elements identity workflow: element_list ids referenced as <<<element_N>>> in the prompt',
  payloadProvenance: 'doc-derived',
  inputs: {
    elementIds: {
      kind: 'element-ids',
      env: 'OMNI_ELEMENT_IDS',
      describe: 'the ids of 1 to 3 Elements made in your Kling account, comma-separated (element_list[].element_id)',
      rehearsal: '1001',
    },
  },
  payload: (inputs) =>
    buildOmniElements({
      prompt: '<<<element_1>>> walks up the green hill toward the red house and waves at the camera.',
      elementIds: elementIds(inputs.elementIds ?? ''),
    }),
  approvedAlone: 'the plan: "no element-backed generation yet"',
  successCriteria: ['create returns code=0', 'query reaches succeed', 'the element is recognisable in the output (judged by a person)'],
  stopConditions: ['first successful create ends the row', 'an element id the API does not know: fix the id, never try variants'],
  reopenCriteria: 'only if the element_list builder changes',
});
