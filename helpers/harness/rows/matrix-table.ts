import { relative } from 'node:path';
import { familyPath } from '../../kling/families.ts';
import type { Registry, RegistryRow } from './registry.ts';

/**
 * The README's matrix table, generated from the registry (`pnpm rows:table --write`) between two markers, and
 * checked by a test: the table cannot say another thing than the row specs do.
 */

export const TABLE_START = '<!-- matrix table: generated from the row specs by `pnpm rows:table --write`; do not edit -->';
export const TABLE_END = '<!-- end of the matrix table -->';

const HEADER = ['Row', 'Spec', 'Endpoint', 'Title', 'Runs'];

function runs(row: RegistryRow): string {
  if (!row.liveAllowed) return 'replay only: never creates';
  return row.defaultRound ? 'in the default round' : 'only when named';
}

/** One line of cells per row, in the registry's order. */
export function tableCells(registry: Registry, root: string = process.cwd()): string[][] {
  return registry.rows.map((row) => [
    row.id,
    `\`${relative(root, row.file)}\``,
    row.liveAllowed ? `\`POST ${familyPath(row.family)}\`` : '(replay only)',
    row.title.replace(/\|/g, '\\|'),
    runs(row),
  ]);
}

export function renderTable(cells: readonly (readonly string[])[], header: readonly string[] = HEADER): string {
  const line = (c: readonly string[]) => `| ${c.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...cells.map(line)].join('\n');
}

/** The cells of the table between the markers, however it is aligned; undefined when the markers are missing. */
export function cellsIn(markdown: string): string[][] | undefined {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return markdown
    .slice(start + TABLE_START.length, end)
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .slice(2)
    .map((l) =>
      l
        .trim()
        .slice(1, -1)
        .split(/(?<!\\) ?\| ?/)
        .map((c) => c.trim()),
    );
}

/** The markdown with the table between the markers replaced. */
export function withTable(markdown: string, table: string): string {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the markers of the matrix table are missing: ${TABLE_START} … ${TABLE_END}`);
  return `${markdown.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${markdown.slice(end)}`;
}
