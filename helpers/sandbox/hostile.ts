import type { ServerResponse } from 'node:http';
import type { DriftChange, Fault, Route } from './faults.ts';

/**
 * What a hostile or broken server does that an honest API never would (faults.ts): answer for itself in front of
 * the API, redirect, quote the caller's credentials back, stream far more than anyone asked for. Each function
 * applies one fault at one point of the sandbox's answer; none of them judges or creates anything.
 */

/** A canned answer, in place of the API's. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a hostile server quotes back: the Authorization header it was sent, and the access key (the token's `iss`). */
export function echoOf(authorization: string | undefined, accessKey: string): string {
  return `${authorization ?? '(no Authorization header)'} for access key ${accessKey}`;
}

/** The bearer token alone, as a server would paste it into a URL. */
function tokenOf(authorization: string | undefined): string {
  return (authorization ?? '').replace(/^Bearer\s+/i, '');
}

const json = (status: number, body: unknown): RawReply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The answer a fault gives before the request is judged: no task is made. Undefined lets the API answer. */
export function replyInstead(
  fault: Fault | undefined,
  context: { route: Route; echo: string; baseUrl: string; path: string; requestId: string },
): RawReply | undefined {
  if (fault === undefined) return undefined;
  switch (fault.kind) {
    case 'redirect': {
      const origin = fault.to === 'other-host' ? context.baseUrl.replace('127.0.0.1', 'localhost') : context.baseUrl;
      return { status: fault.status, headers: { location: `${origin}${context.path}`, 'content-type': 'text/plain' }, body: 'moved' };
    }
    case 'gateway':
      return fault.body === 'json-not-found'
        ? json(fault.status, { code: fault.status, message: 'Not Found' })
        : {
            status: fault.status,
            headers: { 'content-type': 'text/html' },
            body: `<html><body><h1>${fault.status}</h1>gateway</body></html>`,
          };
    case 'reflect':
      if (fault.where === 'auth-error') {
        return json(401, { code: 1002, message: `Authorization ${context.echo} is invalid`, request_id: context.requestId });
      }
      if (fault.where === 'create-error' && context.route === 'create') {
        return json(400, { code: 1201, message: `Invalid request field authorization: ${context.echo}`, request_id: context.requestId });
      }
      return undefined;
    default:
      return undefined;
  }
}

/** A task answer as a moved API might send it (the probe's drift, kling-api §9b). */
function drifted(change: DriftChange, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const task = value as Record<string, unknown>;
  if (change === 'new-field') task.task_priority = 'normal';
  if (change === 'new-status') task.task_status = 'queued';
  if (change === 'long-id') task.task_id = 'CjI17WevH1IAAAAAAHmgsw';
  if (change === 'numeric-deduction' && typeof task.final_unit_deduction === 'string')
    task.final_unit_deduction = Number(task.final_unit_deduction);
}

/** The API's answer, altered on its way out: a field, a status message, a URL, a task that is not the one asked for. */
export function alterAnswer(
  fault: Fault | undefined,
  envelope: Record<string, unknown>,
  authorization: string | undefined,
  echo: string,
): void {
  const data = envelope.data;
  if (fault?.kind === 'drift') {
    for (const task of Array.isArray(data) ? data : [data]) drifted(fault.change, task);
    return;
  }
  if (fault === undefined || typeof data !== 'object' || data === null || Array.isArray(data)) return;
  const task = data as Record<string, unknown>;
  const videos = (task.task_result as { videos?: { url: string }[] } | undefined)?.videos;
  switch (fault.kind) {
    case 'reflect':
      if (fault.where === 'extra-field') {
        envelope.echo = echo;
        task.echo = echo;
      }
      if (fault.where === 'status-message') task.task_status_msg = `queued for ${echo}`;
      if (fault.where === 'pack-name') {
        const [first] = (task.resource_pack_subscribe_infos as { resource_pack_name: string }[] | undefined) ?? [];
        if (first) first.resource_pack_name = `pack of ${echo}`;
      }
      if (fault.where === 'video-url' && videos?.[0]) {
        const ak = echo.slice(echo.lastIndexOf(' ') + 1);
        videos[0].url = `${videos[0].url}?token=${tokenOf(authorization)}&ak=${ak}`;
      }
      return;
    case 'no-videos':
      if (task.task_status === 'succeed') task.task_result = { videos: [] };
      return;
    case 'other-task':
      task.task_id = '867000000000000001';
      return;
    default:
      return;
  }
}

/** Response headers, altered: one holding the echo, or the Content-Type itself carrying it. */
export function alterHeaders(fault: Fault | undefined, headers: Record<string, string>, echo: string): Record<string, string> {
  if (fault?.kind !== 'reflect') return headers;
  if (fault.where === 'header') return { ...headers, 'x-request-echo': echo };
  if (fault.where === 'content-type') return { ...headers, 'content-type': `${headers['content-type'] ?? 'text/plain'}; echo="${echo}"` };
  return headers;
}

/** Until the response can take more, or is gone: both listeners removed either way, so none accumulate. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Writes `head`, then `fill` over and over, to `total` bytes, honouring backpressure; stops if the client goes. */
export async function stream(
  res: ServerResponse,
  headers: Record<string, string>,
  total: number,
  head: Buffer,
  fill: Buffer,
): Promise<void> {
  res.writeHead(200, { ...headers, 'content-length': String(total) });
  const first = head.subarray(0, total);
  res.write(first);
  let sent = first.length;
  while (sent < total && !res.destroyed) {
    const piece = fill.subarray(0, Math.min(fill.length, total - sent));
    sent += piece.length;
    if (!res.write(piece)) await drainedOrClosed(res);
  }
  res.end();
}

/** A 200 JSON answer `bytes` long: an envelope's start, then padding that never ends the string. */
export function hugeAnswer(res: ServerResponse, bytes: number): Promise<void> {
  const head = Buffer.from('{"code":0,"message":"SUCCEED","request_id":"huge","data":{"task_id":"1","pad":"');
  return stream(res, { 'content-type': 'application/json' }, bytes, head, Buffer.alloc(1024 * 1024, 'a'));
}

/** A result video body of `bytes` bytes: the fixture's ftyp box, then zeros or printable text. */
export function hugeResult(
  res: ServerResponse,
  headers: Record<string, string>,
  fault: Extract<Fault, { kind: 'huge-result' }>,
  ftyp: Buffer,
) {
  const fill = fault.fill === 'zeros' ? Buffer.alloc(1024 * 1024) : Buffer.alloc(1024 * 1024, 'lorem ipsum dolor sit amet ');
  return stream(res, headers, fault.bytes, ftyp, fill);
}
