import type { Family } from '../kling/families.ts';
import type { ApiError } from './api-error.ts';
import type { SandboxContext } from './state.ts';
import { statusAt, type SandboxTask } from './tasks.ts';

/**
 * The read routes (kling-api §2): a task as the query and list answers show it at the sandbox clock's now, the
 * task a query names by task_id or external_task_id within its family, and one page of a family's list.
 */

export function taskView(ctx: SandboxContext, task: SandboxTask): Record<string, unknown> {
  const { now, timing, baseUrl } = ctx;
  const { status, updatedAt } = statusAt(task, now(), timing);
  const view: Record<string, unknown> = {
    task_id: task.taskId,
    task_status: status,
    task_status_msg: task.outcome.kind === 'failed' && status === 'failed' ? task.outcome.message : '',
    task_info: task.externalTaskId === undefined ? {} : { external_task_id: task.externalTaskId },
    watermark_info: { enabled: false },
    created_at: task.createdAt,
    updated_at: updatedAt,
  };
  if (status === 'succeed') {
    view.task_result = { videos: [{ id: `${task.taskId}-0`, url: `${baseUrl}/files/${task.taskId}.mp4`, duration: task.duration }] };
    view.final_unit_deduction = task.units;
  }
  if (status === 'failed') view.final_unit_deduction = '0';
  return view;
}

export function findTask({ state }: SandboxContext, family: Family, id: string): SandboxTask | undefined {
  const byId = state.tasks.get(id);
  const task = byId ?? [...state.tasks.values()].find((t) => t.externalTaskId === id);
  // Tasks are separate per family: one must be queried under the family that created it (kling-api §2).
  return task?.family === family ? task : undefined;
}

export function list(ctx: SandboxContext, family: Family, query: URLSearchParams): { status: number; json: unknown } | ApiError {
  const pageNum = Number(query.get('pageNum') ?? '1');
  const pageSize = Number(query.get('pageSize') ?? '30');
  // kling-api §2: pageNum in [1, 1000], pageSize in [1, 500].
  if (!Number.isInteger(pageNum) || pageNum < 1 || pageNum > 1000)
    return { httpStatus: 400, code: 1201, message: 'Invalid request field pageNum: must be an integer from 1 to 1000' };
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
    return { httpStatus: 400, code: 1201, message: 'Invalid request field pageSize: must be an integer from 1 to 500' };
  const tasks = [...ctx.state.tasks.values()].filter((t) => t.family === family).reverse();
  return { status: 200, json: tasks.slice((pageNum - 1) * pageSize, pageNum * pageSize).map((task) => taskView(ctx, task)) };
}
