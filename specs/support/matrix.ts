import { loadRegistry } from '../../helpers/harness/rows/registry.ts';

/**
 * The matrix as the registry reads it (specs/rows, or ROWS_DIR): tests that check the committed rows, their
 * recordings or a whole run derive every row id, name and count from it, so a new row needs no test edit.
 */
export const matrix = await loadRegistry();

/** The recordings the matrix replays from: the committed ones, or RECORDINGS_DIR's (a scratch registry's). */
export const matrixRecordings = process.env.RECORDINGS_DIR || 'recordings';
