import type { Observation } from './classifier.ts';
import {
  CreateOutcomeUnknownError,
  DownloadError,
  KlingApiError,
  NoAnswerError,
  NotKlingAnswerError,
  PollTimeoutError,
  RequestNotSentError,
  ResponseShapeError,
  WrongTaskError,
  type Stage,
} from './errors.ts';
import { describeFindings } from './findings.ts';
import type { Task } from './response-schemas.ts';

/** What the classifier needs to know about a thrown error. Unknown errors are ours: harness-error. */
export function observeError(error: unknown, stage: Stage): Observation {
  if (error instanceof KlingApiError) {
    return { stage, httpStatus: error.httpStatus, code: error.code, message: error.klingMessage };
  }
  if (error instanceof CreateOutcomeUnknownError) return { stage, unknownOutcome: true, message: error.detail };
  if (error instanceof NotKlingAnswerError) return { stage, httpStatus: error.httpStatus, notKling: true, message: error.why };
  if (error instanceof WrongTaskError) return { stage, wrongTask: true, message: error.message };
  if (error instanceof ResponseShapeError) return { stage, responseShapeBroken: true, message: describeFindings(error.problems) };
  if (error instanceof RequestNotSentError) return { stage, network: 'not-sent', message: withHost(error.reason, error.host) };
  if (error instanceof NoAnswerError) return { stage, network: 'no-answer', message: withHost(error.reason, error.host) };
  if (error instanceof PollTimeoutError) return { stage, network: 'timeout', message: error.message };
  if (error instanceof DownloadError) return { stage, network: 'no-answer', httpStatus: error.httpStatus, message: error.reason };
  return { stage, message: error instanceof Error ? error.message : String(error) };
}

const withHost = (reason: string, host: string | undefined) => (host === undefined ? reason : `${reason} at ${host}`);

export function observeTask(task: Task, stage: Stage = 'query'): Observation {
  return { stage, taskStatus: task.task_status, taskStatusMsg: task.task_status_msg };
}
