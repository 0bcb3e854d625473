import { row } from '../../helpers/harness/rows/row.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';

export default row({
  id: 'B',
  title: 'text2video — scaffold-policy verification',
  order: 2,
  family: 'text2video',
  defaultRound: true,
  liveAllowed: true,
  decidesEndState: true,
  purpose: 'determine whether the current scaffold-safe minimal body works without pinned model_name',
  payloadProvenance: 'policy-test',
  payload: () => buildText2videoNoModel({ prompt: 'A paper boat drifts slowly across a calm pond at sunrise.' }),
  successCriteria: [
    'create returns code=0',
    'query reaches succeed',
    'output is a normal 5s text-generated clip',
    'no hidden requirement emerges for scaffold-disallowed fields',
  ],
  stopConditions: [
    'if minimal no-model payload succeeds, stop; do not also test legacy model-pinned variants in the same round',
    'if minimal no-model payload fails with explicit model-required or unsupported-default semantics, stop and document that exact error before asking approval for one legacy-model fallback',
    'do not test multiple model names in one approval block for the same purpose',
  ],
  legacyRetryModel: 'kling-v1',
  reopenCriteria:
    'only if the no-model attempt fails with a clearly model-policy-specific error, or if the endpoint later becomes a real routing candidate in production',
});
