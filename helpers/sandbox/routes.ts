import type { IncomingMessage } from 'node:http';
import { isFamily, type Family } from '../kling/families.ts';
import type { ApiError } from './api-error.ts';
import { verifyAuthorization } from './auth.ts';
import { SERVER_ERROR_STATUS, type Fault, type Route } from './faults.ts';
import { create } from './routes-create.ts';
import { findTask, list, taskView } from './routes-query.ts';
import type { SandboxContext } from './state.ts';

/**
 * The routing of the API (kling-api §2, §9a): which route a method and path name, with its family and task id,
 * and the JSON answer an API route gets: the token checked first (kling-api §1), then the faults injected in
 * place of an answer, then the account, create, list or query route itself.
 */

export function routeOf(method: string, path: string): { route: Route | 'other'; family?: Family; id?: string } {
  if (path.startsWith('/files/')) return { route: 'download', id: path.slice('/files/'.length).replace(/\.mp4$/, '') };
  if (path === '/account/costs' && method === 'GET') return { route: 'account' };
  const match = /^\/v1\/videos\/([a-z0-9-]+)(?:\/([^/]+))?$/.exec(path);
  const family = match?.[1];
  if (match === null || family === undefined || !isFamily(family)) return { route: 'other' };
  const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  if (method === 'POST' && id === undefined) return { route: 'create', family };
  if (method === 'GET' && id !== undefined) return { route: 'query', family, id };
  if (method === 'GET') return { route: 'list', family };
  return { route: 'other', family };
}

type ApiAnswer = { status: number; json: unknown } | ApiError | 'reset' | 'hang' | 'malformed';

export async function answerApi(
  ctx: SandboxContext,
  req: IncomingMessage,
  url: URL,
  route: Route | 'other',
  family: Family | undefined,
  id: string | undefined,
  body: unknown,
  fault: Fault | undefined,
): Promise<ApiAnswer> {
  const { credentials, now, account } = ctx;
  const denied = await verifyAuthorization(req.headers.authorization, credentials, now());
  if (denied) return denied;
  if (family === undefined && route !== 'account') return { httpStatus: 404, code: 1203, message: 'resource not found' };
  if (route === 'other') return { httpStatus: 404, code: 1202, message: 'request method not supported' };
  if (fault?.kind === 'server-error') return { httpStatus: SERVER_ERROR_STATUS[fault.code], code: fault.code, message: 'internal error' };
  if (fault?.kind === 'throttle') {
    return {
      httpStatus: 429,
      code: fault.code,
      message: fault.code === 1303 ? 'parallel task over resource pack limit' : 'too many requests',
      headers: fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
    };
  }
  if (fault?.kind === 'malformed-json') return 'malformed';
  if (route === 'account') return account.answer(now());
  if (family === undefined) return { httpStatus: 404, code: 1203, message: 'resource not found' };
  if (route === 'create') {
    return body === undefined
      ? { httpStatus: 400, code: 1200, message: 'request body is not valid JSON' }
      : create(ctx, family, body, fault);
  }
  if (route === 'list') return list(ctx, family, url.searchParams);
  const task = findTask(ctx, family, id ?? url.searchParams.get('external_task_id') ?? '');
  return task ? { status: 200, json: taskView(ctx, task) } : { httpStatus: 404, code: 1203, message: 'task not found' };
}
