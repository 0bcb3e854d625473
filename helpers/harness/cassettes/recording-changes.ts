import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * What a run did to the recordings it writes, said at its end: a cassette replaced by a failed run must not pass
 * without a word. A digest of every file before the run, compared with the files after it.
 */

export type Digests = ReadonlyMap<string, string>;

export function digestsOf(dir: string): Digests {
  const digests = new Map<string, string>();
  if (!existsSync(dir)) return digests;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    digests.set(relative(dir, file), createHash('sha256').update(readFileSync(file)).digest('hex'));
  }
  return digests;
}

/** One line: which files of `dir` this run added or changed, or that it changed none. */
export function describeChanges(dir: string, before: Digests, after: Digests): string {
  const changed = [...after].filter(([file, sha]) => before.has(file) && before.get(file) !== sha).map(([file]) => file);
  const added = [...after.keys()].filter((file) => !before.has(file));
  if (changed.length === 0 && added.length === 0) return `Recordings: this run changed nothing in ${dir}`;
  const parts = [
    ...(changed.length > 0 ? [`changed ${changed.join(', ')}`] : []),
    ...(added.length > 0 ? [`added ${added.join(', ')}`] : []),
  ];
  return `Recordings: this run ${parts.join('; ')} in ${dir}`;
}
