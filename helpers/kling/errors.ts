import type { Drift } from './response-schemas.ts';
import type { Finding } from './findings.ts';

/**
 * Every step of a row something can fail at, in one list: the errors carry it, the classifier reads it and the
 * runner tracks it. `preflight` and `poll` are the runner's (a check before any request, a query while waiting);
 * the others name the request that failed.
 */
export const STAGES = ['preflight', 'create', 'query', 'poll', 'lookup', 'list', 'download', 'account'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Raised by the transport itself (e.g. a replay with no recording for a request): not a network outcome, so the
 * client passes it through untouched instead of reading it as "no answer".
 */
export class TransportAbort extends Error {
  override readonly name: string = 'TransportAbort';
}

/** The API decided, in its own words: a Kling envelope with a documented non-zero `code` (kling-api §6). */
export class KlingApiError extends Error {
  override readonly name = 'KlingApiError';
  constructor(
    readonly stage: Stage,
    readonly httpStatus: number,
    readonly code: number,
    readonly klingMessage: string | undefined,
    readonly requestId: string | undefined,
    readonly retryAfterMs?: number,
  ) {
    super(
      `${stage}: HTTP ${httpStatus}, code ${code}${klingMessage ? `: ${klingMessage}` : ''}${requestId ? ` (request_id ${requestId})` : ''}`,
    );
  }
}

/**
 * An answer the API did not give: a redirect, a body that is not JSON, JSON with no Kling code or an unknown one,
 * code 0 under an error status. A gateway, a proxy or a misconfigured host says nothing about what the API did.
 */
export class NotKlingAnswerError extends Error {
  override readonly name = 'NotKlingAnswerError';
  constructor(
    readonly stage: Stage,
    readonly httpStatus: number,
    readonly why: string,
    readonly retryAfterMs?: number,
  ) {
    super(`${stage}: not a Kling answer (${why})`);
  }
}

/** A query answered about another task than the one asked for: the answer is not about our task. */
export class WrongTaskError extends Error {
  override readonly name = 'WrongTaskError';
  constructor(
    readonly stage: Stage,
    readonly asked: string,
    readonly answered: string,
  ) {
    super(`${stage}: asked about task ${asked}, the answer is about task ${answered}`);
  }
}

/** The request provably never reached the server (the connection was never made): nothing can have been billed. */
export class RequestNotSentError extends Error {
  override readonly name = 'RequestNotSentError';
  constructor(
    readonly stage: Stage,
    readonly reason: string,
    readonly host?: string,
  ) {
    super(`${stage}: request not sent${host ? ` to ${host}` : ''} (${reason})`);
  }
}

/** A request that may have reached the server but whose answer never arrived or could not be read. */
export class NoAnswerError extends Error {
  override readonly name = 'NoAnswerError';
  constructor(
    readonly stage: Stage,
    readonly reason: string,
    readonly host?: string,
  ) {
    super(`${stage}: no readable answer${host ? ` from ${host}` : ''} (${reason})`);
  }
}

/**
 * A create that was sent and whose outcome is unknown: the task may exist and may be billed. It must be resolved
 * by looking the task up through its external_task_id, never by creating again.
 */
export class CreateOutcomeUnknownError extends Error {
  override readonly name = 'CreateOutcomeUnknownError';
  constructor(
    readonly reason: 'no-answer' | 'not-kling' | 'server-error' | 'response-shape',
    readonly detail: string,
    readonly problems: readonly Finding[] = [],
  ) {
    super(`create: outcome unknown, the task may exist (${detail}); look it up by external_task_id before any new create`);
  }
}

/** A readable answer whose required fields are broken (drift that the harness cannot work with). */
export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
  constructor(
    readonly stage: Stage,
    readonly problems: readonly Finding[],
    readonly drift: readonly Drift[],
    /** The answer as sent, for a reader that profiles what moved (the probe); never part of the message. */
    readonly body?: unknown,
  ) {
    super(`${stage}: response shape differs from the contract: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
  }
}

export class PollTimeoutError extends Error {
  override readonly name = 'PollTimeoutError';
  constructor(
    readonly taskId: string,
    readonly lastStatus: string,
    readonly elapsedMs: number,
  ) {
    super(
      `task ${taskId} still '${lastStatus}' after ${Math.round(elapsedMs / 1000)} s; gave up polling (it may still finish: query it later)`,
    );
  }
}

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    readonly reason: string,
    readonly httpStatus?: number,
  ) {
    super(`download: ${reason}`);
  }
}
