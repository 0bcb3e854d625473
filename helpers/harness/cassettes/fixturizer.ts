import type { Har } from './cassette-format.ts';
import { TASK_PATH, rebase } from './cassette-matching.ts';

/**
 * Stable stand-ins for the volatile values of one recording (task ids, request ids, external ids, clocks), handed
 * out in order of first appearance, so re-recording an unchanged API gives the same bytes.
 *
 * A task id is opaque (kling-api §9b) and may be anything the server sent: it is replaced where it stands for the
 * task — a `task_id` value, the last segment of a task's path — and, inside other answer text (a video's id, a
 * result URL), only when it is long enough not to be a word or a number of its own. Request bodies are ours and
 * never touched: an id "5" must not rewrite `duration: "5"`.
 */

/** An id shorter than this is replaced only where it stands whole (a `task_id`, a path segment). */
const MIN_ID_IN_TEXT = 8;
const TIMESTAMP_KEYS = new Set(['created_at', 'updated_at']);
const FIXTURE_EPOCH_MS = Date.UTC(2026, 0, 1);

/** The task ids the API handed out in a recording: every `task_id` of its JSON answers, in order of appearance. */
export function taskIdsOf(har: Har): string[] {
  const ids: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'task_id' && typeof v === 'string' && v !== '' && !ids.includes(v)) ids.push(v);
        else visit(v);
      }
    }
  };
  for (const entry of har.log.entries) {
    const text = entry.response.content.text;
    if (text === undefined || entry.response.content.encoding === 'base64') continue;
    try {
      visit(JSON.parse(text));
    } catch {
      // Not JSON: names no task id.
    }
  }
  return ids;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Fixturizer {
  private readonly taskIds = new Map<string, string>();
  private readonly requestIds = new Map<string, string>();
  private readonly externalIds = new Map<string, string>();
  /** Long ids only, longest first, each bounded by anything but a letter or digit. */
  private readonly inText: { id: string; pattern: RegExp }[];
  private t0: number | undefined;

  constructor(
    private readonly replaceTaskIds: boolean,
    taskIds: readonly string[],
  ) {
    for (const id of taskIds) this.taskId(id);
    this.inText = taskIds
      .filter((id) => id.length >= MIN_ID_IN_TEXT)
      .sort((a, b) => b.length - a.length)
      .map((id) => ({ id, pattern: new RegExp(`(?<![A-Za-z0-9])${escaped(id)}(?![A-Za-z0-9])`, 'g') }));
  }

  taskId(id: string): string {
    if (!this.replaceTaskIds) return id;
    let mapped = this.taskIds.get(id);
    if (mapped === undefined) {
      mapped = String(900_000_000_000_001_000n + BigInt(this.taskIds.size));
      this.taskIds.set(id, mapped);
    }
    return mapped;
  }

  requestId(id: string): string {
    let mapped = this.requestIds.get(id);
    if (mapped === undefined) {
      mapped = `00000000-0000-4000-8000-${String(this.requestIds.size + 1).padStart(12, '0')}`;
      this.requestIds.set(id, mapped);
    }
    return mapped;
  }

  /** external_task_id carries the round it was made in; the cassette keeps only which task it named. */
  externalId(id: string): string {
    let mapped = this.externalIds.get(id);
    if (mapped === undefined) {
      mapped = `external-task-${this.externalIds.size + 1}`;
      this.externalIds.set(id, mapped);
    }
    return mapped;
  }

  /** Timestamps keep their distances from the cassette's first one, which moves to a fixed epoch. */
  timestamp(ms: number): number {
    this.t0 ??= ms;
    return FIXTURE_EPOCH_MS + (ms - this.t0);
  }

  /** Known long ids in a text of the answer (a video id, a message) replaced by their stand-ins. */
  text(value: string): string {
    if (!this.replaceTaskIds) return value;
    let out = value;
    for (const { id, pattern } of this.inText) if (out.includes(id)) out = out.replace(pattern, this.taskId(id));
    return out;
  }

  /**
   * An API path names a task only in its last segment (decoded: the path may encode what the id spells plainly);
   * its other segments are the endpoint's own. Any other URL (a result's) may carry the id anywhere.
   */
  url(value: string): string {
    return rebase(value, (path) => {
      if (!path.startsWith('/v1/')) return this.text(path);
      const task = TASK_PATH.exec(path);
      const last = task?.[2] === undefined ? undefined : decodeSegment(task[2]);
      if (task?.[1] === undefined || last === undefined || !this.taskIds.has(last)) return path;
      return `${task[1]}${encodeURIComponent(this.taskId(last))}`;
    });
  }

  /** A JSON value of an answer (or, with `ours`, of our own request body), its volatile values stood in for. */
  json(value: unknown, ours: boolean, key?: string): unknown {
    if (Array.isArray(value)) return value.map((v) => this.json(v, ours));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.json(v, ours, k)]));
    }
    if (typeof value === 'number' && key !== undefined && TIMESTAMP_KEYS.has(key)) return this.timestamp(value);
    if (typeof value !== 'string') return value;
    if (key === 'request_id') return this.requestId(value);
    if (key === 'external_task_id') return this.externalId(value);
    if (ours) return value;
    if (key === 'task_id') return this.taskId(value);
    if (/^https?:\/\//.test(value)) return this.url(value);
    return this.text(value);
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
