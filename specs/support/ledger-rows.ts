import type { RowSpec } from '../../helpers/harness/rows/row-spec.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';

/** Row B's shape, for the ledger's crash tests. */
export const ledgerTestRow: RowSpec = {
  row: 'B',
  purpose: 'no-model text2video',
  payloadProvenance: 'policy-test',
  payload: () => buildText2videoNoModel({ prompt: 'A paper boat drifts slowly across a calm pond at sunrise.' }),
  successCriteria: [],
  stopConditions: [],
  reopenCriteria: 'only if the no-model attempt fails with a clearly model-policy-specific error',
};
