import { describe, expect, it } from 'vitest';
import type { Family } from '../../helpers/kling/families.ts';
import { checkRequest } from '../../helpers/kling/request-rules.ts';
import { knownGoodBase64 as IMG } from '../support/images.ts';

const omni = { model_name: 'kling-v3-omni', prompt: 'p', duration: '5', mode: 'std', aspect_ratio: '16:9' };
const t2v = { prompt: 'p', duration: '5', mode: 'std', aspect_ratio: '16:9' };
const i2v = { image: IMG, prompt: 'p', duration: '5', mode: 'std' };
const mi2v = { prompt: 'p', image_list: [{ image: IMG }], duration: '5', mode: 'std', aspect_ratio: '16:9' };
/** An Omni body with customize multi-shot and the given shots (the shot list is what each case varies). */
const customShots = (multi_prompt: unknown[], extra: Record<string, unknown> = {}) => ({
  ...omni,
  ...extra,
  multi_shot: true,
  shot_type: 'customize',
  multi_prompt,
});
const simple = (config: Record<string, number>) => ({
  type: 'simple',
  config: { horizontal: 0, vertical: 0, pan: 0, tilt: 0, roll: 0, zoom: 0, ...config },
});
const video = { video_url: 'https://cdn.example.test/v.mp4', refer_type: 'feature' };

