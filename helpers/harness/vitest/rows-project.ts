/** The vitest project that runs the matrix (vitest.config.ts): a round is this project's run, and only its. */
export const ROWS_PROJECT = 'rows';
