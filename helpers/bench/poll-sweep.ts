import { pollUntilTerminal } from '../kling/poller.ts';
import { median } from './figure.ts';

/**
 * The poll schedule on a simulated clock (the real poller, instant queries, no network): when it polls, and how
 * late the poll that sees `succeed` comes for a task of a given length, as a share of that length.
 *
 * A task is never exactly T long, and the lag of one exact length only says where the poll grid happens to fall
 * (nothing for a task that ends just before a poll, a whole interval for one that ends just after). The lag "at T"
 * is therefore taken over tasks ending anywhere between the two polls around T, evenly: the sandbox runs sample
 * a few such ends, the sweep 400 of them.
 */

/** The default schedule for a task of `ms`: the lag from its end to the poll that sees it, the queries, the poll times. */
export async function simulatedPoll(ms: number): Promise<{ lagMs: number; queries: number; pollTimes: number[] }> {
  let clock = 0;
  const pollTimes: number[] = [];
  const result = await pollUntilTerminal(
    'sweep',
    () => {
      pollTimes.push(clock);
      return Promise.resolve({ status: clock >= ms ? ('succeed' as const) : ('processing' as const) });
    },
    (a) => a.status,
    {
      now: () => clock,
      sleep: (wait) => {
        clock += wait;
        return Promise.resolve();
      },
    },
  );
  return { lagMs: result.elapsedMs - ms, queries: result.answers.length, pollTimes };
}

/** The two polls around `ms`: the last one before it (or polling's start) and the one that sees a task of that length. */
export async function intervalAround(ms: number): Promise<{ from: number; to: number }> {
  const { pollTimes } = await simulatedPoll(ms);
  return { from: pollTimes.at(-2) ?? 0, to: pollTimes.at(-1) ?? ms };
}

/** Task lengths evenly spread over the interval around `ms`, one per run. */
export async function spreadAround(ms: number, runs: number): Promise<number[]> {
  const { from, to } = await intervalAround(ms);
  return Array.from({ length: runs }, (_, i) => Math.round(from + (to - from) * ((i + 0.5) / runs)));
}

export async function sweep(ms: number, points = 400): Promise<{ medianShare: number; maxShare: number }> {
  const shares: number[] = [];
  for (const at of await spreadAround(ms, points)) shares.push((await simulatedPoll(at)).lagMs / at);
  return { medianShare: median(shares), maxShare: Math.max(...shares) };
}
