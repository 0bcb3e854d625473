import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Credentials } from '../kling/auth.ts';
import { faultsFor, type FaultRule } from './faults.ts';
import { alterAnswer, alterHeaders, echoOf, hugeAnswer, replyInstead } from './hostile.ts';
import type { SandboxOptions } from './options.ts';
import { parseJson, readBody, redacted } from './request-reading.ts';
import { serveVideo } from './routes-download.ts';
import { answerApi, routeOf } from './routes.ts';
import { sandboxContext, spentUnits, type SandboxState } from './state.ts';

/**
 * A Kling-compatible server on loopback (the `/v1/videos/*` generation, kling-api §1–§7), for rehearsing a round
 * for free and for fault tests. It judges requests as the API does, owns its clock, and counts every create.
 */

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

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const ctx = sandboxContext(options);
  const { credentials, state } = ctx;

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
      await serveVideo(ctx, res, id ?? '', fault, echo);
      return;
    }
    const requestId = randomUUID();
    const instead =
      route === 'other'
        ? undefined
        : replyInstead(fault, { route, echo, baseUrl: ctx.baseUrl, path: `${url.pathname}${url.search}`, requestId });
    if (instead !== undefined) {
      res.writeHead(instead.status, alterHeaders(fault, instead.headers, echo)).end(instead.body);
      return;
    }
    if (fault?.kind === 'huge-answer') {
      await hugeAnswer(res, fault.bytes);
      return;
    }
    const answer = await answerApi(ctx, req, url, route, family, id, body, fault);
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
  ctx.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: ctx.baseUrl,
    credentials,
    state,
    inject: (...rules) => state.faults.push(...rules),
    spentUnits: () => spentUnits(ctx),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
