import type { BuiltRequest } from '../../kling/builders.ts';
import { RegistryError, type RegistryRow } from './registry.ts';
import type { RowInputValues } from './row.ts';

/** The row's payload from its resolved inputs, refused before any request when built for another family than declared. */
export function buildRowPayload(row: RegistryRow, inputs: RowInputValues): BuiltRequest {
  const built = row.payload(inputs);
  if (built.family !== row.family) {
    throw new RegistryError(`${row.file}: row ${row.id} is declared ${row.family}, but its payload is built for ${built.family}`);
  }
  return built;
}
