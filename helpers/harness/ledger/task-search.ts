import type { Answer, KlingClient } from '../../kling/client.ts';
import { KlingApiError } from '../../kling/errors.ts';
import type { Family } from '../../kling/families.ts';
import type { Task } from '../../kling/response-schemas.ts';
import { scrubbedMessage } from '../sinks/scrubber.ts';

/**
 * Finding the task of a create whose answer never arrived, by its external_task_id — or proving there is none.
 * Absence is proved only by the API (promises §11), and twice over, because the docs do not say how the
 * single-task query tells an external_task_id from a task_id (kling-api §2): the lookup must say "not found" in
 * the API's own words, and the family's list, read back to before the create was sent, must hold no task with
 * that id. A gateway's 404, a 5xx, a timeout or an unreadable page proves nothing: the search is then unknown.
 */

export type TaskSearch =
  { kind: 'found'; answer: Answer<Task>; by: 'lookup' | 'list' } | { kind: 'absent'; proof: string } | { kind: 'unknown'; why: string };

export const LIST_PAGE_SIZE = 500;
export const MAX_LIST_PAGES = 10;
/** Our clock and the API's may disagree; a task this much older than the intent is surely not its create. */
const CLOCK_SKEW_MS = 10 * 60_000;
/** The API saying, in its own words, that this lookup finds nothing or is the wrong form (kling-api §6). */
const DEFINITIVE_CODES: ReadonlySet<number> = new Set([1200, 1201, 1202, 1203]);

/** An empty external_task_id is taken as absent, as the API takes an empty optional string (kling-api §3a). */
const namesExternalId = (task: Task) => (task.task_info?.external_task_id ?? '') !== '';

/** Made at or after the create could have been, by either clock. */
const madeSince = (task: Task, intentAtMs: number) => task.created_at !== undefined && task.created_at >= intentAtMs - CLOCK_SKEW_MS;

export async function searchByExternalId(
  client: KlingClient,
  family: Family,
  externalTaskId: string,
  intentAtMs: number,
): Promise<TaskSearch> {
  let direct: string | undefined;
  let noAnswer: string | undefined;
  try {
    const found = await client.lookupByExternalId(family, externalTaskId);
    if (found !== 'not-found') {
      // The client refuses a task that names another external_task_id; one that names none (kling-api §9b) is
      // only taken for ours if it was made after the create was sent.
      if (
        found.value.task_info?.external_task_id === externalTaskId ||
        (!namesExternalId(found.value) && madeSince(found.value, intentAtMs))
      ) {
        return { kind: 'found', answer: found, by: 'lookup' };
      }
      noAnswer = `lookup: answered with task ${found.value.task_id}, which names no external_task_id and predates the create`;
    } else {
      direct = 'lookup: 1203, not found';
    }
  } catch (error) {
    // The API refusing this form of lookup in its own words still leaves the list to ask. Anything else (no
    // answer, a server error, throttling, auth, an account problem) says nothing: the list may still find the
    // task, but not prove its absence.
    if (error instanceof KlingApiError && error.httpStatus < 500 && DEFINITIVE_CODES.has(error.code)) direct = scrubbedMessage(error);
    else noAnswer = scrubbedMessage(error);
  }
  const listed = await searchList(client, family, externalTaskId, intentAtMs, direct ?? noAnswer ?? '');
  if (listed.kind === 'absent' && noAnswer !== undefined)
    return { kind: 'unknown', why: `${noAnswer}; the list alone does not prove absence` };
  return listed;
}

async function searchList(
  client: KlingClient,
  family: Family,
  externalTaskId: string,
  intentAtMs: number,
  direct: string,
): Promise<TaskSearch> {
  let previous = Number.POSITIVE_INFINITY;
  let newestFirst = true;
  /** Times seen strictly falling: a list of one task, or of equal times, shows nothing about its order. */
  let descents = 0;
  for (let pageNum = 1; pageNum <= MAX_LIST_PAGES; pageNum++) {
    let page: Answer<Task[]>;
    try {
      page = await client.list(family, { pageNum, pageSize: LIST_PAGE_SIZE });
    } catch (error) {
      return { kind: 'unknown', why: `${direct}; ${scrubbedMessage(error)}` };
    }
    const match = page.value.find((t) => t.task_info?.external_task_id === externalTaskId);
    if (match !== undefined) return { kind: 'found', answer: { ...page, value: match }, by: 'list' };
    // A task recent enough to be ours that names no external_task_id could be ours: nothing is proved.
    const anonymous = page.value.find((t) => !namesExternalId(t) && (t.created_at === undefined || madeSince(t, intentAtMs)));
    if (anonymous !== undefined) {
      return { kind: 'unknown', why: `${direct}; list: task ${anonymous.task_id}, made since the create, names no external_task_id` };
    }
    // Only an empty page ends the list: a short one may be a server that ignores pageSize.
    if (page.value.length === 0)
      return { kind: 'absent', proof: `${direct}; list: no task with it, read to its end (${pageNum} page(s) read)` };
    // Past the intent only counts when the list is seen to run newest first; the docs do not say it does.
    for (const task of page.value) {
      const created = task.created_at;
      if (created === undefined || created > previous) newestFirst = false;
      else {
        if (created < previous && previous !== Number.POSITIVE_INFINITY) descents += 1;
        previous = created;
      }
    }
    if (newestFirst && descents >= 2 && previous < intentAtMs - CLOCK_SKEW_MS) {
      return { kind: 'absent', proof: `${direct}; list: none with it, newest first, back to before the create` };
    }
  }
  return {
    kind: 'unknown',
    why: `${direct}; list: the first ${MAX_LIST_PAGES} pages neither hold it nor reach back to before the create`,
  };
}
