import { expect, it } from 'vitest';

// The benchmark's floor: one trivial test under the same configuration as the matrix, to price vitest itself.
it('is the floor', () => {
  expect(1 + 1).toBe(2);
});
