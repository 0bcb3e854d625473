/** Bodies shaped as the documented samples (kling-api §5), for tests that need a well-formed answer to start from. */

export const T0 = 1_774_805_076_247;

export function createdBody(taskId = '867283741759111202', externalTaskId?: string) {
  return {
    code: 0,
    message: 'SUCCEED',
    request_id: '2b0bd5d4-5f8e-4c1a-9a53-0d0e7a7c8f11',
    data: {
      task_id: taskId,
      task_status: 'submitted',
      task_info: externalTaskId === undefined ? {} : { external_task_id: externalTaskId },
      created_at: T0,
      updated_at: T0,
    },
  };
}

export function taskBody(status: 'submitted' | 'processing' | 'succeed' | 'failed', extra: Record<string, unknown> = {}) {
  return {
    code: 0,
    message: 'SUCCEED',
    request_id: '0c7e1f37-3f0e-4bb3-8d57-5d3f4f1fb0a2',
    data: {
      task_id: '867283741759111202',
      task_status: status,
      task_status_msg: '',
      task_info: {},
      created_at: T0,
      updated_at: T0 + 1000,
      ...(status === 'succeed'
        ? {
            task_result: { videos: [{ id: 'v-1', url: 'https://cdn.example.test/v-1.mp4', duration: '5.1' }] },
            final_unit_deduction: '1',
          }
        : {}),
      ...extra,
    },
  };
}
