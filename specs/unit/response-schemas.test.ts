import { describe, expect, it } from 'vitest';
import { createEnvelope, errorEnvelope, listEnvelope, parseResponse, taskEnvelope } from '../../helpers/kling/response-schemas.ts';
import { createdBody, taskBody } from '../support/kling-bodies.ts';

describe('Scaffold | response schemas', () => {
  it('reads the documented create envelope without drift', () => {
    const parsed = parseResponse(createEnvelope, createdBody('867283741759111202', 'row-a-1'));
    expect(parsed).toMatchObject({ ok: true, drift: [], value: { data: { task_id: '867283741759111202', task_status: 'submitted' } } });
  });

  it('tolerates the documented variants: final_unit_deduction as a number, task_info absent', () => {
    const body = taskBody('succeed', { final_unit_deduction: 2 });
    delete (body.data as { task_info?: unknown }).task_info;
    const parsed = parseResponse(taskEnvelope, body);
    expect(parsed).toMatchObject({ ok: true, drift: [], value: { data: { final_unit_deduction: 2 } } });
  });

  it('reports unknown fields and missing always-present fields as drift, without failing', () => {
    const body = taskBody('processing', { queue_position: 3 });
    delete (body.data as { updated_at?: unknown }).updated_at;
    delete (body as { request_id?: unknown }).request_id;
    const parsed = parseResponse(taskEnvelope, body);
    expect(parsed.ok).toBe(true);
    expect(parsed.drift).toEqual([
      { path: 'request_id', kind: 'missing-field' },
      { path: 'data.queue_position', kind: 'unknown-field' },
      { path: 'data.updated_at', kind: 'missing-field' },
    ]);
  });

  it('walks arrays: drift inside a listed task names its index', () => {
    const list = { ...taskBody('succeed'), data: [taskBody('succeed').data, { ...taskBody('failed').data, extra: true }] };
    expect(parseResponse(listEnvelope, list)).toMatchObject({ ok: true, drift: [{ path: 'data[1].extra', kind: 'unknown-field' }] });
  });

  it('fails, naming the field, when a required field breaks (the newer API spells the status "succeeded")', () => {
    const parsed = parseResponse(taskEnvelope, taskBody('succeed', { task_status: 'succeeded' }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((p) => p.path)).toEqual(['data.task_status']);
  });

  it('fails when the create answer has no task_id', () => {
    const body = createdBody();
    delete (body.data as { task_id?: unknown }).task_id;
    const parsed = parseResponse(createEnvelope, body);
    expect(parsed.ok).toBe(false);
  });

  it('timestamps are milliseconds: a float or a string is refused', () => {
    expect(parseResponse(taskEnvelope, taskBody('processing', { created_at: '1774805076247' })).ok).toBe(false);
  });
});

describe('Scaffold | error envelope', () => {
  it('reads {code, message, request_id} with data missing or null, and refuses a body without code', () => {
    expect(parseResponse(errorEnvelope, { code: 1303, message: 'parallel task over resource pack limit', request_id: 'r' }).ok).toBe(true);
    expect(parseResponse(errorEnvelope, { code: 1201, message: 'bad', request_id: 'r', data: null }).ok).toBe(true);
    expect(parseResponse(errorEnvelope, { message: 'no code here' }).ok).toBe(false);
  });
});
