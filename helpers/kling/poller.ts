import { setTimeout as delay } from 'node:timers/promises';
import { PollTimeoutError } from './errors.ts';
import type { TaskStatus } from './response-schemas.ts';
import type { Sleep } from './retry.ts';

/**
 * Poll a task to a terminal status. Each wait is a fixed share of the time polling has taken so far, within a
 * floor and a cap, so the lag between the task finishing and the poll that sees it stays the same share of the
 * task's length, whether it takes 10 s or 5 minutes (kling-api §5: 100–250 s for a pro clip). Sleep and clock are
 * injected so replay runs instantly.
 *
 * The numbers come from the query budget, a 300 s task seen within 25 queries. Waits of 0.2 × elapsed space the
 * polls ×1.2 apart, so a task ending between two polls waits at most a fifth of its length and about 9 % at the
 * median; a smaller share overspends the budget (0.18 needs 26 queries). Below 9.5 s a fifth is less than the
 * 1.9 s floor: 2 s first, then 1.9 s apart, so a 10 s task also waits under a second at the median; then ×1.2 to
 * 300 s makes 24 queries. The floor keeps queries well over the second apart the rate limit (1302) asks for.
 */

export interface PollSchedule {
  /** The first wait: a task is rarely done sooner, and a rehearsal's sandbox tasks take a few seconds. */
  initialDelayMs: number;
  /** Every later wait, from one query's start to the next, is this share of the time elapsed since polling began… */
  fraction: number;
  /** …never shorter than this (queries are free, but the rate limit, 1302, wants them a second or more apart)… */
  minDelayMs: number;
  /** …and never longer than this, whatever the task has taken. */
  maxDelayMs: number;
  /** Give up after this long (default 15 min) with a typed timeout; the task is then still resumable. */
  deadlineMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = {
  initialDelayMs: 2000,
  fraction: 0.2,
  minDelayMs: 1900,
  maxDelayMs: 60_000,
  deadlineMs: 15 * 60_000,
};

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

/**
 * The time from when poll `poll - 1` was due (or the start of polling, for the first) to when poll `poll` is
 * (1-based), the previous one due `elapsedMs` into polling. The cap is applied last, so a schedule capped below
 * the floor (the harness's tests poll every few milliseconds) waits exactly the cap.
 */
export function pollDelay(schedule: PollSchedule, poll: number, elapsedMs: number): number {
  if (poll <= 1) return Math.min(schedule.maxDelayMs, schedule.initialDelayMs);
  return Math.min(schedule.maxDelayMs, Math.max(schedule.minDelayMs, Math.round(schedule.fraction * elapsedMs)));
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
  // Each poll is due on the schedule's own grid, each wait a share of when the previous poll was due, not of when
  // it started: a slow answer (or its retries) or a timer that fires late delays that poll alone. Timed from the late
  // start instead, each delay is a fifth of it and grows the next one: a few milliseconds per poll compound over
  // 24 polls to a lag a point or more above the schedule's share. Whatever the grid says, no query starts sooner
  // after the previous one than the floor (capped, as pollDelay is).
  let due = 0;
  let lastStart = 0;
  const gap = Math.min(schedule.maxDelayMs, schedule.minDelayMs);

  for (let poll = 1; ; poll++) {
    const elapsedBefore = now() - started;
    due += pollDelay(schedule, poll, due);
    const at = poll <= 1 ? due : Math.max(due, lastStart + gap);
    const wait = Math.min(Math.max(0, at - elapsedBefore), Math.max(0, schedule.deadlineMs - elapsedBefore));
    await sleep(wait);
    lastStart = now() - started;
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
