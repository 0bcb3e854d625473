import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TABLE_END, TABLE_START, cellsIn, renderTable, tableCells, withTable } from '../../helpers/harness/rows/matrix-table.ts';
import { fixtureRegistry } from '../support/fixture-registry.ts';
import { matrix } from '../support/matrix.ts';

describe("Harness | the README's matrix table", () => {
  it('says what the row specs say (pnpm rows:table --write regenerates it)', () => {
    expect(cellsIn(readFileSync('README.md', 'utf8'))).toEqual(tableCells(matrix));
  });

  it('is read back cell for cell however it is aligned, and a stale table is caught', () => {
    const page = `# t\n\n${TABLE_START}\n\n${TABLE_END}\n\nafter\n`;
    const written = withTable(page, renderTable(tableCells(fixtureRegistry)));
    expect(cellsIn(written)).toEqual(tableCells(fixtureRegistry));
    expect(cellsIn(written.replace(/\| (\S)/g, '|   $1'))).toEqual(tableCells(fixtureRegistry));
    expect(written.endsWith(`${TABLE_END}\n\nafter\n`)).toBe(true);
    const stale = withTable(page, renderTable(tableCells(fixtureRegistry).slice(1)));
    expect(cellsIn(stale)).not.toEqual(tableCells(fixtureRegistry));
    expect(cellsIn('no markers')).toBeUndefined();
  });
});
