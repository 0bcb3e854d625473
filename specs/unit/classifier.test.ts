import { describe, expect, it } from 'vitest';
import { FAILURE_CLASSES, classify, type Classification, type Observation } from '../../helpers/kling/classifier.ts';
import {
  CreateOutcomeUnknownError,
  KlingApiError,
  NoAnswerError,
  NotKlingAnswerError,
  PollTimeoutError,
  RequestNotSentError,
  ResponseShapeError,
  WrongTaskError,
} from '../../helpers/kling/errors.ts';
import { observeError } from '../../helpers/kling/observe.ts';

/** Every row of the error table of kling-api §6, at create time, with a neutral message. */
const ERROR_TABLE: [number, number, Classification][] = [
  [401, 1000, 'environment-auth-transient'],
  [401, 1001, 'environment-auth-transient'],
  [401, 1002, 'environment-auth-transient'],
  [401, 1003, 'environment-auth-transient'],
  [401, 1004, 'environment-auth-transient'],
  [429, 1100, 'environment-auth-transient'],
  [429, 1101, 'environment-auth-transient'],
  [429, 1102, 'environment-auth-transient'],
  [403, 1103, 'environment-auth-transient'],
  [400, 1200, 'body-shape-mismatch'],
  [400, 1201, 'body-shape-mismatch'],
  [404, 1202, 'harness-error'],
  [404, 1203, 'model-policy-mismatch'],
  [400, 1300, 'moderation-content-risk'],
  [400, 1301, 'moderation-content-risk'],
  [429, 1302, 'environment-auth-transient'],
  [429, 1303, 'environment-auth-transient'],
  [429, 1304, 'environment-auth-transient'],
  [500, 5000, 'environment-auth-transient'],
  [503, 5001, 'environment-auth-transient'],
  [504, 5002, 'environment-auth-transient'],
];

const create = (httpStatus: number, code: number, message = 'rejected'): Observation => ({ stage: 'create', httpStatus, code, message });

describe('Classifier | the contract error table', () => {
  it.each(ERROR_TABLE)('HTTP %i code %i → %s', (status, code, expected) => {
    expect(classify(create(status, code)).classification).toBe(expected);
  });

  it('429 is split by code: billing is environment, throttling is transient, and the reason says which', () => {
    expect(classify(create(429, 1102, 'Account balance not enough')).reason).toBe(
      'account or billing problem (code 1102): "Account balance not enough"',
    );
    expect(classify(create(429, 1303, 'parallel task over resource pack limit')).reason).toBe(
      'throttled (code 1303): "parallel task over resource pack limit"',
    );
  });
});

describe('Classifier | messages decide within a code', () => {
  it.each([
    [create(400, 1201, 'model_name kling-v9 is not supported'), 'model-policy-mismatch'],
    [create(400, 1201, 'The model is required for this endpoint'), 'model-policy-mismatch'],
    [create(400, 1201, 'File is not in a valid base64 format'), 'body-shape-mismatch'],
    [create(400, 1201, 'image can not be null'), 'body-shape-mismatch'],
    [
      create(
        400,
        1201,
        'The resolution or aspect ratio of the input image is invalid. Please ensure it meets the required specifications.',
      ),
      'asset-quality',
    ],
    [create(404, 1203, 'model not found'), 'model-policy-mismatch'],
    [{ stage: 'query', httpStatus: 404, code: 1203, message: 'task not found' }, 'harness-error'],
  ] as [Observation, Classification][])('%j → %s', (observation, expected) => {
    expect(classify(observation).classification).toBe(expected);
  });
});

describe('Classifier | failed tasks', () => {
  it('the preserved case (task 867314916859576411) is moderation/content-risk, never body-shape', () => {
    const result = classify({
      stage: 'query',
      httpStatus: 200,
      code: 0,
      taskStatus: 'failed',
      taskStatusMsg: 'Failure to pass the risk control system',
    });
    expect(result.classification).toBe('moderation-content-risk');
    expect(result.classification).not.toBe('body-shape-mismatch');
    expect(result.reason).toBe('task failed at moderation: "Failure to pass the risk control system"');
  });

  it.each([
    ['Image pixel is invalid', 'asset-quality'],
    ['The resolution or aspect ratio of the input image is invalid. Please ensure it meets the required specifications.', 'asset-quality'],
    ['model kling-v1 does not support this duration', 'model-policy-mismatch'],
    ['internal error', 'environment-auth-transient'],
    [undefined, 'environment-auth-transient'],
  ] as [string | undefined, Classification][])('failed with "%s" → %s', (msg, expected) => {
    expect(classify({ stage: 'query', code: 0, taskStatus: 'failed', taskStatusMsg: msg }).classification).toBe(expected);
  });

  it('a failed asset task tells the operator to replace the asset', () => {
    expect(classify({ stage: 'query', taskStatus: 'failed', taskStatusMsg: 'Image pixel is invalid' }).reason).toContain(
      'replace the asset',
    );
  });

  it('succeed is success', () => {
    expect(classify({ stage: 'query', code: 0, taskStatus: 'succeed' }).classification).toBe('success');
  });

  it('succeed with no video to verify is not a success, and says so', () => {
    expect(classify({ stage: 'query', taskStatus: 'succeed', noResult: true })).toEqual({
      classification: 'environment-auth-transient',
      reason: 'the task reached succeed but the answer holds no video URL: nothing to verify; inconclusive',
    });
  });

  it('a gateway answer names itself as not the API, and where to look', () => {
    expect(
      classify({ stage: 'query', httpStatus: 404, notKling: true, message: 'HTTP 404 with code 404, which is not a Kling code' }).reason,
    ).toBe(
      'query: not a Kling answer (HTTP 404 with code 404, which is not a Kling code); check KLING_BASE_URL and what sits in front of the API',
    );
  });
});

