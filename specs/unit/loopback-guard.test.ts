import { describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { isLoopbackHost, takeRefusedAttempts } from '../setup/loopback-only.ts';
import { startLoopbackServer, sendJson } from '../support/loopback-server.ts';

describe('Setup | loopback-only guard', () => {
  it('refuses a connection to a public host before any DNS lookup or connect', async () => {
    const error = await fetch('https://api-singapore.klingai.com/v1/videos/text2video').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(takeRefusedAttempts()).toEqual(['refused a connection to api-singapore.klingai.com: tests may only reach loopback']);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ERR_LOOPBACK_ONLY');
  });

  it('lets loopback through', async () => {
    const server = await startLoopbackServer((_req, res) => sendJson(res, 200, { ok: true }));
    try {
      const response = await fetch(`${server.url}/ping`);
      expect(await response.json()).toEqual({ ok: true });
    } finally {
      await server.close();
    }
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['192.168.1.1', false],
    ['api.klingai.com', false],
    ['127.0.0.1.example.com', false],
  ])('judges %s as loopback: %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
