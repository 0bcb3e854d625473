import { join } from 'node:path';
import { registryRow, type RegistryRow } from '../../helpers/harness/rows/registry.ts';
import type { RowDefinition } from '../../helpers/harness/rows/row.ts';

/**
 * A row for a test, outside the registry: the given fields over neutral defaults, checked by the registry's own
 * rules, its family taken from its payload unless the test says otherwise (to test a mismatch).
 */
export function testRow(fields: Partial<RowDefinition> & Pick<RowDefinition, 'id' | 'payload'>, slug = 'test-row'): RegistryRow {
  return registryRow(join('/virtual-rows', `${fields.id}-${slug}.spec.ts`), {
    title: `test row ${fields.id}`,
    order: 1,
    defaultRound: false,
    liveAllowed: true,
    purpose: 'exercise the runner',
    payloadProvenance: 'policy-test',
    successCriteria: ['the task reaches succeed'],
    stopConditions: ['any failure'],
    family: fields.family ?? fields.payload({}).family,
    ...fields,
  });
}
