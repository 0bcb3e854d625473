import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PRESERVED_RISK_CONTROL_PROMPT,
  buildImage2videoNoModel,
  buildMultiImage2videoNoModel,
  buildOmniElements,
  buildOmniFirstFrame,
  buildOmniMultiShot,
  buildOmniVideoContinuation,
  buildOmniVideoWithElements,
  buildPreservedRiskControl,
  buildText2videoNoModel,
} from '../../helpers/kling/builders.ts';
import { checkRequest } from '../../helpers/kling/request-rules.ts';
import { checkPolicy } from '../../helpers/kling/model-policy.ts';
import { knownGoodBase64 } from '../support/images.ts';

const PLAN = readFileSync(new URL('../fixtures/verification-plan.md', import.meta.url), 'utf8');

/** The ```json payload block under the plan's "## <row>." heading, read from the plan itself. */
function planBlock(row: string): Record<string, unknown> {
  const section = PLAN.split(/^## /m).find((s) => s.startsWith(`${row}. `));
  const json = section?.match(/```json\n([\s\S]*?)```/)?.[1];
  if (json === undefined) throw new Error(`no payload block for row ${row}`);
  return JSON.parse(json) as Record<string, unknown>;
}

/** Compare key for key, in order; a plan value like "<one-scene prompt>" is a placeholder that takes any filled string. */
function expectMatchesPlan(built: unknown, plan: unknown, path = '$'): void {
  if (typeof plan === 'string' && /^<.+>$/.test(plan)) {
    expect(typeof built, path).toBe('string');
    expect((built as string).length, path).toBeGreaterThan(0);
    expect(built, path).not.toMatch(/^<.+>$/);
    return;
  }
  if (Array.isArray(plan)) {
    expect(Array.isArray(built), path).toBe(true);
    expect((built as unknown[]).length, path).toBe(plan.length);
    plan.forEach((item, i) => expectMatchesPlan((built as unknown[])[i], item, `${path}[${i}]`));
    return;
  }
  if (typeof plan === 'object' && plan !== null) {
    expect(Object.keys(built as object), path).toEqual(Object.keys(plan));
    for (const [key, value] of Object.entries(plan)) expectMatchesPlan((built as Record<string, unknown>)[key], value, `${path}.${key}`);
    return;
  }
  expect(built, path).toEqual(plan);
}

describe('Scaffold | builders against the plan', () => {
  it('row A equals the plan block key for key, placeholders filled', () => {
    const built = buildOmniFirstFrame({ prompt: 'A red house on a green hill at noon.', firstFrame: knownGoodBase64 });
    expect(built.family).toBe('omni-video');
    expectMatchesPlan(built.body, planBlock('A'));
  });

  it('row B equals the plan block: no model_name', () => {
    const built = buildText2videoNoModel({ prompt: 'A paper boat drifts across a calm pond.' });
    expectMatchesPlan(built.body, planBlock('B'));
    expect(built.body).not.toHaveProperty('model_name');
  });

  it('row C equals the plan block: no model_name, raw base64 image', () => {
    const built = buildImage2videoNoModel({ image: knownGoodBase64, prompt: 'The sun slowly sets.' });
    expectMatchesPlan(built.body, planBlock('C'));
    expect(built.body).not.toHaveProperty('model_name');
  });

  it('a mismatch against the plan is caught (the comparison can fail)', () => {
    const built = { ...buildText2videoNoModel({ prompt: 'x' }).body, mode: 'pro' };
    expect(() => expectMatchesPlan(built, planBlock('B'))).toThrow();
    expect(() => expectMatchesPlan({ ...built, mode: 'std', model_name: 'kling-v1' }, planBlock('B'))).toThrow();
  });

  it('row D, which has no plan block, follows the docs (kling-api §3h) and has no model_name', () => {
    const built = buildMultiImage2videoNoModel({ prompt: 'Two friends wave.', images: [knownGoodBase64, knownGoodBase64] });
    expect(built.body).toEqual({
      prompt: 'Two friends wave.',
      image_list: [{ image: knownGoodBase64 }, { image: knownGoodBase64 }],
      duration: '5',
      mode: 'std',
      aspect_ratio: '16:9',
    });
    expect(checkRequest('multi-image2video', built.body).errors).toEqual([]);
  });

  it('rows A, B, C pass the contract check; the plan-vs-docs disagreements are warnings, not errors', () => {
    const a = checkRequest('omni-video', buildOmniFirstFrame({ prompt: 'p', firstFrame: knownGoodBase64 }).body);
    const b = checkRequest('text2video', buildText2videoNoModel({ prompt: 'p' }).body);
    const c = checkRequest('image2video', buildImage2videoNoModel({ image: knownGoodBase64, prompt: 'p' }).body);
    expect([a.errors, b.errors, c.errors]).toEqual([[], [], []]);
    expect(a.warnings.map((w) => w.path)).toEqual(['aspect_ratio']);
    expect(b.warnings).toEqual([]);
    expect(c.warnings.map((w) => w.path)).toEqual(['aspect_ratio']);
    expect(c.warnings[0]?.message).toMatch(/image2video has no aspect_ratio field in the docs/);
  });

  it('rows A, B, C pass the model policy with no approvals at all', () => {
    expect(checkPolicy('omni-video', buildOmniFirstFrame({ prompt: 'p', firstFrame: knownGoodBase64 }).body)).toEqual([]);
    expect(checkPolicy('text2video', buildText2videoNoModel({ prompt: 'p' }).body)).toEqual([]);
    expect(checkPolicy('image2video', buildImage2videoNoModel({ image: knownGoodBase64, prompt: 'p' }).body)).toEqual([]);
  });

  it('the preserved risk-control case carries the plan prompt verbatim, 10 s, three raw-base64 references', () => {
    const built = buildPreservedRiskControl({ references: [knownGoodBase64, knownGoodBase64, knownGoodBase64] });
    expect(PLAN).toContain(`> ${PRESERVED_RISK_CONTROL_PROMPT}`);
    expect(built.body).toEqual({
      model_name: 'kling-v3-omni',
      prompt: PRESERVED_RISK_CONTROL_PROMPT,
      duration: '10',
      image_list: [{ image_url: knownGoodBase64 }, { image_url: knownGoodBase64 }, { image_url: knownGoodBase64 }],
    });
    const check = checkRequest('omni-video', built.body);
    expect(check.errors).toEqual([]);
    // mode and aspect_ratio were not recorded; the check says so rather than the builder guessing them.
    expect(check.warnings.map((w) => w.path)).toEqual(['aspect_ratio']);
  });
});

describe('Scaffold | next-round builders', () => {
  const url = 'https://cdn.example.test/previous-shot.mp4';

  it('video_list continuation uses refer_type feature and passes the contract check', () => {
    const built = buildOmniVideoContinuation({ prompt: 'Continue the scene: <<<video_1>>>', videoUrl: url });
    expect(built.body.video_list).toEqual([{ video_url: url, refer_type: 'feature', keep_original_sound: 'no' }]);
    expect(checkRequest('omni-video', built.body).errors).toEqual([]);
  });

  it('element_list builds numeric element ids', () => {
    const built = buildOmniElements({ prompt: '<<<element_1>>> walks in', elementIds: [101, 202] });
    expect(built.body.element_list).toEqual([{ element_id: 101 }, { element_id: 202 }]);
    expect(checkRequest('omni-video', built.body).errors).toEqual([]);
  });

  it('video_list + element_list together stays within 4 references', () => {
    const ok = buildOmniVideoWithElements({ prompt: 'p', videoUrl: url, elementIds: [1, 2, 3, 4] });
    expect(checkRequest('omni-video', ok.body).errors).toEqual([]);
    const tooMany = buildOmniVideoWithElements({ prompt: 'p', videoUrl: url, elementIds: [1, 2, 3, 4, 5] });
    expect(checkRequest('omni-video', tooMany.body).errors.map((e) => e.message)).toEqual([
      'images + elements total 5; at most 4 with a reference video (docs/kling-api.md §3g)',
    ]);
  });

  it('multi-shot numbers each shot from 1 and sets the total to the sum of the shots', () => {
    const built = buildOmniMultiShot({
      shots: [
        { prompt: 'wide', duration: 2 },
        { prompt: 'close', duration: 3 },
      ],
    });
    expect(built.body).toMatchObject({
      multi_shot: true,
      shot_type: 'customize',
      duration: '5',
      multi_prompt: [
        { index: 1, prompt: 'wide', duration: '2' },
        { index: 2, prompt: 'close', duration: '3' },
      ],
    });
    expect(checkRequest('omni-video', built.body)).toMatchObject({ errors: [], warnings: [] });
  });
});
