import { resolve } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import type { loadRegistry } from '../rows/registry.ts';

/**
 * Row specs run one after another in the registry's order (each row's `order`, the plan's A → B → C → D), not
 * in file-name order; every other test file runs after them by path. The registry is loaded through the rows
 * project's own module runner, the way the rows themselves load it.
 */
export class RowOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = new Map<string, number>();
    const rowsProject = files.find((f) => f.project.name === 'rows')?.project;
    if (rowsProject !== undefined) {
      const registryModule = resolve(rowsProject.config.root, 'helpers/harness/rows/registry.ts');
      const { loadRegistry: load } = await rowsProject.import<{ loadRegistry: typeof loadRegistry }>(registryModule);
      for (const [i, row] of (await load()).rows.entries()) rank.set(row.file, i);
    }
    const rankOf = (f: TestSpecification) => rank.get(f.moduleId) ?? Number.MAX_SAFE_INTEGER;
    return [...files].sort((a, b) => rankOf(a) - rankOf(b) || a.moduleId.localeCompare(b.moduleId));
  }
}
