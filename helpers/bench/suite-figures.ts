import { vitestMs } from './child-runs.ts';
import { median, type Figure } from './figure.ts';

/**
 * The figures that time a whole vitest suite against the bare-vitest floor: the replay suite's cost (figure 1)
 * and how fast a live run without approval refuses (figure 5).
 */

export async function replayCost(floor: number[]): Promise<Figure> {
  const replay = await vitestMs('rows', { HARNESS_MODE: 'replay' });
  const ratio = median(replay) / median(floor);
  return {
    id: 1,
    figure: 'Replay cost (replay suite / bare-vitest floor)',
    measured: `${ratio.toFixed(2)}x (${(median(replay) / 1000).toFixed(2)} s vs ${(median(floor) / 1000).toFixed(2)} s)`,
    target: '<= 1.5x',
    met: ratio <= 1.5,
    detail: { replayMs: median(replay), floorMs: median(floor) },
  };
}

export async function refusalTime(floor: number[]): Promise<Figure> {
  const refusal = await vitestMs('rows', {
    HARNESS_MODE: 'live',
    APPROVE_ROWS: '',
    KLING_ACCESS_KEY: 'ak',
    KLING_SECRET_KEY: 'sk',
  });
  const ratio = median(refusal) / median(floor);
  return {
    id: 5,
    figure: 'Refusal time (test:live without approval / floor)',
    measured: `${ratio.toFixed(2)}x (${(median(refusal) / 1000).toFixed(2)} s)`,
    target: '<= 1.2x',
    met: ratio <= 1.2,
    detail: { refusalMs: median(refusal), floorMs: median(floor) },
  };
}
