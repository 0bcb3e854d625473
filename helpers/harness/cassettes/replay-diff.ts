/** Field-level differences between two JSON values, for messages a person can act on. */

export interface FieldDifference {
  path: string;
  recorded: unknown;
  today: unknown;
}

export function diffJson(recorded: unknown, today: unknown, path = ''): FieldDifference[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (Array.isArray(recorded) && Array.isArray(today)) {
    const length = Math.max(recorded.length, today.length);
    return Array.from({ length }, (_, i) => diffJson(recorded[i], today[i], `${path}[${i}]`)).flat();
  }
  if (isObject(recorded) && isObject(today) && !Array.isArray(recorded) && !Array.isArray(today)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(today)])].sort();
    return keys.flatMap((k) => diffJson(recorded[k], today[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(recorded) === JSON.stringify(today) ? [] : [{ path: path || '(body)', recorded, today }];
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

/** `prompt: recorded "a", today "b"`; `then` names the first side otherwise (an approved plan: `approved`). */
export function describeDifferences(differences: readonly FieldDifference[], then = 'recorded'): string {
  return differences.map((d) => `${d.path}: ${then} ${show(d.recorded)}, today ${show(d.today)}`).join('; ');
}
