/**
 * An answer's body read as JSON, for the client: undefined when it is not JSON, or when it nests deeper than any
 * answer of the API does, so a hostile body can neither throw out of the read nor blow the stack of a later walk
 * over it (promises §11: the server is not trusted).
 */

/** No answer of the API nests deeper than a handful of levels; a deeper one is unreadable, not a stack to blow. */
const MAX_JSON_DEPTH = 32;

function nestedWithin(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() ?? [undefined, 0];
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return false;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return true;
}

export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return nestedWithin(value, MAX_JSON_DEPTH) ? value : undefined;
}
