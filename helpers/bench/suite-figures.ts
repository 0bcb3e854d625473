import { vitestMs } from './child-runs.ts';
import { RUNS, median, type Figure } from './figure.ts';

/**
 * The figures that time a whole vitest suite against the bare-vitest floor: the replay suite's cost (figure 1)
 * and how fast a live run without approval refuses (figure 7). The three suites take turns, run by run, so a
 * machine that gets busier part-way slows all three alike.
 */

export interface SuiteTimes {
  floor: number[];
  replay: number[];
  refusal: number[];
}

export async function suiteTimes(): Promise<SuiteTimes> {
  const times: SuiteTimes = { floor: [], replay: [], refusal: [] };
  for (let i = 0; i < RUNS; i++) {
    times.floor.push(...(await vitestMs('floor', { HARNESS_MODE: 'replay' }, 1)));
    times.replay.push(...(await vitestMs('rows', { HARNESS_MODE: 'replay' }, 1)));
    times.refusal.push(
      ...(await vitestMs('rows', { HARNESS_MODE: 'live', APPROVE_ROWS: '', KLING_ACCESS_KEY: 'ak', KLING_SECRET_KEY: 'sk' }, 1)),
    );
  }
  return times;
}

export function replayCost({ floor, replay }: SuiteTimes): Figure {
  const ratio = median(replay) / median(floor);
  return {
    id: 1,
    figure: 'Replay cost (replay suite / bare-vitest floor)',
    measured: `${ratio.toFixed(2)}x (${(median(replay) / 1000).toFixed(2)} s vs ${(median(floor) / 1000).toFixed(2)} s)`,
    target: '<= 1.3x',
    met: ratio <= 1.3,
    detail: { replayMs: Math.round(median(replay)), floorMs: Math.round(median(floor)) },
  };
}

export function refusalTime({ floor, refusal }: SuiteTimes): Figure {
  const ratio = median(refusal) / median(floor);
  return {
    id: 7,
    figure: 'Refusal time (test:live without approval / floor)',
    measured: `${ratio.toFixed(2)}x (${(median(refusal) / 1000).toFixed(2)} s)`,
    target: '<= 1.2x',
    met: ratio <= 1.2,
    detail: { refusalMs: Math.round(median(refusal)), floorMs: Math.round(median(floor)) },
  };
}
