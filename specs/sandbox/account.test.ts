import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../helpers/sandbox/server.ts';
import { serversStoppedAfterEach } from '../support/test-servers.ts';
import { call, dataOf } from '../support/sandbox-http.ts';

const servers = serversStoppedAfterEach();

describe('Sandbox | the free account check (kling-api §9a)', () => {
  it('lists its resource packs with status and remaining quantity', async () => {
    servers.sandbox = await startSandbox({ packs: [{ name: 'Video 200', status: 'online', total: 200, remaining: 180 }] });
    const answer = await call(servers.sandbox.url, 'GET', '/account/costs?start_time=0&end_time=1');
    expect(answer.status).toBe(200);
    expect(dataOf(answer)).toMatchObject({
      code: 0,
      resource_pack_subscribe_infos: [{ resource_pack_name: 'Video 200', status: 'online', total_quantity: 200, remaining_quantity: 180 }],
    });
  });

  it('answers 401/1002 to a bad key, and 429/1302 when called again within a second', async () => {
    servers.sandbox = await startSandbox();
    const { url } = servers.sandbox;
    expect(
      (await call(url, 'GET', '/account/costs', { credentials: { accessKey: 'sandbox-access-key', secretKey: 'wrong-secret-x' } })).json,
    ).toMatchObject({ code: 1002 });
    expect((await call(url, 'GET', '/account/costs')).status).toBe(200);
    expect(await call(url, 'GET', '/account/costs')).toMatchObject({ status: 429, json: { code: 1302 } });
  });
});
