import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Credentials } from '../kling/auth.ts';
import { FAMILIES, type Family } from '../kling/families.ts';
import { DEFAULT_PACK, accountBook } from './account.ts';
import { SANDBOX_CREDENTIALS } from './credentials.ts';
import type { FaultRule, Route } from './faults.ts';
import type { SandboxOptions } from './options.ts';
import { statusAt, type SandboxTask, type Timing } from './tasks.ts';

/**
 * What a running sandbox holds and every route reads: the options with their defaults filled in, its clock and
 * task timing, its account, the tasks it has made and the requests it has seen (the counts tests assert on), and
 * the two figures derived from them: units spent and tasks still unfinished.
 */

const RESULT_VIDEO = readFileSync(new URL('./fixtures/result.mp4', import.meta.url));

export interface RecordedRequest {
  route: Route | 'other';
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface SandboxState {
  /** Create requests that reached the sandbox, per family (refused ones included). */
  createsReceived: Record<Family, number>;
  /** Tasks actually created (billable), per family and per external_task_id. */
  tasksCreated: Record<Family, number>;
  tasksByExternalId: Map<string, number>;
  tasks: Map<string, SandboxTask>;
  calls: Record<Route, number>;
  requests: RecordedRequest[];
  faults: FaultRule[];
}

/** The sandbox as its routes see it: fixed once started, but for the state, the task counter and the URL. */
export interface SandboxContext {
  options: SandboxOptions;
  credentials: Credentials;
  now: () => number;
  timing: Timing;
  resultVideo: Buffer;
  account: ReturnType<typeof accountBook>;
  state: SandboxState;
  /** The last task id handed out, as a number. */
  nextTaskSeq: bigint;
  /** Set once the server listens. */
  baseUrl: string;
}

const zeroByFamily = (): Record<Family, number> => Object.fromEntries(FAMILIES.map((f) => [f, 0])) as Record<Family, number>;

export function sandboxContext(options: SandboxOptions): SandboxContext {
  const credentials = options.credentials ?? SANDBOX_CREDENTIALS;
  const now = options.now ?? Date.now;
  const scale = options.timeScale ?? 1;
  const timing: Timing = {
    submittedMs: (options.timing?.submittedMs ?? 1000) * scale,
    processingMs: (options.timing?.processingMs ?? 4000) * scale,
  };
  const resultVideo = options.resultVideo ?? RESULT_VIDEO;
  const account = accountBook(options.packs ?? [DEFAULT_PACK], now());
  const state: SandboxState = {
    createsReceived: zeroByFamily(),
    tasksCreated: zeroByFamily(),
    tasksByExternalId: new Map(),
    tasks: new Map(),
    calls: { create: 0, query: 0, list: 0, download: 0, account: 0 },
    requests: [],
    faults: [...(options.faults ?? [])],
  };
  // kling-api §5: task ids are 18-digit numeric strings; a random start keeps two sandbox runs from sharing ids.
  const nextTaskSeq = 860_000_000_000_000_000n + BigInt(randomInt(1_000_000_000)) * 1000n;
  return { options, credentials, now, timing, resultVideo, account, state, nextTaskSeq, baseUrl: '' };
}

export const spentUnits = ({ state, now, timing }: SandboxContext) =>
  [...state.tasks.values()].reduce((sum, t) => sum + (statusAt(t, now(), timing).status === 'failed' ? 0 : Number(t.units)), 0);
export const activeTasks = ({ state, now, timing }: SandboxContext) =>
  [...state.tasks.values()].filter((t) => !['succeed', 'failed'].includes(statusAt(t, now(), timing).status)).length;
