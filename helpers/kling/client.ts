import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import type { TokenSource } from './auth.ts';
import { accountEnvelope, type AccountData } from './account-schemas.ts';
import { parseJson } from './answer-json.ts';
import { readAnswer, SERVER_ERROR_CODES, type AnswerReading, type RawAnswer } from './answer-reading.ts';
import {
  CreateOutcomeUnknownError,
  KlingApiError,
  NoAnswerError,
  NotKlingAnswerError,
  RequestNotSentError,
  ResponseShapeError,
  TransportAbort,
  WrongTaskError,
  type Stage,
} from './errors.ts';
import { familyPath, type Family } from './families.ts';
import { createFetchContext, lateBound, type FetchContext, type RequestInit, type Response } from './http-context.ts';
import { networkErrorCode, provablyNotSent } from './network-errors.ts';
import type { RequestByFamily } from './request-schemas.ts';
import { createEnvelope, listEnvelope, parseResponse, taskEnvelope, type CreatedTask, type Drift, type Task } from './response-schemas.ts';
import { DEFAULT_RETRY, parseRetryAfter, withRetry, type RetryPolicy, type Sleep } from './retry.ts';

/** kling-api §1: a signature the API refused; a freshly signed token may pass. */
const BAD_SIGNATURE = 1002;
const RESIGN_WAIT_MS = 1100;

/** kling-api §0: the global host. The one place it is named; every call site takes the configured base URL. */
export const GLOBAL_BASE_URL = 'https://api-singapore.klingai.com';

export interface KlingClientOptions {
  token: TokenSource;
  baseUrl?: string;
  http?: FetchContext;
  sleep?: Sleep;
  now?: () => number;
  retry?: Partial<RetryPolicy>;
  /** Per request. A create that times out is an unknown outcome, never a retry. */
  timeoutMs?: number;
  onRetry?: (stage: Stage, error: unknown, attempt: number, delayMs: number) => void;
}

/** What the server said, with the envelope details the evidence keeps. */
export interface Answer<T> {
  value: T;
  httpStatus: number;
  requestId: string | undefined;
  drift: Drift[];
  /** The parsed JSON body as received. */
  body: unknown;
}

export class KlingClient {
  readonly baseUrl: string;
  private readonly fetch;
  private readonly token: TokenSource;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly onRetry: KlingClientOptions['onRetry'];

  constructor(options: KlingClientOptions) {
    this.baseUrl = (options.baseUrl ?? GLOBAL_BASE_URL).replace(/\/+$/, '');
    this.fetch = lateBound(options.http ?? createFetchContext());
    this.token = options.token;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.now = options.now ?? Date.now;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.onRetry = options.onRetry;
  }

  /**
   * One POST, never retried: every create is billable (the plan, ground rule 1). Only a clear refusal (a Kling
   * error code that is not a server error) means no task was made. Anything else that is not a readable task —
   * no answer, a redirect, a 5xx, a body that is not a Kling envelope — is a CreateOutcomeUnknownError, for the
   * caller to resolve by lookup, never by creating again (promises §2, §11).
   */
  async create<F extends Family>(family: F, body: RequestByFamily[F]): Promise<Answer<CreatedTask>> {
    let raw: RawAnswer;
    try {
      raw = await this.send('create', familyPath(family), { method: 'POST', body: JSON.stringify(body) });
    } catch (error) {
      if (error instanceof NoAnswerError)
        throw new CreateOutcomeUnknownError('no-answer', `${error.reason} from ${new URL(this.baseUrl).host}`);
      throw error;
    }
    const reading = readAnswer(raw);
    if (reading.kind === 'not-kling') throw new CreateOutcomeUnknownError('not-kling', `not a Kling answer: ${reading.why}`);
    if (reading.kind === 'kling-error') {
      if (raw.httpStatus >= 500 || SERVER_ERROR_CODES.has(reading.code)) {
        throw new CreateOutcomeUnknownError(
          'server-error',
          `HTTP ${raw.httpStatus}, code ${reading.code}: a server error can come after the task was made`,
        );
      }
      throw klingError('create', raw, reading);
    }
    const parsed = parseResponse(createEnvelope, raw.json);
    if (!parsed.ok) {
      throw new CreateOutcomeUnknownError('response-shape', 'accepted with code 0, but the task cannot be read', parsed.problems);
    }
    return answerOf(raw, parsed.value, parsed.drift);
  }

  /** Query one task by its task_id; retried with backoff on transient failures. An answer about another task is refused. */
  async query(family: Family, taskId: string): Promise<Answer<Task>> {
    const answer = await this.getTask('query', family, taskId);
    if (answer.value.task_id !== taskId) throw new WrongTaskError('query', taskId, answer.value.task_id);
    return answer;
  }

