import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Credentials } from '../kling/auth.ts';
import { FAMILIES, isFamily, type Family } from '../kling/families.ts';
import type { ApiError } from './api-error.ts';
import { verifyAuthorization } from './auth.ts';
import { SANDBOX_CREDENTIALS } from './credentials.ts';
import { SERVER_ERROR_STATUS, faultsFor, type Fault, type FaultRule, type Route } from './faults.ts';
import { alterAnswer, alterHeaders, echoOf, hugeAnswer, hugeResult, replyInstead } from './hostile.ts';
import { judgeCreate } from './judge.ts';
import { DEFAULT_PACK, accountBook, type SandboxPack } from './account.ts';
import { deferredFailure, statusAt, unitsFor, type SandboxTask, type Timing } from './tasks.ts';

/**
 * A Kling-compatible server on loopback (the `/v1/videos/*` generation, kling-api §1–§7), for rehearsing a round
 * for free and for fault tests. It judges requests as the API does, owns its clock, and counts every create.
 */

const RESULT_VIDEO = readFileSync(new URL('./fixtures/result.mp4', import.meta.url));

export interface SandboxOptions {
  port?: number;
  credentials?: Credentials;
  /** Time a task spends submitted, then processing, before its outcome (ms, before timeScale). */
  timing?: Partial<Timing>;
  /** Multiplies every task duration: 0.01 runs a 5 s lifecycle in 50 ms. */
  timeScale?: number;
  now?: () => number;
  riskTerms?: readonly string[];
  riskImageSha256?: readonly string[];
  /** Prompt words refused at submit with 400/1301. */
  submitBlockTerms?: readonly string[];
  /** Tasks that may be unfinished at once before 429/1303 (kling-api §7). */
  concurrencyLimit?: number;
  /** Units left; a create that would exceed them gets 429/1102. */
  balanceUnits?: number;
  faults?: readonly FaultRule[];
  /** The bytes served as every result video (default: the committed 1 s MP4). */
  resultVideo?: Buffer;
  /** The resource packs `GET /account/costs` lists (default: one online pack of 1000 units). */
  packs?: readonly SandboxPack[];
}

export interface RecordedRequest {
  route: Route | 'other';
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface SandboxState {
  /** Create requests that reached the sandbox, per family (refused ones included). */
  createsReceived: Record<Family, number>;
  /** Tasks actually created (billable), per family and per external_task_id. */
  tasksCreated: Record<Family, number>;
  tasksByExternalId: Map<string, number>;
  tasks: Map<string, SandboxTask>;
  calls: Record<Route, number>;
  requests: RecordedRequest[];
  faults: FaultRule[];
}

export interface Sandbox {
  url: string;
  credentials: Credentials;
  state: SandboxState;
  /** Add fault rules while running. */
  inject: (...rules: FaultRule[]) => void;
  /** Units spent so far: succeeded tasks, plus unfinished ones (a failed task deducts nothing). */
  spentUnits: () => number;
  stop: () => Promise<void>;
}

const zeroByFamily = (): Record<Family, number> => Object.fromEntries(FAMILIES.map((f) => [f, 0])) as Record<Family, number>;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const credentials = options.credentials ?? SANDBOX_CREDENTIALS;
  const now = options.now ?? Date.now;
  const scale = options.timeScale ?? 1;
  const timing: Timing = {
    submittedMs: (options.timing?.submittedMs ?? 1000) * scale,
    processingMs: (options.timing?.processingMs ?? 4000) * scale,
  };
  const resultVideo = options.resultVideo ?? RESULT_VIDEO;
  const account = accountBook(options.packs ?? [DEFAULT_PACK], now());
  const state: SandboxState = {
    createsReceived: zeroByFamily(),
    tasksCreated: zeroByFamily(),
    tasksByExternalId: new Map(),
    tasks: new Map(),
    calls: { create: 0, query: 0, list: 0, download: 0, account: 0 },
    requests: [],
    faults: [...(options.faults ?? [])],
  };
  // kling-api §5: task ids are 18-digit numeric strings; a random start keeps two sandbox runs from sharing ids.
  let nextTaskSeq = 860_000_000_000_000_000n + BigInt(randomInt(1_000_000_000)) * 1000n;
  let baseUrl = '';

