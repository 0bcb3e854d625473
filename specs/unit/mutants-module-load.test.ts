import { describe, expect, it } from 'vitest';
import modules from '../../stryker/modules.json' with { type: 'json' };

/**
 * Every mutated module loads. Imported inside the test, not above it: a mutant that makes a module throw while it
 * loads (a zod schema built wrong at the top of the file) breaks the import of every suite that needs it, which the
 * vitest runner reports as no test run at all, so Stryker would count it a survivor. Here it fails a test.
 */
describe('Mutation testing | each mutated module loads', () => {
  it.each(modules.flatMap((m) => m.files))('%s', async (file) => {
    const loaded = (await import(`../../${file}`)) as Record<string, unknown>;
    expect(Object.keys(loaded).length).toBeGreaterThan(0);
  });
});
