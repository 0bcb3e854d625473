import type { Family } from '../kling/families.ts';
import { firstFrameOf } from './first-frame-video.ts';
import type { ApiError } from './api-error.ts';
import { SERVER_ERROR_STATUS, type Fault } from './faults.ts';
import { judgeCreate } from './judge.ts';
import { activeTasks, spentUnits, type SandboxContext } from './state.ts';
import { deferredFailure, unitsFor, type SandboxTask } from './tasks.ts';

/**
 * The create route (kling-api §3, §5, §7): judges the body as the API does, refuses what the API refuses at
 * submit (blocked words, a repeated external_task_id, the concurrency and balance limits), then makes and counts
 * the billable task, with the outcome it will end in, and answers as the sample create answer does, or as an
 * injected after-create fault says.
 */

export function create(
  ctx: SandboxContext,
  family: Family,
  body: unknown,
  fault: Fault | undefined,
): { status: number; json: unknown } | ApiError | 'reset' | 'hang' {
  const { options, state, now } = ctx;
  const judged = judgeCreate(family, body);
  if ('httpStatus' in judged) return judged;
  const fields = judged.accepted;
  const prompt = typeof fields.prompt === 'string' ? fields.prompt.toLowerCase() : '';
  if ((options.submitBlockTerms ?? []).some((t) => prompt.includes(t.toLowerCase()))) {
    return { httpStatus: 400, code: 1301, message: 'The content of the request triggers the content security policy' };
  }
  const externalTaskId = typeof fields.external_task_id === 'string' ? fields.external_task_id : undefined;
  if (externalTaskId !== undefined && [...state.tasks.values()].some((t) => t.externalTaskId === externalTaskId)) {
    return { httpStatus: 400, code: 1201, message: `external_task_id ${externalTaskId} already exists` };
  }
  if (options.concurrencyLimit !== undefined && activeTasks(ctx) >= options.concurrencyLimit) {
    return { httpStatus: 429, code: 1303, message: 'parallel task over resource pack limit' };
  }
  // kling-api §3a: Omni's server-side default mode is pro.
  const mode = fields.mode === 'pro' || (fields.mode === undefined && family === 'omni-video') ? 'pro' : 'std';
  const duration = typeof fields.duration === 'string' ? fields.duration : '5';
  const units = unitsFor(mode, duration);
  if (options.balanceUnits !== undefined && spentUnits(ctx) + Number(units) > options.balanceUnits) {
    return { httpStatus: 429, code: 1102, message: 'Account balance not enough' };
  }
  const failure = deferredFailure(fields, { riskTerms: options.riskTerms ?? [], riskImageSha256: options.riskImageSha256 ?? [] });
  const task: SandboxTask = {
    taskId: String(++ctx.nextTaskSeq),
    family,
    externalTaskId,
    createdAt: now(),
    duration,
    outcome: fault?.kind === 'stuck' ? { kind: 'stuck' } : failure ? { kind: 'failed', message: failure } : { kind: 'succeed' },
    units,
  };
  const firstFrame = firstFrameOf(family, fields);
  if (firstFrame !== undefined) task.firstFrame = firstFrame;
  state.tasks.set(task.taskId, task);
  state.tasksCreated[family] += 1;
  if (externalTaskId !== undefined) state.tasksByExternalId.set(externalTaskId, (state.tasksByExternalId.get(externalTaskId) ?? 0) + 1);
  if (fault?.kind === 'reset-after-create') return 'reset';
  if (fault?.kind === 'hang-after-create') return 'hang';
  if (fault?.kind === 'server-error-after-create') {
    return { httpStatus: SERVER_ERROR_STATUS[fault.code], code: fault.code, message: 'internal error' };
  }
  const data: Record<string, unknown> = {
    task_id: task.taskId,
    task_status: 'submitted',
    created_at: task.createdAt,
    updated_at: task.createdAt,
  };
  // kling-api §3h: the multi-image2video sample create answer has no task_info.
  if (family !== 'multi-image2video') data.task_info = externalTaskId === undefined ? {} : { external_task_id: externalTaskId };
  return { status: 200, json: data };
}
