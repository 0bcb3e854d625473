import { setTimeout as delay } from 'node:timers/promises';
import { PollTimeoutError } from './errors.ts';
import type { TaskStatus } from './response-schemas.ts';
import type { Sleep } from './retry.ts';

/**
 * Poll a task to a terminal status. The schedule starts near 2 s (a task is rarely done sooner) and backs off to
 * a 15 s cap, because a 5 s clip takes minutes (kling-api §5: 100–250 s for pro): a 300 s task then costs at most
 * 25 queries (the benchmark's target), for a few seconds of lag at the end. Sleep and clock are injected so
 * replay runs instantly.
 */

export interface PollSchedule {
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** Give up after this long (default 15 min) with a typed timeout; the task is then still resumable. */
  deadlineMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { initialDelayMs: 2000, factor: 1.5, maxDelayMs: 15_000, deadlineMs: 15 * 60_000 };

export interface StatusChange {
  taskId: string;
  from: TaskStatus | undefined;
  to: TaskStatus;
  elapsedMs: number;
  poll: number;
}

export interface PollOptions {
  schedule?: Partial<PollSchedule>;
  sleep?: Sleep;
  now?: () => number;
  onStatus?: (change: StatusChange) => void;
}

export interface PollResult<T> {
  final: T;
  /** Every answer, in order: the evidence keeps each query response. */
  answers: T[];
  elapsedMs: number;
}

const TERMINAL: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['succeed', 'failed']);

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL.has(status);
}

/** The wait before poll number `poll` (1-based). */
export function pollDelay(schedule: PollSchedule, poll: number): number {
  return Math.min(schedule.maxDelayMs, Math.round(schedule.initialDelayMs * schedule.factor ** (poll - 1)));
}

export async function pollUntilTerminal<T>(
  taskId: string,
  queryOnce: () => Promise<T>,
  statusOf: (answer: T) => TaskStatus,
  options: PollOptions = {},
): Promise<PollResult<T>> {
  const schedule = { ...DEFAULT_POLL_SCHEDULE, ...options.schedule };
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const now = options.now ?? Date.now;
  const started = now();
  const answers: T[] = [];
  let last: TaskStatus | undefined;

  for (let poll = 1; ; poll++) {
    const elapsedBefore = now() - started;
    const wait = Math.min(pollDelay(schedule, poll), Math.max(0, schedule.deadlineMs - elapsedBefore));
    await sleep(wait);
    const answer = await queryOnce();
    answers.push(answer);
    const status = statusOf(answer);
    const elapsedMs = now() - started;
    if (status !== last) options.onStatus?.({ taskId, from: last, to: status, elapsedMs, poll });
    last = status;
    if (isTerminal(status)) return { final: answer, answers, elapsedMs };
    if (elapsedMs >= schedule.deadlineMs) throw new PollTimeoutError(taskId, status, elapsedMs);
  }
}
