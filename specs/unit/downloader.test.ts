import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadToFile } from '../../helpers/kling/downloader.ts';
import { DownloadError } from '../../helpers/kling/errors.ts';
import { startLoopbackServer, type Handler, type LoopbackServer } from '../support/loopback-server.ts';

const VIDEO = Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => (i * 31) % 251));
const SHA = createHash('sha256').update(VIDEO).digest('hex');
const noSleep = () => Promise.resolve();

let server: LoopbackServer | undefined;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-download-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<string> {
  server = await startLoopbackServer(handler);
  return `${server.url}/result/v.mp4`;
}

const full: Handler = (_req, res) => res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(VIDEO.length) }).end(VIDEO);
const cut: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(VIDEO.length) });
  res.write(VIDEO.subarray(0, VIDEO.length / 2), () => res.socket?.destroy());
};

describe('Client | downloader', () => {
  it('streams the result to disk with its size and sha256, and sends no Authorization header', async () => {
    const url = await serve(full);
    const result = await downloadToFile(url, join(dir, 'out', 'v.mp4'), { sleep: noSleep });
    expect(result).toMatchObject({ bytes: VIDEO.length, sha256: SHA, attempts: 1, contentType: 'video/mp4' });
    expect((await readFile(result.path)).equals(VIDEO)).toBe(true);
    expect(server?.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('restarts a download cut mid-body from scratch, and leaves no partial file', async () => {
    const url = await serve((req, res, i) => (i === 0 ? cut(req, res, i) : full(req, res, i)));
    const result = await downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep });
    expect(result).toMatchObject({ bytes: VIDEO.length, sha256: SHA, attempts: 2 });
    expect(await readdir(dir)).toEqual(['v.mp4']);
  });

  it('gives up after the bounded attempts, with nothing at the destination', async () => {
    const url = await serve(cut);
    const error = await downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep, maxAttempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/interrupted after \d+ bytes .*\(after 3 attempts\)/);
    expect(server?.requests).toHaveLength(3);
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not retry a refused or expired URL (4xx)', async () => {
    const url = await serve((_req, res) => res.writeHead(403).end('hotlink'));
    await expect(downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep })).rejects.toMatchObject({ httpStatus: 403 });
    expect(server?.requests).toHaveLength(1);
    expect(existsSync(join(dir, 'v.mp4'))).toBe(false);
  });

  it('retries a 5xx', async () => {
    const url = await serve((req, res, i) => (i === 0 ? void res.writeHead(502).end() : full(req, res, i)));
    await expect(downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep })).resolves.toMatchObject({ attempts: 2 });
  });
});
