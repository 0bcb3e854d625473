import { Registry } from '../../helpers/harness/rows/registry.ts';
import { buildText2videoNoModel } from '../../helpers/kling/builders.ts';
import { testRow } from './test-row.ts';

/**
 * A registry of the tests' own, for what reads a registry without running rows (the run configuration, the
 * ledger's report): four rows that may create, three of them the default round and two deciding the end state,
 * and one replay-only row. It is not the matrix: adding a row to specs/rows changes nothing here.
 */
const payload = () => buildText2videoNoModel({ prompt: 'a fixture row' });

export const fixtureRegistry = new Registry([
  testRow({ id: 'A', order: 1, defaultRound: true, payload }),
  testRow({ id: 'B', order: 2, defaultRound: true, decidesEndState: true, payload }),
  testRow({ id: 'C', order: 3, defaultRound: true, decidesEndState: true, payload }),
  testRow({ id: 'D', order: 4, payload }),
  testRow({ id: 'R', order: 5, liveAllowed: false, payload }),
]);
