import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Row specs run one after another in the plan's order: A → B → C → D (file names start with the row id). */
export class RowOrderSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return Promise.resolve([...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId)));
  }
}