  /**
   * Find a task by the caller's external_task_id (kling-api §2: the single-task query takes either id in the
   * path). 'not-found' only when the API itself says so (code 1203); a gateway's 404, a 5xx, a timeout or an
   * unreadable body is an error, never proof of absence.
   */
  async lookupByExternalId(family: Family, externalTaskId: string): Promise<Answer<Task> | 'not-found'> {
    let answer: Answer<Task>;
    try {
      answer = await this.getTask('lookup', family, externalTaskId);
    } catch (error) {
      // Under a 5xx even a 1203 is a server in trouble, not an answer about our task.
      if (error instanceof KlingApiError && error.code === 1203 && error.httpStatus < 500) return 'not-found';
      throw error;
    }
    const named = answer.value.task_info?.external_task_id;
    // An empty one names nothing (kling-api §3a): the search decides whether such a task can be ours.
    if (named !== undefined && named !== '' && named !== externalTaskId) throw new WrongTaskError('lookup', externalTaskId, named);
    return answer;
  }

  async list(family: Family, page: { pageNum?: number; pageSize?: number } = {}): Promise<Answer<Task[]>> {
    const query = new URLSearchParams({ pageNum: String(page.pageNum ?? 1), pageSize: String(page.pageSize ?? 30) });
    return this.getWithRetry('list', `${familyPath(family)}?${query.toString()}`, listEnvelope);
  }

  /**
   * The free account check (kling-api §9a): the resource packs and what is left of them. `from`/`to` bound the
   * packs' times in ms. Read like a query (retried, 1002 re-signed once); the caller keeps it to one per second.
   */
  async accountCosts(window: { fromMs: number; toMs: number }): Promise<Answer<AccountData>> {
    const query = new URLSearchParams({ start_time: String(window.fromMs), end_time: String(window.toMs) });
    return this.getWithRetry('account', `/account/costs?${query.toString()}`, accountEnvelope);
  }

  private async getTask(stage: 'query' | 'lookup', family: Family, id: string): Promise<Answer<Task>> {
    return this.getWithRetry(stage, `${familyPath(family)}/${encodeURIComponent(id)}`, taskEnvelope);
  }

  private async getWithRetry<T>(
    stage: Stage,
    path: string,
    schema: z.ZodType<{ data: T; request_id?: string | undefined }>,
  ): Promise<Answer<T>> {
    // A query, lookup or list refused with 1002 is tried once more with a freshly signed token: good tokens have been
    // refused that way and then accepted (kling-api §1). A create never is: it is never retried at all.
    let renewed = false;
    return withRetry(
      async () => {
        try {
          return await this.getOnce(stage, path, schema, false);
        } catch (error) {
          if (renewed || !(error instanceof KlingApiError && error.code === BAD_SIGNATURE)) throw error;
          renewed = true;
          // A second apart, as the account endpoint asks (kling-api §9a) and the rate limit (1302) prefers.
          await this.sleep(RESIGN_WAIT_MS);
          return await this.getOnce(stage, path, schema, true);
        }
      },
      {
        policy: this.retry,
        sleep: this.sleep,
        onRetry: (error, attempt, ms) => this.onRetry?.(stage, error, attempt, ms),
      },
    );
  }

  private async getOnce<T>(
    stage: Stage,
    path: string,
    schema: z.ZodType<{ data: T; request_id?: string | undefined }>,
    freshToken: boolean,
  ): Promise<Answer<T>> {
    const raw = await this.send(stage, path, { method: 'GET' }, freshToken);
    const reading = readAnswer(raw);
    if (reading.kind === 'not-kling') throw new NotKlingAnswerError(stage, raw.httpStatus, reading.why, raw.retryAfterMs);
    if (reading.kind === 'kling-error') throw klingError(stage, raw, reading);
    const parsed = parseResponse(schema, raw.json);
    if (!parsed.ok) throw new ResponseShapeError(stage, parsed.problems, parsed.drift, raw.json);
    return answerOf(raw, parsed.value, parsed.drift);
  }

  private async send(stage: Stage, path: string, init: RequestInit, freshToken = false): Promise<RawAnswer> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.token({ fresh: freshToken })}`,
      accept: 'application/json',
    };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      // The context's fetch never follows a redirect and refuses an oversized answer (http-context.ts).
      response = await this.fetch(`${this.baseUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await response.text();
    } catch (error) {
      if (error instanceof TransportAbort) throw error;
      const code = networkErrorCode(error);
      const host = new URL(this.baseUrl).host;
      if (provablyNotSent(error)) throw new RequestNotSentError(stage, code, host);
      throw new NoAnswerError(stage, code, host);
    }
    return {
      httpStatus: response.status,
      json: parseJson(text),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.now()),
      location: response.headers.get('location') ?? undefined,
    };
  }
}

function klingError(stage: Stage, raw: RawAnswer, reading: Extract<AnswerReading, { kind: 'kling-error' }>): KlingApiError {
  return new KlingApiError(stage, raw.httpStatus, reading.code, reading.message, reading.requestId, raw.retryAfterMs);
}

function answerOf<T>(raw: RawAnswer, envelope: { data: T; request_id?: string | undefined }, drift: Drift[]): Answer<T> {
  return { value: envelope.data, httpStatus: raw.httpStatus, requestId: envelope.request_id, drift, body: raw.json };
}
