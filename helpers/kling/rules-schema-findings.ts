import type { z } from 'zod';
import type { Family } from './families.ts';
import { formatPath, type Finding } from './findings.ts';
import { cite } from './rules-collector.ts';

/**
 * A request schema's refusals as findings, each citing its source: a key that belongs to another endpoint gets
 * a hint of what to send instead (kling-api §8), and zod's own messages get the section of the field they
 * concern (kling-api §3).
 */

const CITED = /\((?:docs\/kling-api\.md §\d+[a-z]?|https:\/\/app\.klingai\.com\/\S+)\)$/;

/** Keys that are right on one endpoint and wrong on another (kling-api §8), with what to send instead. */
const KEY_HINTS: Readonly<Record<Family, Readonly<Record<string, string>>>> = {
  'omni-video': { image: `Omni image_list entries use 'image_url', not 'image' ${cite('§8')}` },
  text2video: {},
  image2video: {},
  'multi-image2video': { image_url: `multi-image2video image_list entries use 'image', not 'image_url' ${cite('§8')}` },
};
const MODEL_ALIAS_HINT = `the legacy 'model' field silently falls back to kling-v1; send 'model_name' ${cite('§3a')}`;

/** Where each family's own fields are described (kling-api §3): the source of a field-level finding by default. */
const FAMILY_SECTION: Readonly<Record<Family, string>> = {
  'omni-video': '§3g',
  text2video: '§3a',
  image2video: '§3e',
  'multi-image2video': '§3h',
};
/** Fields described outside their family's section (kling-api §3a–§3f), whatever the family. */
const FIELD_SECTION: Readonly<Record<string, string>> = {
  model_name: '§3b',
  mode: '§3a',
  duration: '§3a',
  prompt: '§3a',
  negative_prompt: '§3a',
  cfg_scale: '§3a',
  aspect_ratio: '§3a',
  sound: '§3a',
  watermark_info: '§3a',
  callback_url: '§3a',
  external_task_id: '§3a',
  camera_control: '§3d',
  multi_shot: '§3f',
  shot_type: '§3f',
  multi_prompt: '§3f',
};

/** zod's own messages cite nothing: they get the section of the top-level field they concern (the body: §2). */
function withSource(family: Family, path: readonly PropertyKey[], message: string): string {
  if (CITED.test(message)) return message;
  const [field] = path;
  const section = field === undefined ? '§2' : (FIELD_SECTION[String(field)] ?? FAMILY_SECTION[family]);
  return `${message} ${cite(section)}`;
}

export function schemaFindings(family: Family, error: z.ZodError): Finding[] {
  return error.issues.flatMap((issue): Finding[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = formatPath([...issue.path, key]);
        const hint = key === 'model' && issue.path.length === 0 ? MODEL_ALIAS_HINT : KEY_HINTS[family][key];
        return { path, message: `is not a ${family} field${hint ? `: ${hint}` : ` ${cite(FAMILY_SECTION[family])}`}` };
      });
    }
    return [{ path: formatPath(issue.path) || '(body)', message: withSource(family, issue.path, issue.message) }];
  });
}