  const spentUnits = () =>
    [...state.tasks.values()].reduce((sum, t) => sum + (statusAt(t, now(), timing).status === 'failed' ? 0 : Number(t.units)), 0);
  const activeTasks = () =>
    [...state.tasks.values()].filter((t) => !['succeed', 'failed'].includes(statusAt(t, now(), timing).status)).length;

  function taskView(task: SandboxTask): Record<string, unknown> {
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

  function findTask(family: Family, id: string): SandboxTask | undefined {
    const byId = state.tasks.get(id);
    const task = byId ?? [...state.tasks.values()].find((t) => t.externalTaskId === id);
    // Tasks are separate per family: one must be queried under the family that created it (kling-api §2).
    return task?.family === family ? task : undefined;
  }

  function create(
    family: Family,
    body: unknown,
    fault: Fault | undefined,
  ): { status: number; json: unknown } | ApiError | 'reset' | 'hang' {
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
    if (options.concurrencyLimit !== undefined && activeTasks() >= options.concurrencyLimit) {
      return { httpStatus: 429, code: 1303, message: 'parallel task over resource pack limit' };
    }
    // kling-api §3a: Omni's server-side default mode is pro.
    const mode = fields.mode === 'pro' || (fields.mode === undefined && family === 'omni-video') ? 'pro' : 'std';
    const duration = typeof fields.duration === 'string' ? fields.duration : '5';
    const units = unitsFor(mode, duration);
    if (options.balanceUnits !== undefined && spentUnits() + Number(units) > options.balanceUnits) {
      return { httpStatus: 429, code: 1102, message: 'Account balance not enough' };
    }
    const failure = deferredFailure(fields, { riskTerms: options.riskTerms ?? [], riskImageSha256: options.riskImageSha256 ?? [] });
    const task: SandboxTask = {
      taskId: String(++nextTaskSeq),
      family,
      externalTaskId,
      createdAt: now(),
      duration,
      outcome: fault?.kind === 'stuck' ? { kind: 'stuck' } : failure ? { kind: 'failed', message: failure } : { kind: 'succeed' },
      units,
    };
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

  function list(family: Family, query: URLSearchParams): { status: number; json: unknown } | ApiError {
    const pageNum = Number(query.get('pageNum') ?? '1');
    const pageSize = Number(query.get('pageSize') ?? '30');
    // kling-api §2: pageNum in [1, 1000], pageSize in [1, 500].
    if (!Number.isInteger(pageNum) || pageNum < 1 || pageNum > 1000)
      return { httpStatus: 400, code: 1201, message: 'Invalid request field pageNum: must be an integer from 1 to 1000' };
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
      return { httpStatus: 400, code: 1201, message: 'Invalid request field pageSize: must be an integer from 1 to 500' };
    const tasks = [...state.tasks.values()].filter((t) => t.family === family).reverse();
    return { status: 200, json: tasks.slice((pageNum - 1) * pageSize, pageNum * pageSize).map(taskView) };
  }

  function routeOf(method: string, path: string): { route: Route | 'other'; family?: Family; id?: string } {
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const { route, family, id } = routeOf(req.method ?? 'GET', url.pathname);
    const call = route === 'other' ? 0 : ++state.calls[route];
    const ofFamily = route === 'download' ? state.tasks.get(id ?? '')?.family : family;
    const { delayMs, fault } = route === 'other' ? { delayMs: 0, fault: undefined } : faultsFor(state.faults, route, call, ofFamily);
    if (route === 'create' && family) state.createsReceived[family] += 1;
    if (fault?.kind === 'reset-before-read') {
      state.requests.push({ route, method: req.method ?? '', path: url.pathname, headers: redacted(req), body: undefined });
      req.socket.destroy();
      return;
    }
    const raw = await readBody(req);
    const body = parseJson(raw);
    state.requests.push({
      route,
      method: req.method ?? '',
      path: `${url.pathname}${url.search}`,
      headers: redacted(req),
      body: body ?? raw,
    });
    if (delayMs > 0) await delay(delayMs);

    const echo = echoOf(req.headers.authorization, credentials.accessKey);
    if (route === 'download') {
      await serveVideo(res, id ?? '', fault, echo);
      return;
    }
    const requestId = randomUUID();
    const instead =
      route === 'other' ? undefined : replyInstead(fault, { route, echo, baseUrl, path: `${url.pathname}${url.search}`, requestId });
    if (instead !== undefined) {
      res.writeHead(instead.status, alterHeaders(fault, instead.headers, echo)).end(instead.body);
      return;
    }
    if (fault?.kind === 'huge-answer') {
      await hugeAnswer(res, fault.bytes);
      return;
    }
    const answer = await answerApi(req, url, route, family, id, body, fault);
    if (answer === 'reset') {
      res.socket?.destroy();
      return;
    }
    if (answer === 'hang') return;
    if (answer === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"code":0,"message":"SUCCEED","request_id":"${requestId}","data":{"task_id":`);
      return;
    }
    const [status, json, headers]: [number, Record<string, unknown>, Record<string, string> | undefined] =
      'code' in answer
        ? [answer.httpStatus, { code: answer.code, message: answer.message, request_id: requestId }, answer.headers]
        : [answer.status, { code: 0, message: 'SUCCEED', request_id: requestId, data: answer.json }, undefined];
    alterAnswer(fault, json, req.headers.authorization, echo);
    res.writeHead(status, alterHeaders(fault, { 'content-type': 'application/json', ...headers }, echo));
    res.end(JSON.stringify(json));
  }

  type ApiAnswer = { status: number; json: unknown } | ApiError | 'reset' | 'hang' | 'malformed';

  async function answerApi(
    req: IncomingMessage,
    url: URL,
    route: Route | 'other',
    family: Family | undefined,
    id: string | undefined,
    body: unknown,
    fault: Fault | undefined,
  ): Promise<ApiAnswer> {
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
      return body === undefined ? { httpStatus: 400, code: 1200, message: 'request body is not valid JSON' } : create(family, body, fault);
    }
    if (route === 'list') return list(family, url.searchParams);
    const task = findTask(family, id ?? url.searchParams.get('external_task_id') ?? '');
    return task ? { status: 200, json: taskView(task) } : { httpStatus: 404, code: 1203, message: 'task not found' };
  }

  async function serveVideo(res: ServerResponse, taskId: string, fault: Fault | undefined, echo: string): Promise<void> {
    const task = state.tasks.get(taskId);
    if (!task || statusAt(task, now(), timing).status !== 'succeed') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const headers = alterHeaders(fault, { 'content-type': 'video/mp4' }, echo);
    if (fault?.kind === 'huge-result') {
      await hugeResult(res, headers, fault, resultVideo.subarray(0, 32));
      return;
    }
    if (fault?.kind === 'not-a-video' || (fault?.kind === 'reflect' && fault.where === 'html-video')) {
      const contentType = fault.kind === 'not-a-video' ? fault.contentType : 'text/html';
      res.writeHead(200, { 'content-type': contentType }).end(`<html><body>Your video for ${echo} is ready.</body></html>`);
      return;
    }
    const declared = resultVideo.length + (fault?.kind === 'wrong-length' ? fault.extraBytes : 0);
    res.writeHead(200, { ...headers, 'content-length': String(declared) });
    if (fault?.kind === 'wrong-length') {
      res.write(resultVideo, () => res.socket?.destroy());
      return;
    }
    if (fault?.kind === 'cut-download') {
      res.write(resultVideo.subarray(0, Math.min(fault.afterBytes, resultVideo.length - 1)), () => res.socket?.destroy());
      return;
    }
    res.end(resultVideo);
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 5000, message: `sandbox error: ${error instanceof Error ? error.message : String(error)}` }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    credentials,
    state,
    inject: (...rules) => state.faults.push(...rules),
    spentUnits,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function redacted(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[key] = key === 'authorization' ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
