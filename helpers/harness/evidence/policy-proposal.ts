import type { Family } from '../../kling/families.ts';
import { MODEL_POLICY, OMITTED_MODEL_STATUS, type OmittedModelStatus } from '../../kling/model-policy.ts';
import type { RowId } from '../rows/row.ts';
import type { Conclusion } from './end-state.ts';

/**
 * The plan's end state as a decision about the scaffold's model policy (helpers/kling/model-policy.ts): per row
 * that decides it, the change its verdict justifies to that family's "model omitted" entry — verified with the
 * round and task that closed it, refused (the family stays caller-explicit) on a model-policy failure — or
 * nothing, and why. It proposes; it never edits the table.
 */

export interface PolicyChange {
  row: RowId;
  family: Family;
  from: OmittedModelStatus;
  /** Undefined when the verdicts justify no change. */
  to?: OmittedModelStatus;
  sentence: string;
}

const describe = (s: OmittedModelStatus | undefined) => s?.status ?? 'not tracked';

export function proposePolicy(
  decisive: readonly { id: RowId; family: Family }[],
  conclusions: ReadonlyMap<RowId, Conclusion>,
): PolicyChange[] {
  return decisive.map(({ id, family }) => {
    const from = OMITTED_MODEL_STATUS[family] ?? { status: 'provisional' };
    const what = `${family} \`model_name\` omitted`;
    const c = conclusions.get(id);
    if (c === undefined) return { row: id, family, from, sentence: `${what} stays ${describe(from)}: row ${id} has no answer yet.` };
    if (c.pending !== undefined)
      return { row: id, family, from, sentence: `${what} stays ${describe(from)}: row ${id} is pending (${c.pending}).` };
    if (c.classification === 'success' && c.taskId !== undefined) {
      const to: OmittedModelStatus = { status: 'verified', round: c.round, taskId: c.taskId, closed: (c.closedAt ?? '').slice(0, 10) };
      if (from.status === 'verified')
        return { row: id, family, from, sentence: `${what} is already verified (round ${from.round}, task ${from.taskId}).` };
      return {
        row: id,
        family,
        from,
        to,
        sentence: `${what}: ${from.status} → verified (row ${id}, round ${c.round}, task ${c.taskId}, ${to.closed}).`,
      };
    }
    if (c.classification === 'model-policy-mismatch') {
      const to: OmittedModelStatus = { status: 'refused', round: c.round, reason: c.reason };
      return {
        row: id,
        family,
        from,
        to,
        sentence: `${what}: ${from.status} → refused: ${family} stays caller-explicit, because the API refused the body without a model (row ${id}, round ${c.round}: ${c.reason}).`,
      };
    }
    return {
      row: id,
      family,
      from,
      sentence: `${what} stays ${describe(from)}: row ${id} is inconclusive (${c.classification}: ${c.reason}), which says nothing about the model.`,
    };
  });
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function statusSource(s: OmittedModelStatus): string {
  switch (s.status) {
    case 'provisional':
      return "{ status: 'provisional' }";
    case 'verified':
      return `{ status: 'verified', round: ${quote(s.round)}, taskId: ${quote(s.taskId)}, closed: ${quote(s.closed)} }`;
    case 'refused':
      return `{ status: 'refused', round: ${quote(s.round)}, reason: ${quote(s.reason)} }`;
  }
}

/**
 * model-policy.ts as it would read with the changes: the family's status line rewritten, and, for a refusal, its
 * `omitted: 'allowed'` turned to `'refused'`. Undefined when the source no longer has the lines this expects.
 */
export function applyToSource(source: string, changes: readonly PolicyChange[]): string | undefined {
  const lines = source.split('\n');
  for (const change of changes) {
    if (change.to === undefined) continue;
    const key = /^[a-z0-9]+$/.test(change.family) ? change.family : `'${change.family}'`;
    const statusLine = lines.findIndex((l) => l.trimStart().startsWith(`${key}: { status: '`));
    if (statusLine < 0) return undefined;
    const indent = /^\s*/.exec(lines[statusLine] ?? '')?.[0] ?? '';
    lines[statusLine] = `${indent}${key}: ${statusSource(change.to)},`;
    if (change.to.status === 'refused' && MODEL_POLICY[change.family].omitted === 'allowed') {
      const block = lines.findIndex((l) => l.trim() === `${key}: {`);
      const omitted = block < 0 ? -1 : lines.findIndex((l, i) => i > block && l.includes("omitted: 'allowed'"));
      if (omitted < 0) return undefined;
      lines[omitted] = (lines[omitted] ?? '').replace("omitted: 'allowed'", "omitted: 'refused'");
    }
  }
  return lines.join('\n');
}

/** A unified diff of two versions of one file that differ line for line (no lines added or removed). */
export function lineDiff(file: string, before: string, after: string, context = 2): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const changed = a.flatMap((line, i) => (line === b[i] ? [] : [i]));
  // Changes closer than two contexts share one hunk.
  const hunks: number[][] = [];
  for (const i of changed) {
    const last = hunks.at(-1);
    if (last !== undefined && i - (last.at(-1) ?? i) <= 2 * context) last.push(i);
    else hunks.push([i]);
  }
  const out = [`--- a/${file}`, `+++ b/${file}`];
  for (const hunk of hunks) {
    const start = Math.max(0, (hunk[0] ?? 0) - context);
    const end = Math.min(a.length, (hunk.at(-1) ?? 0) + context + 1);
    out.push(`@@ -${start + 1},${end - start} +${start + 1},${end - start} @@`);
    for (let j = start; j < end; j++) {
      if (a[j] === b[j]) out.push(` ${a[j] ?? ''}`);
      else out.push(`-${a[j] ?? ''}`, `+${b[j] ?? ''}`);
    }
  }
  return out;
}
