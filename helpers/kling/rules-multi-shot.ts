import type { Text2videoRequest } from './request-schemas.ts';
import { cite, type Collector } from './rules-collector.ts';

/**
 * The multi-shot rules (kling-api §3f) of the families that take multi_shot: which of shot_type, multi_prompt
 * and prompt each mode needs, and, for customize, shots whose indexes are distinct and whose durations add up
 * to the total.
 */

type MultiShotCapable = Pick<Text2videoRequest, 'multi_shot' | 'shot_type' | 'multi_prompt' | 'prompt' | 'duration'>;

export function checkMultiShot(body: MultiShotCapable, out: Collector): void {
  if (body.multi_shot !== true) {
    if (body.shot_type !== undefined || body.multi_prompt !== undefined) {
      out.warn('multi_shot', `shot_type and multi_prompt are ignored unless multi_shot is true ${cite('§3f')}`);
    }
    if (!body.prompt) out.error('prompt', `is required and must not be empty unless multi_shot uses shot_type customize ${cite('§3a')}`);
    return;
  }
  if (body.shot_type === undefined) {
    out.error('shot_type', `is required when multi_shot is true ${cite('§3f')}`);
    return;
  }
  if (body.shot_type === 'intelligence') {
    if (!body.prompt) out.error('prompt', `is required when shot_type is 'intelligence' ${cite('§3f')}`);
    return;
  }
  const shots = body.multi_prompt;
  if (shots === undefined) {
    out.error('multi_prompt', `is required when shot_type is 'customize' ${cite('§3f')}`);
    return;
  }
  const total = Number(body.duration ?? '5');
  let sum = 0;
  const seen = new Set<number>();
  shots.forEach((shot, i) => {
    const seconds = Number(shot.duration);
    sum += seconds;
    if (seconds < 1 || seconds > total) {
      out.error(`multi_prompt[${i}].duration`, `must be between 1 and the total duration ${total} ${cite('§3f')}`);
    }
    if (seen.has(shot.index)) out.error(`multi_prompt[${i}].index`, `repeats index ${shot.index} ${cite('§3f')}`);
    seen.add(shot.index);
  });
  if (sum !== total) {
    out.error('multi_prompt', `shot durations add up to ${sum}, but duration is ${total}; they must be equal ${cite('§3f')}`);
  }
}