/** [case, family, body, path of the error, a fragment of its message] */
const REFUSED: [string, Family, unknown, string, string | RegExp][] = [
  // Field names per endpoint (kling-api §8)
  [
    'Omni image_list entry keyed image',
    'omni-video',
    { ...omni, image_list: [{ image: IMG, type: 'first_frame' }] },
    'image_list[0].image',
    "use 'image_url', not 'image'",
  ],
  [
    'multi-image2video entry keyed image_url',
    'multi-image2video',
    { ...mi2v, image_list: [{ image_url: IMG }] },
    'image_list[0].image_url',
    "use 'image', not 'image_url'",
  ],
  ['legacy model field', 'text2video', { ...t2v, model: 'kling-v1' }, 'model', "legacy 'model' field silently falls back to kling-v1"],
  ['image_list on text2video', 'text2video', { ...t2v, image_list: [] }, 'image_list', 'is not a text2video field'],
  // Enums
  ['mode standard', 'text2video', { ...t2v, mode: 'standard' }, 'mode', /expected one of "std"\|"pro"/i],
  ['aspect ratio 4:3', 'text2video', { ...t2v, aspect_ratio: '4:3' }, 'aspect_ratio', /"16:9"\|"9:16"\|"1:1"/],
  ['sound yes', 'omni-video', { ...omni, sound: 'yes' }, 'sound', /"on"\|"off"/],
  ['numeric duration', 'text2video', { ...t2v, duration: 5 }, 'duration', 'must be a string of whole seconds'],
  ['duration 7 on the default model', 'text2video', { ...t2v, duration: '7' }, 'duration', '"7" is not a duration kling-v1 takes (5, 10)'],
  ['duration 16 on kling-v3-omni', 'omni-video', { ...omni, duration: '16' }, 'duration', 'kling-v3-omni takes (3, 4, 5'],
  ['duration 3 on O1 plain text', 'omni-video', { ...omni, model_name: 'kling-video-o1', duration: '3' }, 'duration', 'only "5" or "10"'],
  [
    'unknown model for the family',
    'text2video',
    { ...t2v, model_name: 'kling-v3-omni' },
    'model_name',
    "'kling-v3-omni' is not a text2video model",
  ],
  ['model rejected in a live probe', 'text2video', { ...t2v, model_name: 'kling-v3-0' }, 'model_name', 'is not a text2video model'],
  ['cfg_scale out of range', 'text2video', { ...t2v, cfg_scale: 1.5 }, 'cfg_scale', /<=1/],
  // Limits
  ['prompt over 2500', 'text2video', { ...t2v, prompt: 'x'.repeat(2501) }, 'prompt', 'at most 2500 characters'],
  ['empty prompt', 'text2video', { ...t2v, prompt: '' }, 'prompt', 'must not be empty'],
  ['missing prompt on multi-image2video', 'multi-image2video', { ...mi2v, prompt: undefined }, 'prompt', /expected string/i],
  [
    'five images on multi-image2video',
    'multi-image2video',
    { ...mi2v, image_list: Array(5).fill({ image: IMG }) },
    'image_list',
    'at most 4 images',
  ],
  // Raw base64 only
  ['data: URI', 'image2video', { ...i2v, image: `data:image/png;base64,${IMG}` }, 'image', 'is a data: URI; the API takes raw base64 only'],
  [
    'data: URI on Omni',
    'omni-video',
    { ...omni, image_list: [{ image_url: `data:image/png;base64,${IMG}`, type: 'first_frame' }] },
    'image_list[0].image_url',
    'data: URI',
  ],
  ['neither URL nor base64', 'image2video', { ...i2v, image: 'not an image!' }, 'image', 'neither an http(s) URL nor raw base64'],
  ['no image at all', 'image2video', { ...i2v, image: undefined }, 'image', 'image or image_tail is required'],
  // Omni rules
  [
    'end frame without first frame',
    'omni-video',
    { ...omni, image_list: [{ image_url: IMG, type: 'end_frame' }] },
    'image_list',
    'end_frame without a first_frame',
  ],
  [
    'two first frames',
    'omni-video',
    {
      ...omni,
      image_list: [
        { image_url: IMG, type: 'first_frame' },
        { image_url: IMG, type: 'first_frame' },
      ],
    },
    'image_list',
    'more than one first_frame',
  ],
  [
    'frame type unknown',
    'omni-video',
    { ...omni, image_list: [{ image_url: IMG, type: 'last_frame' }] },
    'image_list[0].type',
    /first_frame/,
  ],
  [
    'eight references without video',
    'omni-video',
    { ...omni, image_list: Array(4).fill({ image_url: IMG }), element_list: [1, 2, 3, 4].map((element_id) => ({ element_id })) },
    'image_list',
    'total 8; at most 7 without a reference video',
  ],
  [
    'five references with a video',
    'omni-video',
    { ...omni, image_list: Array(3).fill({ image_url: IMG }), element_list: [{ element_id: 1 }, { element_id: 2 }], video_list: [video] },
    'image_list',
    'total 5; at most 4 with a reference video',
  ],
  ['two videos', 'omni-video', { ...omni, video_list: [video, video] }, 'video_list', 'at most 1 video'],
  [
    'sound on with a video',
    'omni-video',
    { ...omni, sound: 'on', video_list: [video] },
    'sound',
    "must be 'off' when video_list is present",
  ],
  [
    'frames with video editing',
    'omni-video',
    { ...omni, image_list: [{ image_url: IMG, type: 'first_frame' }], video_list: [{ video_url: video.video_url }] },
    'image_list',
    'cannot be combined with video editing',
  ],
  [
    'four elements in first-frame mode',
    'omni-video',
    { ...omni, image_list: [{ image_url: IMG, type: 'first_frame' }], element_list: [1, 2, 3, 4].map((element_id) => ({ element_id })) },
    'element_list',
    'at most 3 elements',
  ],
  // Multi-shot
  ['multi_shot without shot_type', 'omni-video', { ...omni, multi_shot: true }, 'shot_type', 'is required when multi_shot is true'],
  [
    'customize without multi_prompt',
    'text2video',
    { ...t2v, multi_shot: true, shot_type: 'customize' },
    'multi_prompt',
    "is required when shot_type is 'customize'",
  ],
  [
    'intelligence without prompt',
    'text2video',
    { ...t2v, prompt: undefined, multi_shot: true, shot_type: 'intelligence' },
    'prompt',
    "is required when shot_type is 'intelligence'",
  ],
  [
    'shot without index',
    'omni-video',
    customShots([{ prompt: 'a', duration: '5' }]),
    'multi_prompt[0].index',
    'is required and must be an integer',
  ],
  [
    'shots not adding up',
    'omni-video',
    customShots([
      { index: 1, prompt: 'a', duration: '2' },
      { index: 2, prompt: 'b', duration: '2' },
    ]),
    'multi_prompt',
    'add up to 4, but duration is 5',
  ],
  [
    'seven shots',
    'omni-video',
    customShots(
      Array.from({ length: 7 }, (_, i) => ({ index: i + 1, prompt: 's', duration: '1' })),
      { duration: '7' },
    ),
    'multi_prompt',
    '1 to 6 shots',
  ],
  [
    'shot prompt over 512',
    'omni-video',
    customShots([{ index: 1, prompt: 'x'.repeat(513), duration: '5' }]),
    'multi_prompt[0].prompt',
    'at most 512 characters',
  ],
  [
    'repeated shot index',
    'omni-video',
    customShots([
      { index: 1, prompt: 'a', duration: '2' },
      { index: 1, prompt: 'b', duration: '3' },
    ]),
    'multi_prompt[1].index',
    'repeats index 1',
  ],
  [
    'multi_shot with a first frame',
    'omni-video',
    { ...omni, image_list: [{ image_url: IMG, type: 'first_frame' }], multi_shot: true, shot_type: 'intelligence' },
    'image_list',
    'not allowed with multi_shot',
  ],
  // camera_control
  [
    'two non-zero axes',
    'text2video',
    { ...t2v, camera_control: simple({ pan: 2, zoom: 3 }) },
    'camera_control.config',
    'exactly one non-zero axis, found 2 (pan, zoom)',
  ],
  ['no non-zero axis', 'text2video', { ...t2v, camera_control: simple({}) }, 'camera_control.config', 'exactly one non-zero axis, found 0'],
  ['axis out of range', 'text2video', { ...t2v, camera_control: simple({ pan: 11 }) }, 'camera_control.config.pan', /<=10/],
  [
    'simple without config',
    'text2video',
    { ...t2v, camera_control: { type: 'simple' } },
    'camera_control.config',
    "is required when type is 'simple'",
  ],
  [
    'config on a preset type',
    'text2video',
    { ...t2v, camera_control: { ...simple({ pan: 1 }), type: 'down_back' } },
    'camera_control.config',
    "must be left out when type is 'down_back'",
  ],
  // image2video exclusions
  [
    'image_tail with camera_control',
    'image2video',
    { ...i2v, image_tail: IMG, camera_control: simple({ zoom: 1 }) },
    '(body)',
    'image_tail, camera_control cannot be combined',
  ],
  [
    'element_list with voice_list',
    'image2video',
    { ...i2v, sound: 'on', model_name: 'kling-v2-6', mode: 'pro', element_list: [{ element_id: 1 }], voice_list: [{ voice_id: 'v' }] },
    'voice_list',
    'cannot be combined with element_list',
  ],
  ['voice_list without sound', 'image2video', { ...i2v, voice_list: [{ voice_id: 'v' }] }, 'sound', "must be 'on' when voice_list is used"],
  [
    'trajectory of one point',
    'image2video',
    { ...i2v, dynamic_masks: [{ mask: IMG, trajectories: [{ x: 1, y: 1 }] }] },
    'dynamic_masks[0].trajectories',
    '2 to 77 points',
  ],
];

