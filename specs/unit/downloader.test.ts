import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { downloadToFile } from '../../helpers/kling/downloader.ts';
import { DownloadError } from '../../helpers/kling/errors.ts';
import { startLoopbackServer, type Handler } from '../support/loopback-server.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';

/** An ISO-BMFF head (an `ftyp` box), then 256 KB of varied bytes: what a result video looks like to the downloader. */
const FTYP = Buffer.from('00000020667479706973736f6d0000020069736f6d69736f3261766331', 'hex');
const VIDEO = Buffer.concat([FTYP, Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => (i * 31) % 251))]);
const SHA = createHash('sha256').update(VIDEO).digest('hex');
const SECRET = 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhayJ9.c2lnbmF0dXJl';
const noSleep = () => Promise.resolve();

const servers = serversStoppedAfterEach();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-download-'));
});

async function serve(handler: Handler): Promise<string> {
  servers.scripted = await startLoopbackServer(handler);
  return `${servers.scripted.url}/result/v.mp4`;
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
    expect(servers.scripted?.requests[0]?.headers.authorization).toBeUndefined();
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
    expect(servers.scripted?.requests).toHaveLength(3);
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not retry a refused or expired URL (4xx)', async () => {
    const url = await serve((_req, res) => res.writeHead(403).end('hotlink'));
    await expect(downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep })).rejects.toMatchObject({ httpStatus: 403 });
    expect(servers.scripted?.requests).toHaveLength(1);
    expect(existsSync(join(dir, 'v.mp4'))).toBe(false);
  });

  it('retries a 5xx', async () => {
    const url = await serve((req, res, i) => (i === 0 ? void res.writeHead(502).end() : full(req, res, i)));
    await expect(downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep })).resolves.toMatchObject({ attempts: 2 });
  });

  it.each([
    ['an HTML page', 'text/html; charset=utf-8', Buffer.from('<html>your video</html>')],
    ['a JSON answer', 'application/json', Buffer.from('{"code":0}')],
    ['bytes without an ftyp box, called video/mp4', 'video/mp4', Buffer.alloc(4096, 7)],
    ['a body shorter than a box header', 'video/mp4', Buffer.from('mp4')],
  ])('refuses %s as the video: not retried, nothing kept', async (_name, contentType, body) => {
    const url = await serve((_req, res) => res.writeHead(200, { 'content-type': contentType }).end(body));
    await expect(downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep })).rejects.toThrow(/not a video/);
    expect(servers.scripted?.requests).toHaveLength(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['data:', 'data:video/mp4;base64,AAAA', 'a data: URL, not http(s)'],
    ['file:', 'file:///etc/passwd', 'a file: URL, not http(s)'],
    ['user-info', 'http://user:pass@127.0.0.1:9/v.mp4', 'carries user-info'],
    ['our token in its query', `http://127.0.0.1:9/v.mp4?token=${SECRET}`, 'carries one of our credentials'],
    [
      'our token, percent-encoded',
      `http://127.0.0.1:9/v.mp4?t=${encodeURIComponent(`Bearer ${SECRET}`)}`,
      'carries one of our credentials',
    ],
  ])('never fetches a result URL with %s', async (_name, url, message) => {
    await expect(downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep, forbidden: [SECRET] })).rejects.toThrow(message);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a body that quotes one of our secrets, even split across chunks, and keeps nothing of it', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.write(Buffer.concat([VIDEO, Buffer.from(SECRET.slice(0, 20))]));
      setTimeout(() => res.end(Buffer.from(`${SECRET.slice(20)} trailing`)), 20);
    });
    await expect(downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep, forbidden: [SECRET] })).rejects.toThrow(
      'quotes one of our credentials',
    );
    expect(servers.scripted?.requests).toHaveLength(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a result larger than the cap, by its declared length or as it streams', async () => {
    const declared = await serve(full);
    await expect(downloadToFile(declared, join(dir, 'v.mp4'), { sleep: noSleep, maxBytes: 1000 })).rejects.toThrow(
      'more than the 1000 allowed',
    );
    await servers.scripted?.close();
    const streamed = await serve((_req, res) => res.writeHead(200, { 'content-type': 'video/mp4' }).end(VIDEO));
    await expect(downloadToFile(streamed, join(dir, 'v.mp4'), { sleep: noSleep, maxBytes: 1000 })).rejects.toThrow(
      'larger than 1000 bytes',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('follows a CDN redirect, without Authorization, and checks every hop like the first', async () => {
    const url = await serve((req, res, i) => {
      if (i === 0) res.writeHead(302, { location: '/cdn/v.mp4' }).end();
      else if (i === 1) full(req, res, i);
      else res.writeHead(302, { location: `http://127.0.0.1:9/v.mp4?token=${SECRET}` }).end();
    });
    await expect(downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep })).resolves.toMatchObject({ sha256: SHA });
    expect(servers.scripted?.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/result/v.mp4', undefined],
      ['/cdn/v.mp4', undefined],
    ]);
    await expect(downloadToFile(url, join(dir, 'w.mp4'), { sleep: noSleep, forbidden: [SECRET] })).rejects.toThrow(
      'carries one of our credentials',
    );
  });

  it('gives up on a redirect loop', async () => {
    const url = await serve((_req, res) => res.writeHead(302, { location: '/result/v.mp4' }).end());
    await expect(downloadToFile(url, join(dir, 'v.mp4'), { sleep: noSleep })).rejects.toThrow('more than 5 redirects');
  });
});
