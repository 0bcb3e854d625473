import { readdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { FAMILIES } from '../../kling/families.ts';
import { rowIdSchema, type RowDefinition, type RowId } from './row.ts';

/**
 * The matrix: every row spec file in one folder (specs/rows, or ROWS_DIR), each `<id>-<slug>.spec.ts` with its
 * row as default export. It is the one source of row ids, order, family, default round and live-allowed flags;
 * every tool, the summary, the README's table and the run order are derived from it.
 */

export const DEFAULT_ROWS_DIR = 'specs/rows';

export interface RegistryRow extends RowDefinition {
  slug: string;
  /** `A-omni-first-frame`: the spec file's stem and the recordings folder's name. */
  name: string;
  /** The spec file, absolute. */
  file: string;
}

const nonEmpty = z.string().trim().min(1);
const definitionSchema = z.object({
  id: rowIdSchema,
  title: nonEmpty,
  order: z.number().int(),
  family: z.enum(FAMILIES),
  defaultRound: z.boolean(),
  liveAllowed: z.boolean(),
  decidesEndState: z.boolean().optional(),
  purpose: nonEmpty,
  payloadProvenance: z.enum(['doc-derived', 'live-confirmed', 'policy-test']),
  payload: z.custom<RowDefinition['payload']>((v) => typeof v === 'function', { error: 'must be a function building the request' }),
  successCriteria: z.array(nonEmpty).min(1),
  stopConditions: z.array(nonEmpty).min(1),
  inputs: z
    .record(
      z.string(),
      z.object({
        kind: z.enum(['video-url', 'element-ids']),
        // Not a KLING_ name: a live run refuses every KLING_ key but its three (run-connection.ts).
        env: z.string().regex(/^(?!KLING_)[A-Z][A-Z0-9_]*$/, { error: 'must be an upper-case variable name not starting with KLING_' }),
        describe: nonEmpty,
        rehearsal: nonEmpty,
        fromClosedRow: rowIdSchema.optional(),
      }),
    )
    .optional(),
  approvedAlone: nonEmpty.optional(),
  firstFrameThreshold: z.number().min(0).max(1).optional(),
});

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

export class Registry {
  readonly rows: readonly RegistryRow[];

  constructor(rows: readonly RegistryRow[]) {
    const problems: string[] = [];
    for (const [i, r] of rows.entries()) {
      const twin = rows.slice(0, i).find((o) => o.id === r.id || o.order === r.order);
      if (twin) problems.push(`${r.file}: ${twin.id === r.id ? `id ${r.id}` : `order ${r.order}`} is also ${twin.file}'s`);
    }
    if (problems.length > 0) throw new RegistryError(problems.join('\n'));
    this.rows = [...rows].sort((a, b) => a.order - b.order);
  }

  get ids(): RowId[] {
    return this.rows.map((r) => r.id);
  }

  /** The plan's minimum approved set: what a rehearsal runs when no rows are named. */
  get defaultRound(): RowId[] {
    return this.rows.filter((r) => r.defaultRound).map((r) => r.id);
  }

  /** The rows that may ever create. */
  get liveRows(): RegistryRow[] {
    return this.rows.filter((r) => r.liveAllowed);
  }

  /** The rows whose answer decides the plan's end state (end-state.ts). */
  get decisiveRows(): RowId[] {
    return this.rows.filter((r) => r.decidesEndState === true).map((r) => r.id);
  }

  has(id: string): boolean {
    return this.rows.some((r) => r.id === id);
  }

  get(id: RowId): RegistryRow {
    const found = this.rows.find((r) => r.id === id);
    if (found === undefined) throw new RegistryError(`no row ${id} in the registry (the rows are ${this.ids.join(', ')})`);
    return found;
  }

  byFile(file: string): RegistryRow | undefined {
    return this.rows.find((r) => r.file === resolve(file));
  }
}

const SPEC_FILE = /^([A-Z][A-Z0-9]*)-([a-z0-9]+(?:-[a-z0-9]+)*)\.spec\.ts$/;

/** One spec file's row, checked: its file name must be `<id>-<slug>.spec.ts` with the id it declares. */
export function registryRow(file: string, exported: unknown): RegistryRow {
  const match = SPEC_FILE.exec(basename(file));
  if (match === null) throw new RegistryError(`${file}: a row spec file is named <id>-<slug>.spec.ts, e.g. A-omni-first-frame.spec.ts`);
  const parsed = definitionSchema.safeParse(exported);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `field '${issue.path.join('.')}'` : 'its default export';
    throw new RegistryError(`${file}: ${where} ${issue?.message ?? 'is not a row'}; a row spec is \`export default row({ ... })\``);
  }
  const definition = exported as RowDefinition;
  if (definition.approvedAlone !== undefined && definition.defaultRound) {
    throw new RegistryError(`${file}: row ${definition.id} is approved alone, so it cannot be in the default round`);
  }
  if (definition.id !== match[1]) throw new RegistryError(`${file}: declares row ${definition.id}, but its file name says ${match[1]}`);
  const slug = match[2] ?? '';
  return { ...definition, slug, name: `${definition.id}-${slug}`, file: resolve(file) };
}

const loaded = new Map<string, Promise<Registry>>();

/** Every row spec in `dir` (default: ROWS_DIR, or specs/rows), imported for its data once per process. */
export function loadRegistry(dir: string = process.env.ROWS_DIR || DEFAULT_ROWS_DIR): Promise<Registry> {
  const key = resolve(dir);
  let registry = loaded.get(key);
  if (registry === undefined) {
    registry = (async () => {
      const files = readdirSync(key)
        .filter((f) => f.endsWith('.spec.ts'))
        .map((f) => resolve(key, f));
      const rows: RegistryRow[] = [];
      for (const file of files) rows.push(registryRow(file, ((await import(file)) as { default?: unknown }).default));
      if (rows.length === 0) throw new RegistryError(`${key} holds no row spec (<id>-<slug>.spec.ts)`);
      return new Registry(rows);
    })();
    loaded.set(key, registry);
  }
  return registry;
}
