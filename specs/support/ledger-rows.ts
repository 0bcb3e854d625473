import { Registry } from '../../helpers/harness/rows/registry.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';
import { testRow } from './test-row.ts';

/** A no-model text2video row, for the ledger's crash tests (run in a child process, run-row-child.ts). */
export const ledgerTestRow = testRow(
  {
    id: 'B',
    payload: () => buildText2videoNoModel({ prompt: 'A paper boat drifts slowly across a calm pond at sunrise.' }),
    reopenCriteria: 'only if the no-model attempt fails with a clearly model-policy-specific error',
  },
  'ledger-test',
);

export const ledgerTestRegistry = new Registry([ledgerTestRow]);
