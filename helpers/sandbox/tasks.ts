import { createHash } from 'node:crypto';
import { checkAssetFloor } from '../kling/asset-floor.ts';
import type { Family } from '../kling/families.ts';
import { judgeImageRef } from '../kling/image-ref.ts';
import { imagesOf } from '../kling/request-images.ts';
import type { TaskStatus } from '../kling/response-schemas.ts';

/** A task the sandbox holds. Its status is a function of the sandbox clock, so nothing runs in the background. */
export interface SandboxTask {
  taskId: string;
  family: Family;
  externalTaskId: string | undefined;
  createdAt: number;
  duration: string;
  /** What the task ends as once its time is up. */
  outcome: { kind: 'succeed' } | { kind: 'failed'; message: string } | { kind: 'stuck' };
  /** `final_unit_deduction` if it succeeds; a failed task deducts "0" (the plan's preserved case). */
  units: string;
  /** The create's first-frame image, when it sent one: its result video starts with it (first-frame-video.ts). */
  firstFrame?: Buffer;
  /** The result videos made for it so far, by whether the mismatch fault asked for one that starts elsewhere. */
  videos?: Map<boolean, Promise<Buffer>>;
}

export interface Timing {
  submittedMs: number;
  processingMs: number;
}

export const RISK_CONTROL_MESSAGE = 'Failure to pass the risk control system';
export const IMAGE_PIXEL_MESSAGE = 'Image pixel is invalid';

export function statusAt(task: SandboxTask, nowMs: number, timing: Timing): { status: TaskStatus; updatedAt: number } {
  const age = nowMs - task.createdAt;
  if (age < timing.submittedMs) return { status: 'submitted', updatedAt: task.createdAt };
  const doneAt = task.createdAt + timing.submittedMs + timing.processingMs;
  if (task.outcome.kind === 'stuck' || nowMs < doneAt) return { status: 'processing', updatedAt: task.createdAt + timing.submittedMs };
  return { status: task.outcome.kind, updatedAt: doneAt };
}

/**
 * Sandbox pricing, not Kling's (whose unit table is not published): 1 unit per 5 s in std, 3.5 in pro. It only has
 * to depend on mode and duration the way the real deduction does, so a summed spend means something.
 */
export function unitsFor(mode: 'std' | 'pro', duration: string): string {
  const units = (Number(duration) / 5) * (mode === 'pro' ? 3.5 : 1);
  return String(Math.round(units * 100) / 100);
}

export interface DeferredFailureRules {
  /** Prompt words or image URL fragments that make a task fail later at moderation. */
  riskTerms: readonly string[];
  /** sha256 of image bytes (raw base64 references) that make a task fail later at moderation. */
  riskImageSha256: readonly string[];
}

/**
 * What the API accepts at create time and fails later (kling-api §4, §6): an image below the floor ends as
 * "Image pixel is invalid"; a risky prompt or reference ends as "Failure to pass the risk control system".
 */
export function deferredFailure(body: Record<string, unknown>, rules: DeferredFailureRules): string | undefined {
  const prompt = typeof body.prompt === 'string' ? body.prompt.toLowerCase() : '';
  const images = imagesOf(body);
  const risky = (term: string) =>
    prompt.includes(term.toLowerCase()) || images.some((i) => judgeImageRef(i).ok && /^https?:/i.test(i) && i.includes(term));
  if (rules.riskTerms.some(risky)) return RISK_CONTROL_MESSAGE;
  for (const image of images) {
    const judged = judgeImageRef(image);
    if (!judged.ok || judged.kind !== 'base64') continue;
    const bytes = Buffer.from(image, 'base64');
    if (rules.riskImageSha256.includes(createHash('sha256').update(bytes).digest('hex'))) return RISK_CONTROL_MESSAGE;
    if (!checkAssetFloor(bytes).ok) return IMAGE_PIXEL_MESSAGE;
  }
  return undefined;
}