describe('Scaffold | request contract check refuses', () => {
  it.each(REFUSED)('%s', (_name, family, body, path, message) => {
    const { errors } = checkRequest(family, body);
    const hit = errors.find((e) => e.path === path);
    expect(hit, JSON.stringify(errors)).toBeDefined();
    if (typeof message === 'string') expect(hit?.message).toContain(message);
    else expect(hit?.message).toMatch(message);
  });
});

describe('Scaffold | request contract check accepts', () => {
  it.each([
    ['the minimal text2video body', 'text2video', t2v],
    ['an http(s) image URL', 'image2video', { ...i2v, image: 'https://cdn.example.test/a.png' }],
    ['kling-v3 at 15 s', 'text2video', { ...t2v, model_name: 'kling-v3', duration: '15' }],
    ['an element id sent as a string, as some official examples do', 'omni-video', { ...omni, element_list: [{ element_id: '123' }] }],
    ['one non-zero camera axis', 'text2video', { ...t2v, camera_control: simple({ tilt: -3.5 }) }],
    ['a preset camera move without config', 'text2video', { ...t2v, camera_control: { type: 'forward_up' } }],
    [
      'customize multi-shot without a prompt',
      'text2video',
      {
        ...t2v,
        prompt: undefined,
        model_name: 'kling-v3',
        multi_shot: true,
        shot_type: 'customize',
        multi_prompt: [{ index: 1, prompt: 'a', duration: '5' }],
      },
    ],
    [
      'start and end frame on v3-omni',
      'omni-video',
      {
        ...omni,
        image_list: [
          { image_url: IMG, type: 'first_frame' },
          { image_url: IMG, type: 'end_frame' },
        ],
      },
    ],
  ] as [string, Family, unknown][])('%s', (_name, family, body) => {
    expect(checkRequest(family, body).errors).toEqual([]);
  });

  it('warns, without refusing, where the docs and the plan disagree or the docs are silent', () => {
    expect(checkRequest('image2video', { ...i2v, aspect_ratio: '16:9' })).toMatchObject({
      errors: [],
      warnings: [{ path: 'aspect_ratio' }],
    });
    expect(checkRequest('omni-video', { ...omni, aspect_ratio: undefined })).toMatchObject({
      errors: [],
      warnings: [{ path: 'aspect_ratio', message: expect.stringContaining('required without a first frame') as string }],
    });
    expect(checkRequest('text2video', { ...t2v, shot_type: 'intelligence' })).toMatchObject({
      errors: [],
      warnings: [{ path: 'multi_shot' }],
    });
  });
});

