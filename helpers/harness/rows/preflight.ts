import { checkAssetFloor } from '../../kling/asset-floor.ts';
import type { BuiltRequest } from '../../kling/builders.ts';
import type { Finding } from '../../kling/findings.ts';
import { judgeImageRef } from '../../kling/image-ref.ts';
import { checkPolicy, type Approvals } from '../../kling/model-policy.ts';
import { imagesOf } from '../../kling/request-images.ts';
import { checkRequest } from '../../kling/request-rules.ts';

/**
 * Everything checked before a create, at no cost (promises §7): the contract check, the model policy and the
 * local asset floor. The first failing check names the class the classifier gives it.
 */
export interface Preflight {
  ok: boolean;
  failedCheck?: 'schema' | 'policy' | 'asset';
  problems: string[];
  warnings: Finding[];
  /** Decoded raw-base64 inputs, for the evidence. */
  images: Buffer[];
}

export function preflight(built: BuiltRequest, approvals: Approvals = {}): Preflight {
  const body = built.body as Record<string, unknown>;
  const contract = checkRequest(built.family, body);
  const warnings = [...contract.warnings];
  if (contract.errors.length > 0) {
    return { ok: false, failedCheck: 'schema', problems: contract.errors.map((e) => `${e.path} ${e.message}`), warnings, images: [] };
  }
  // The policy and the asset floor read the body as the API does: empty optional strings are absent.
  const read = contract.body as Record<string, unknown>;
  const refusals = checkPolicy(built.family, read, approvals);
  if (refusals.length > 0) {
    return { ok: false, failedCheck: 'policy', problems: refusals.map((r) => `${r.field} ${r.message}`), warnings, images: [] };
  }
  const images: Buffer[] = [];
  const problems: string[] = [];
  for (const ref of imagesOf(read)) {
    const judged = judgeImageRef(ref);
    if (judged.ok && judged.kind === 'url') {
      warnings.push({ path: 'image', message: `${ref} is a URL: the asset floor cannot be checked locally` });
      continue;
    }
    const bytes = Buffer.from(ref, 'base64');
    images.push(bytes);
    problems.push(...checkAssetFloor(bytes).violations.map((v) => v.message));
  }
  if (problems.length > 0) return { ok: false, failedCheck: 'asset', problems, warnings, images };
  return { ok: true, problems: [], warnings, images };
}
