import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Under Stryker a run stops at its first failing test (the mutant is killed), so the files most likely to fail
 * fast go first: the mutant-focused suites, then the other unit suites, then those that drive the sandbox and the
 * runner end to end. A survivor still runs every test that reached it; only killed mutants get cheaper.
 */
const ORDER = [/\/mutants-[^/]*\.test\.ts$/, /^specs\/unit\//, /^specs\/sandbox\//, /^specs\/harness\//];

export class KillersFirstSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const path = relative(f.project.config.root, f.moduleId);
      const at = ORDER.findIndex((pattern) => pattern.test(`/${path}`) || pattern.test(path));
      return at === -1 ? ORDER.length : at;
    };
    return Promise.resolve([...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId)));
  }
}