describe('Classifier | failures without a Kling code', () => {
  it.each([
    [{ stage: 'create', network: 'no-answer' }, 'environment-auth-transient'],
    [{ stage: 'create', network: 'not-sent' }, 'environment-auth-transient'],
    [{ stage: 'poll', network: 'timeout' }, 'environment-auth-transient'],
    // Drift stays drift: an answer the docs do not describe is not the API refusing our body.
    [{ stage: 'query', responseShapeBroken: true, code: 0, httpStatus: 200 }, 'environment-auth-transient'],
    // Not the API deciding: whatever the status, nothing about the contract was learned, so nothing reopens.
    [{ stage: 'query', httpStatus: 502, notKling: true }, 'environment-auth-transient'],
    [{ stage: 'query', httpStatus: 401, notKling: true }, 'environment-auth-transient'],
    [{ stage: 'query', httpStatus: 400, notKling: true }, 'environment-auth-transient'],
    [{ stage: 'query', httpStatus: 422, notKling: true }, 'environment-auth-transient'],
    [{ stage: 'query', httpStatus: 404, notKling: true }, 'environment-auth-transient'],
    [{ stage: 'query', httpStatus: 307, notKling: true }, 'environment-auth-transient'],
    [{ stage: 'create', unknownOutcome: true }, 'environment-auth-transient'],
    [{ stage: 'query', wrongTask: true }, 'environment-auth-transient'],
    [{ stage: 'query', taskStatus: 'succeed', noResult: true }, 'environment-auth-transient'],
    [{ stage: 'create', httpStatus: 400, code: 4242 }, 'harness-error'],
    [{ stage: 'preflight', preflight: 'asset', message: 'image is 299x512 px' }, 'asset-quality'],
    [{ stage: 'preflight', preflight: 'schema' }, 'harness-error'],
    [{ stage: 'preflight', preflight: 'policy' }, 'harness-error'],
    [{ stage: 'create' }, 'harness-error'],
  ] as [Observation, Classification][])('%j → %s', (observation, expected) => {
    expect(classify(observation).classification).toBe(expected);
  });
});

describe('Classifier | thrown errors, observed', () => {
  it.each([
    [new KlingApiError('create', 400, 1301, 'content security', 'r'), 'create', 'moderation-content-risk'],
    [new CreateOutcomeUnknownError('no-answer', 'ECONNRESET'), 'create', 'environment-auth-transient'],
    [
      new CreateOutcomeUnknownError('response-shape', 'no task id', [{ path: 'data.task_id', message: 'required' }]),
      'create',
      'environment-auth-transient',
    ],
    [new CreateOutcomeUnknownError('server-error', 'HTTP 500, code 5000'), 'create', 'environment-auth-transient'],
    [new CreateOutcomeUnknownError('not-kling', 'HTTP 307 redirect'), 'create', 'environment-auth-transient'],
    [new NotKlingAnswerError('lookup', 404, 'HTTP 404 with code 404, which is not a Kling code'), 'query', 'environment-auth-transient'],
    [new WrongTaskError('query', '1', '2'), 'query', 'environment-auth-transient'],
    [new ResponseShapeError('query', [{ path: 'data.task_status', message: 'bad' }], []), 'query', 'environment-auth-transient'],
    [new RequestNotSentError('create', 'ECONNREFUSED'), 'create', 'environment-auth-transient'],
    [new NoAnswerError('query', 'ECONNRESET'), 'query', 'environment-auth-transient'],
    [new PollTimeoutError('t', 'processing', 900_000), 'poll', 'environment-auth-transient'],
    [new TypeError('x is undefined'), 'create', 'harness-error'],
  ] as [unknown, Observation['stage'], Classification][])('%s → %s', (error, stage, expected) => {
    expect(classify(observeError(error, stage)).classification).toBe(expected);
  });

  it('every class the classifier can answer is one of the plan five, harness-error or success', () => {
    const seen = new Set(ERROR_TABLE.map(([s, c]) => classify(create(s, c)).classification));
    for (const c of seen) expect([...FAILURE_CLASSES, 'success']).toContain(c);
  });
});
