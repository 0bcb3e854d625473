import { describe, expect, it } from 'vitest';
import { PollTimeoutError } from '../../helpers/kling/errors.ts';
import { DEFAULT_POLL_SCHEDULE, pollDelay, pollUntilTerminal, type StatusChange } from '../../helpers/kling/poller.ts';
import type { TaskStatus } from '../../helpers/kling/response-schemas.ts';

/** A clock that only moves when the poller sleeps, plus the sleeps it was asked for. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

function scripted(statuses: TaskStatus[]) {
  let i = 0;
  return () => Promise.resolve({ status: statuses[Math.min(i++, statuses.length - 1)] ?? 'processing' });
}

describe('Client | poller', () => {
  it('starts near 2 s, backs off to the cap, and reports each status change with its elapsed time', async () => {
    const time = fakeTime();
    const changes: StatusChange[] = [];
    const result = await pollUntilTerminal(
      't1',
      scripted(['submitted', 'processing', 'processing', 'processing', 'processing', 'processing', 'succeed']),
      (a) => a.status,
      {
        ...time,
        onStatus: (c) => changes.push(c),
      },
    );
    expect(time.sleeps).toEqual([2000, 3000, 4500, 6750, 10125, 15000, 15000]);
    expect(changes).toEqual([
      { taskId: 't1', from: undefined, to: 'submitted', elapsedMs: 2000, poll: 1 },
      { taskId: 't1', from: 'submitted', to: 'processing', elapsedMs: 5000, poll: 2 },
      { taskId: 't1', from: 'processing', to: 'succeed', elapsedMs: 56375, poll: 7 },
    ]);
    expect(result.answers).toHaveLength(7);
    expect(result.final.status).toBe('succeed');
  });

  it('stops at failed too: it is terminal', async () => {
    const time = fakeTime();
    const result = await pollUntilTerminal('t2', scripted(['processing', 'failed']), (a) => a.status, time);
    expect(result.final.status).toBe('failed');
    expect(result.answers).toHaveLength(2);
  });

  it('gives up at the deadline with a typed timeout, trimming the last wait to the deadline', async () => {
    const time = fakeTime();
    const error = await pollUntilTerminal('t3', scripted(['processing']), (a) => a.status, {
      ...time,
      schedule: { deadlineMs: 30_000 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PollTimeoutError);
    expect(error).toMatchObject({ taskId: 't3', lastStatus: 'processing', elapsedMs: 30_000 });
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(30_000);
    expect(time.sleeps.at(-1)).toBe(30_000 - 26_375);
  });

  it('the default schedule sees a 300 s task finish within 25 queries', async () => {
    const time = fakeTime();
    const result = await pollUntilTerminal(
      't4',
      () => Promise.resolve({ status: time.now() >= 300_000 ? 'succeed' : 'processing' } as const),
      (a) => a.status,
      time,
    );
    expect(result.answers.length).toBeLessThanOrEqual(25);
  });

  it('a 15 minute default deadline', () => {
    expect(DEFAULT_POLL_SCHEDULE.deadlineMs).toBe(900_000);
    expect(pollDelay(DEFAULT_POLL_SCHEDULE, 1)).toBe(2000);
    expect(pollDelay(DEFAULT_POLL_SCHEDULE, 50)).toBe(DEFAULT_POLL_SCHEDULE.maxDelayMs);
  });
});
