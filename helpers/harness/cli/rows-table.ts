import { readFileSync } from 'node:fs';
import { format } from 'prettier';
import { cellsIn, renderTable, tableCells, withTable } from '../rows/matrix-table.ts';
import { loadRegistry } from '../rows/registry.ts';
import { writeTextFile } from '../sinks/scrubbed-files.ts';
import { complain, say } from '../sinks/terminal.ts';

/**
 * `pnpm rows:table`: says whether the README's matrix table matches the row specs (exit 1 when not);
 * `--write` rewrites it from them, formatted as the rest of the README.
 */
const README = 'README.md';
const cells = tableCells(await loadRegistry());
const text = readFileSync(README, 'utf8');
if (process.argv.includes('--write')) {
  writeTextFile(README, await format(withTable(text, renderTable(cells)), { filepath: README }));
  say(`${README}: matrix table written (${cells.length} rows)`);
} else if (JSON.stringify(cellsIn(text)) === JSON.stringify(cells)) {
  say(`${README}: the matrix table matches the row specs`);
} else {
  complain(`✗ ${README}: the matrix table differs from the row specs; run pnpm rows:table --write`);
  process.exit(1);
}
