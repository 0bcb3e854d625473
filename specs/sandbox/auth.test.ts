import { beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../helpers/sandbox/credentials.ts';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { call, tokenFor } from '../support/sandbox-http.ts';
import { serversStoppedAfterAll } from '../support/test-servers.ts';

const servers = serversStoppedAfterAll();
beforeAll(async () => {
  servers.sandbox = await startSandbox();
});

const now = () => Math.floor(Date.now() / 1000);
const list = (authorization: string | null) => call(servers.sandbox?.url ?? '', 'GET', '/v1/videos/text2video', { authorization });

describe('Sandbox | authentication (kling-api §1)', () => {
  it('accepts a token signed as the contract says', async () => {
    expect((await list(`Bearer ${await tokenFor(SANDBOX_CREDENTIALS)}`)).json).toMatchObject({ code: 0 });
  });

  it.each([
    ['no Authorization header', () => Promise.resolve(null), 1001],
    ['an empty header', () => Promise.resolve(''), 1001],
    [
      'a token signed with another secret',
      async () => `Bearer ${await tokenFor({ ...SANDBOX_CREDENTIALS, secretKey: 'other-secret' })}`,
      1002,
    ],
    ['a token for another access key', async () => `Bearer ${await tokenFor(SANDBOX_CREDENTIALS, { iss: 'someone-else' })}`, 1002],
    ['a malformed token', () => Promise.resolve('Bearer not.a.jwt'), 1002],
    ['two spaces after Bearer', async () => `Bearer  ${await tokenFor(SANDBOX_CREDENTIALS)}`, 1002],
    ['no Bearer prefix', () => tokenFor(SANDBOX_CREDENTIALS), 1002],
    ['nbf in the future', async () => `Bearer ${await tokenFor(SANDBOX_CREDENTIALS, { nbf: now() + 600 })}`, 1003],
    ['an expired token', async () => `Bearer ${await tokenFor(SANDBOX_CREDENTIALS, { exp: now() - 1, nbf: now() - 60 })}`, 1004],
  ] as [string, () => Promise<string | null>, number][])('answers 401 with its code for %s', async (_name, header, code) => {
    const answer = await list(await header());
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ code });
    expect(answer.json.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