describe('Scaffold | request contract check is as tolerant as the API', () => {
  const EMPTY_AS_ABSENT = 'is an empty string: the API takes it as absent (docs/kling-api.md §3a)';

  it.each([
    ['callback_url, as in Kling’s own examples', 'text2video', { ...t2v, callback_url: '' }, 'callback_url'],
    ['external_task_id, as in Kling’s own examples', 'text2video', { ...t2v, external_task_id: '' }, 'external_task_id'],
    ['static_mask, sent by a create that succeeded', 'image2video', { ...i2v, static_mask: '' }, 'static_mask'],
    ['negative_prompt', 'multi-image2video', { ...mi2v, negative_prompt: '' }, 'negative_prompt'],
    ['model_name', 'text2video', { ...t2v, model_name: '' }, 'model_name'],
  ] as [string, Family, unknown, string][])('takes an empty optional %s as absent, with a warning', (_name, family, body, path) => {
    expect(checkRequest(family, body)).toMatchObject({ errors: [], warnings: [{ path, message: EMPTY_AS_ABSENT }] });
  });

  it('applies every later rule to an empty optional string as to an absent field', () => {
    // kling-api §4: a missing image is refused with 1201 "image can not be null"; an empty one is missing.
    expect(checkRequest('image2video', { ...i2v, image: '' }).errors).toEqual([
      { path: 'image', message: 'image or image_tail is required (docs/kling-api.md §3e)' },
    ]);
    // An empty model_name is the family's default model, with that model's durations.
    expect(checkRequest('text2video', { ...t2v, model_name: '', duration: '7' }).errors).toEqual([
      { path: 'duration', message: '"7" is not a duration kling-v1 takes (5, 10) (docs/kling-api.md §3c)' },
    ]);
    // A required string stays required: empty is refused.
    expect(checkRequest('multi-image2video', { ...mi2v, prompt: '' }).errors.map((e) => e.path)).toEqual(['prompt']);
    expect(checkRequest('text2video', { ...t2v, prompt: '' }).errors.map((e) => e.path)).toEqual(['prompt']);
  });

  it.each([
    [
      'cfg_scale on kling-v2-6, which a production integration sends',
      'text2video',
      { ...t2v, model_name: 'kling-v2-6', cfg_scale: 0.5 },
      'cfg_scale',
    ],
    ['cfg_scale on kling-v2-master', 'image2video', { ...i2v, model_name: 'kling-v2-master', cfg_scale: 0.5 }, 'cfg_scale'],
    ["sound 'on' on a model without sound", 'text2video', { ...t2v, sound: 'on' }, 'sound'],
    ["sound 'on' on kling-v2-6 outside pro", 'text2video', { ...t2v, model_name: 'kling-v2-6', sound: 'on' }, 'sound'],
  ] as [string, Family, unknown, string][])('warns, without refusing, about %s: the API may ignore it', (_name, family, body, path) => {
    const { errors, warnings } = checkRequest(family, body);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([{ path, message: expect.stringContaining('the API may ignore it') as string }]);
  });

  it('still refuses a duration the model does not list', () => {
    expect(checkRequest('text2video', { ...t2v, model_name: 'kling-v2-6', duration: '7' }).errors.map((e) => e.path)).toEqual(['duration']);
  });

  it('refuses image_tail on kling-v2-6 outside pro, or with sound on, as the API does at runtime', () => {
    const v26 = { ...i2v, model_name: 'kling-v2-6', image_tail: IMG };
    expect(checkRequest('image2video', v26).errors).toEqual([
      { path: 'image_tail', message: "on kling-v2-6 needs mode 'pro' (docs/kling-api.md §3c)" },
    ]);
    expect(checkRequest('image2video', { ...v26, mode: 'pro', sound: 'on' }).errors).toEqual([
      { path: 'image_tail', message: "on kling-v2-6 cannot be combined with sound 'on' (docs/kling-api.md §3c)" },
    ]);
    expect(checkRequest('image2video', { ...v26, mode: 'pro' })).toMatchObject({ errors: [], warnings: [] });
  });
});

