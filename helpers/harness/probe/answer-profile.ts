import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TASK_STATUSES } from '../../kling/response-schemas.ts';
import { readHarFile } from '../cassettes/cassette-format.ts';
import type { Registry } from '../rows/registry.ts';

/**
 * What task answers look like, reduced to what can drift: the field paths they carry, their statuses, the
 * format of their ids and the type of their deductions, and the hosts of their result URLs. Built from the
 * committed recordings and from the probe's answers, and compared: each difference one line.
 */

export interface AnswerProfile {
  answers: number;
  paths: Set<string>;
  statuses: Set<string>;
  idFormats: Map<string, string>;
  deductionTypes: Set<string>;
  urlHosts: Set<string>;
}

export const emptyProfile = (): AnswerProfile => ({
  answers: 0,
  paths: new Set(),
  statuses: new Set(),
  idFormats: new Map(),
  deductionTypes: new Set(),
  urlHosts: new Set(),
});

/** `860000000000000001` → `digits-18`; `CjI17WevH1IAAAAAAHmgsw` → `base64url-22`. */
export function idFormat(id: string): string {
  if (/^\d+$/.test(id)) return `digits-${id.length}`;
  return /^[A-Za-z0-9_-]+$/.test(id) ? `base64url-${id.length}` : `other-${id.length}`;
}

function pathsOf(value: unknown, prefix: string, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) pathsOf(item, `${prefix}[]`, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    into.add(path);
    pathsOf(inner, path, into);
  }
}

/** One task object (a query's `data`, or an item of a list's `data`) added to a profile. */
export function addTask(profile: AnswerProfile, task: unknown): void {
  if (typeof task !== 'object' || task === null || Array.isArray(task)) return;
  const t = task as Record<string, unknown>;
  profile.answers += 1;
  pathsOf(t, '', profile.paths);
  if (typeof t.task_status === 'string') profile.statuses.add(t.task_status);
  if (typeof t.task_id === 'string') profile.idFormats.set(idFormat(t.task_id), t.task_id);
  if (t.final_unit_deduction !== undefined) profile.deductionTypes.add(typeof t.final_unit_deduction);
  const videos = (t.task_result as { videos?: { url?: unknown }[] } | undefined)?.videos ?? [];
  for (const video of Array.isArray(videos) ? videos : []) {
    if (typeof video.url !== 'string') continue;
    try {
      profile.urlHosts.add(new URL(video.url).host);
    } catch {
      profile.urlHosts.add('(not a URL)');
    }
  }
}

/** Every task answer the committed recordings hold: the query and list answers of each row's cassette. */
export function recordedProfile(registry: Registry, recordingsDir: string): AnswerProfile {
  const profile = emptyProfile();
  for (const row of registry.rows) {
    const file = join(recordingsDir, row.name, 'cassette.har');
    if (!existsSync(file)) continue;
    for (const entry of readHarFile(file).log.entries) {
      if (entry.request.method !== 'GET' || new URL(entry.request.url).pathname.startsWith('/account')) continue;
      const text = entry.response.content.text;
      if (text === undefined) continue;
      let data: unknown;
      try {
        data = (JSON.parse(text) as { data?: unknown }).data;
      } catch {
        continue;
      }
      for (const task of Array.isArray(data) ? data : [data]) addTask(profile, task);
    }
  }
  return profile;
}

const MAX_LINES = 20;

const list = (values: Iterable<string>) => [...values].sort().join(', ') || 'none';

/**
 * What the probe saw that the recordings do not hold. Fields that are gone are the schemas' business (a field
 * the docs require, missing, is drift there); result URL hosts are listed, not compared: the recordings replace
 * every host with a placeholder.
 */
export function compareProfiles(recorded: AnswerProfile, probed: AnswerProfile): string[] {
  const known = new Set<string>([...TASK_STATUSES, ...recorded.statuses]);
  return [
    ...capped(
      [...probed.paths]
        .sort()
        .filter((path) => !recorded.paths.has(path))
        .map((path) => `a field the recordings never hold: ${path}`),
      'fields the recordings never hold',
    ),
    ...capped(
      [...probed.statuses]
        .sort()
        .filter((status) => !known.has(status))
        .map((status) => `task_status '${status}' is neither documented nor in the recordings (${list(known)})`),
      'statuses neither documented nor recorded',
    ),
    ...capped(
      [...probed.idFormats]
        .sort()
        .filter(([format]) => !recorded.idFormats.has(format))
        .map(
          ([format, example]) => `task_id format ${format} (e.g. ${example}) is not in the recordings (${list(recorded.idFormats.keys())})`,
        ),
      'task_id formats not in the recordings',
    ),
    ...[...probed.deductionTypes]
      .sort()
      .filter((type) => !recorded.deductionTypes.has(type))
      .map((type) => `final_unit_deduction is a ${type}; the recordings hold ${list(recorded.deductionTypes)}`),
  ];
}

/** A server may send any number of new things: each is named up to a point, then counted. */
function capped(lines: string[], what: string): string[] {
  return lines.length <= MAX_LINES ? lines : [...lines.slice(0, MAX_LINES), `and ${lines.length - MAX_LINES} more ${what}`];
}
