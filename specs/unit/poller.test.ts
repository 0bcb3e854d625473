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
  it('starts at 2 s, waits a fifth of the elapsed time but at least 1.9 s, and reports each status change', async () => {
    const time = fakeTime();
    const changes: StatusChange[] = [];
    const result = await pollUntilTerminal(
      't1',
      scripted(['submitted', 'processing', 'processing', 'processing', 'processing', 'processing', 'processing', 'succeed']),
      (a) => a.status,
      {
        ...time,
        onStatus: (c) => changes.push(c),
      },
    );
    // 1.9 s apart while a fifth of the elapsed time is less than that (to 9.5 s), then a fifth of it.
    expect(time.sleeps).toEqual([2000, 1900, 1900, 1900, 1900, 1920, 2304, 2765]);
    expect(changes).toEqual([
      { taskId: 't1', from: undefined, to: 'submitted', elapsedMs: 2000, poll: 1 },
      { taskId: 't1', from: 'submitted', to: 'processing', elapsedMs: 3900, poll: 2 },
      { taskId: 't1', from: 'processing', to: 'succeed', elapsedMs: 16_589, poll: 8 },
    ]);
    expect(result.answers).toHaveLength(8);
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
    // Polls at 2, 3.9, 5.8, 7.7, 9.6, 11.52, 13.824, 16.589, 19.907, 23.888, 28.666 s; the next wait is cut to the deadline.
    expect(time.sleeps.at(-1)).toBe(30_000 - 28_666);
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

  it('a 15 minute default deadline; waits grow with the elapsed time between a 1.9 s floor and a 60 s cap', () => {
    expect(DEFAULT_POLL_SCHEDULE.deadlineMs).toBe(900_000);
    expect(pollDelay(DEFAULT_POLL_SCHEDULE, 1, 0)).toBe(2000);
    expect(pollDelay(DEFAULT_POLL_SCHEDULE, 2, 2000)).toBe(1900);
    expect(pollDelay(DEFAULT_POLL_SCHEDULE, 20, 100_000)).toBe(20_000);
    expect(pollDelay(DEFAULT_POLL_SCHEDULE, 50, 600_000)).toBe(DEFAULT_POLL_SCHEDULE.maxDelayMs);
  });

  it('keeps the lag a share of the task: at most a fifth of it from 10 s to 10 min, under a tenth at the median', async () => {
    const shares: number[] = [];
    for (let ms = 10_000; ms <= 600_000; ms += 250) {
      const time = fakeTime();
      const result = await pollUntilTerminal(
        't6',
        () => Promise.resolve({ status: time.now() >= ms ? 'succeed' : 'processing' } as const),
        (a) => a.status,
        time,
      );
      shares.push((result.elapsedMs - ms) / ms);
    }
    shares.sort((a, b) => a - b);
    expect(shares.at(-1)).toBeLessThanOrEqual(0.2);
    expect(shares[Math.floor(shares.length / 2)]).toBeLessThan(0.1);
  });

  it('times its waits from one query start to the next, so slow answers do not stretch the schedule', async () => {
    const time = fakeTime();
    const starts: number[] = [];
    const result = await pollUntilTerminal(
      't7',
      async () => {
        starts.push(time.now());
        await time.sleep(500); // the answer takes half a second of the same clock
        return { status: starts.length === 4 ? ('succeed' as const) : ('processing' as const) };
      },
      (a) => a.status,
      time,
    );
    // The queries start 2 s, then 1.9 s apart, as with instant answers; the waits shrink by the answer's time.
    expect(starts).toEqual([2000, 3900, 5800, 7700]);
    expect(time.sleeps).toEqual([2000, 500, 1400, 500, 1400, 500, 1400, 500]);
    expect(result.answers).toHaveLength(4);
  });

  it('a timer that fires late delays that poll alone: the polls after it stay on the schedule', async () => {
    /** The start of every query for a 300 s task, each sleep ending `lateMs` after it was asked to. */
    async function starts(lateMs: number): Promise<number[]> {
      let now = 0;
      const seen: number[] = [];
      await pollUntilTerminal(
        't8',
        () => {
          seen.push(now);
          return Promise.resolve({ status: now >= 300_000 ? ('succeed' as const) : ('processing' as const) });
        },
        (a) => a.status,
        { now: () => now, sleep: (ms) => ((now += ms + lateMs), Promise.resolve()) },
      );
      return seen;
    }
    const due = await starts(0);
    const late = await starts(100);
    // Past 20 s every poll starts 100 ms after it was due, never more: the lateness does not add up (timed from the
    // late starts it grew to over 3 s by 300 s). Sooner, the floor, counted from the late start, holds them 1.9 s apart.
    expect(late).toHaveLength(due.length);
    const behind = late.map((start, i) => start - (due[i] ?? Number.NaN)).filter((_, i) => (due[i] ?? 0) > 20_000);
    expect(behind.length).toBeGreaterThan(10);
    expect(new Set(behind)).toEqual(new Set([100]));
    for (const [i, start] of late.entries()) if (i > 0) expect(start - (late[i - 1] ?? 0)).toBeGreaterThanOrEqual(1900);
  });

  it('never polls less than a second apart with the default schedule', async () => {
    const time = fakeTime();
    await pollUntilTerminal(
      't5',
      () => Promise.resolve({ status: time.now() >= 600_000 ? 'succeed' : 'processing' } as const),
      (a) => a.status,
      time,
    );
    expect(Math.min(...time.sleeps)).toBeGreaterThanOrEqual(1000);
  });

  it('a schedule capped below its floor waits exactly the cap (the harness tests poll every few milliseconds)', () => {
    expect(pollDelay({ ...DEFAULT_POLL_SCHEDULE, initialDelayMs: 20, maxDelayMs: 20 }, 1, 0)).toBe(20);
    expect(pollDelay({ ...DEFAULT_POLL_SCHEDULE, initialDelayMs: 20, maxDelayMs: 20 }, 7, 120)).toBe(20);
  });
});
