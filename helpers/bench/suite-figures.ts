import { vitestMs } from './child-runs.ts';
import { RUNS, median, type Figure } from './figure.ts';

/**
 * The figures that time a whole vitest suite against the bare-vitest floor: the replay suite's cost (figure 1)
 * and how fast a live run without approval refuses (figure 7). The suites take turns, run by run, so a machine
 * that gets busier part-way slows all alike; the floor and the replay suite run again with vitest's module cache
 * off, which is how a fresh install's first run finds them.
 */

export interface SuiteTimes {
  floor: number[];
  replay: number[];
  refusal: number[];
  /** The floor and the replay suite with vitest's module cache off (vitest.config.ts): every module transformed. */
  floorUncached: number[];
  replayUncached: number[];
}

const UNCACHED = ['--experimental.fsModuleCache=false'];

export async function suiteTimes(): Promise<SuiteTimes> {
  const times: SuiteTimes = { floor: [], replay: [], refusal: [], floorUncached: [], replayUncached: [] };
  for (let i = 0; i < RUNS; i++) {
    times.floor.push(...(await vitestMs('floor', { HARNESS_MODE: 'replay' }, 1)));
    times.replay.push(...(await vitestMs('rows', { HARNESS_MODE: 'replay' }, 1)));
    times.floorUncached.push(...(await vitestMs('floor', { HARNESS_MODE: 'replay' }, 1, UNCACHED)));
    times.replayUncached.push(...(await vitestMs('rows', { HARNESS_MODE: 'replay' }, 1, UNCACHED)));
    times.refusal.push(
      ...(await vitestMs('rows', { HARNESS_MODE: 'live', APPROVE_ROWS: '', KLING_ACCESS_KEY: 'ak', KLING_SECRET_KEY: 'sk' }, 1)),
    );
  }
  return times;
}

const seconds = (ms: number[]) => `${(median(ms) / 1000).toFixed(2)} s`;

export function replayCost({ floor, replay, floorUncached, replayUncached }: SuiteTimes): Figure {
  const ratio = median(replay) / median(floor);
  return {
    id: 1,
    figure: 'Replay cost (replay suite / bare-vitest floor)',
    measured: `${ratio.toFixed(2)}x (${seconds(replay)} vs ${seconds(floor)}; module cache off: ${seconds(replayUncached)} vs ${seconds(floorUncached)})`,
    target: '<= 1.3x',
    met: ratio <= 1.3,
    detail: {
      replayMs: Math.round(median(replay)),
      floorMs: Math.round(median(floor)),
      replayUncachedMs: Math.round(median(replayUncached)),
      floorUncachedMs: Math.round(median(floorUncached)),
    },
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
