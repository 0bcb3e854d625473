import { describe, expect, it } from 'vitest';
import { searchByExternalId } from '../../helpers/harness/ledger/task-search.ts';
import { createTokenSource } from '../../helpers/kling/auth.ts';
import { KlingClient } from '../../helpers/kling/client.ts';
import { sendJson, startLoopbackServer, type Handler } from '../support/loopback-server.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';
import { T0, taskBody } from '../support/kling-bodies.ts';

/**
 * Finding the task of an unanswered create, or proving there is none (promises §11): only the API's own words
 * prove absence, and a server that answers loosely proves nothing.
 */

const servers = serversStoppedAfterEach();
const OURS = 'round-1-B';
const INTENT = T0 + 60_000;
const notFound: Handler = (_req, res) => sendJson(res, 404, { code: 1203, message: 'task not found', request_id: 'r' });
const page = (tasks: unknown[]) => ({ code: 0, message: 'SUCCEED', request_id: 'r', data: tasks });
const task = (id: string, createdAt: number, externalTaskId?: string) => ({
  ...taskBody('processing').data,
  task_id: id,
  created_at: createdAt,
  task_info: externalTaskId === undefined ? {} : { external_task_id: externalTaskId },
});

async function search(handler: Handler) {
  servers.scripted = await startLoopbackServer(handler);
  const client = new KlingClient({
    baseUrl: servers.scripted.url,
    token: createTokenSource({ accessKey: 'ak-search-1', secretKey: 'sk-search-1' }),
    sleep: () => Promise.resolve(),
    retry: { maxAttempts: 2 },
  });
  return searchByExternalId(client, 'text2video', OURS, INTENT);
}

const lookupThen =
  (list: (pageNum: number) => unknown, lookup: Handler = notFound): Handler =>
  (req, res, i) => {
    const url = new URL(req.url, 'http://x');
    if (url.searchParams.has('pageNum')) sendJson(res, 200, list(Number(url.searchParams.get('pageNum'))));
    else lookup(req, res, i);
  };

describe('Harness | task search', () => {
  it('absent: the lookup says 1203 and the list, read to its end, holds no task with our id', async () => {
    expect(await search(lookupThen((n) => page(n === 1 ? [task('t-9', INTENT + 1000, 'other-B')] : [])))).toMatchObject({
      kind: 'absent',
      proof: 'lookup: 1203, not found; list: no task with it, read to its end (2 page(s) read)',
    });
  });

  it('found by the list even when the lookup says not found', async () => {
    expect(await search(lookupThen(() => page([task('t-1', INTENT + 1000, OURS)])))).toMatchObject({ kind: 'found', by: 'list' });
  });

  it.each([
    ['a 1203 under HTTP 502', (_req: unknown, res: Parameters<Handler>[1]) => sendJson(res, 502, { code: 1203, message: 'not found' })],
    ["a gateway's JSON 404", (_req: unknown, res: Parameters<Handler>[1]) => sendJson(res, 404, { code: 404, message: 'Not Found' })],
    [
      'an account problem (1100)',
      (_req: unknown, res: Parameters<Handler>[1]) => sendJson(res, 429, { code: 1100, message: 'account exception' }),
    ],
  ])('%s on the lookup: the list may find the task but never prove it absent', async (_name, lookup) => {
    const result = await search(lookupThen(() => page([]), lookup));
    expect(result.kind).toBe('unknown');
    if (result.kind === 'unknown') expect(result.why).toContain('the list alone does not prove absence');
  });

  it('a listed task recent enough to be ours that names no external_task_id proves nothing', async () => {
    const result = await search(lookupThen((n) => page(n === 1 ? [task('t-2', INTENT + 5000)] : [])));
    expect(result).toMatchObject({
      kind: 'unknown',
      why: expect.stringContaining('task t-2, made since the create, names no external_task_id') as string,
    });
  });

  it('one old task per page, oldest first, is no evidence of order: ours on a later page is found, not proved absent', async () => {
    const pages: Record<number, unknown[]> = {
      1: [task('t-old', T0 - 3_600_000, 'other-A')],
      2: [task('t-older', T0 - 3_000_000, 'other-C')],
      3: [task('t-ours', INTENT + 100, OURS)],
    };
    expect(await search(lookupThen((n) => page(pages[n] ?? [])))).toMatchObject({
      kind: 'found',
      by: 'list',
      answer: { value: { task_id: 't-ours' } },
    });
  });

  it('an empty external_task_id names nothing, like an absent one', async () => {
    const result = await search(lookupThen((n) => page(n === 1 ? [task('t-5', INTENT + 5000, '')] : [])));
    expect(result.kind).toBe('unknown');
  });

  it('a server that ignores pageSize and always returns the same short page proves nothing', async () => {
    const result = await search(lookupThen(() => page([task('t-3', T0 + 120_000, 'other-B'), task('t-4', T0 + 150_000, 'other-C')])));
    expect(result.kind).toBe('unknown');
  });

  it('a lookup answering with a task that names no external_task_id and predates the create is not taken for ours', async () => {
    const result = await search(
      lookupThen(
        () => page([]),
        (_req, res) => sendJson(res, 200, { ...taskBody('succeed'), data: { ...task('t-old', T0 - 3_600_000), task_info: undefined } }),
      ),
    );
    expect(result).toMatchObject({ kind: 'unknown', why: expect.stringContaining('predates the create') as string });
  });

  it('a lookup answering with a task made after the create, naming no external_task_id (as real answers may), is ours', async () => {
    const result = await search(
      lookupThen(
        () => page([]),
        (_req, res) => sendJson(res, 200, { ...taskBody('processing'), data: { ...task('t-new', INTENT + 2000), task_info: undefined } }),
      ),
    );
    expect(result).toMatchObject({ kind: 'found', by: 'lookup' });
  });
});