describe('Scaffold | request contract check cites its sources', () => {
  const CITATION = /\((?:docs\/kling-api\.md §\d+[a-z]?|https:\/\/app\.klingai\.com\/\S+)\)$/;
  // Bodies beyond REFUSED that reach the warnings, the rules found nowhere else and zod's own messages.
  const others: [Family, unknown][] = [
    ['image2video', { ...i2v, aspect_ratio: '16:9', cfg_scale: 0.5, model_name: 'kling-v2-1', callback_url: '' }],
    ['omni-video', { ...omni, aspect_ratio: undefined, external_task_id: '' }],
    ['omni-video', { ...omni, image_list: [{ image_url: IMG, type: 'first_frame' }] }],
    ['text2video', { ...t2v, shot_type: 'intelligence', sound: 'on', model_name: 'kling-v2-6' }],
    ['text2video', { ...t2v, sound: 'on' }],
    ['text2video', { ...t2v, model: 'kling-v1', image_list: [] }],
    ['omni-video', { ...omni, image_list: [{ image: IMG }] }],
    ['omni-video', 'not an object'],
    ['text2video', { ...t2v, watermark_info: { enabled: 'yes' }, callback_url: 'not a url', external_task_id: 7 }],
    ['image2video', { ...i2v, model_name: 'kling-v2-6', image_tail: IMG, sound: 'on' }],
    ['omni-video', { ...omni, model_name: 'kling-video-o1', image_list: Array(3).fill({ image_url: IMG, type: 'first_frame' }) }],
    [
      'omni-video',
      {
        ...omni,
        model_name: 'kling-video-o1',
        image_list: [
          { image_url: IMG, type: 'first_frame' },
          { image_url: IMG, type: 'end_frame' },
        ],
        element_list: [{ element_id: 1 }],
      },
    ],
    ['text2video', customShots([{ index: 1, prompt: 'a', duration: '9' }], { model_name: 'kling-v3', duration: '5' })],
    [
      'image2video',
      { ...i2v, image_tail: IMG, multi_shot: true, shot_type: 'customize', multi_prompt: [{ index: 1, prompt: '', duration: '5' }] },
    ],
  ];
  const bodies: [Family, unknown][] = [...REFUSED.map(([, family, body]): [Family, unknown] => [family, body]), ...others];

  it('ends every error and warning with the docs/kling-api.md section or the official page it comes from', () => {
    const findings = bodies.flatMap(([family, body]) => {
      const { errors, warnings } = checkRequest(family, body);
      return [...errors, ...warnings].map((f) => `${family} ${f.path}: ${f.message}`);
    });
    expect(findings.length).toBeGreaterThan(bodies.length);
    expect(findings.filter((f) => !CITATION.test(f))).toEqual([]);
  });
});
