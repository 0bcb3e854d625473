import { afterEach } from 'vitest';
import type { Sandbox } from '../../helpers/sandbox/server.ts';
import type { LoopbackServer } from './loopback-server.ts';

/** Servers a test file starts; each is stopped after every test, so none outlives the test that started it. */
export function serversStoppedAfterEach(): { sandbox: Sandbox | undefined; scripted: LoopbackServer | undefined } {
  const servers: { sandbox: Sandbox | undefined; scripted: LoopbackServer | undefined } = { sandbox: undefined, scripted: undefined };
  afterEach(async () => {
    await servers.sandbox?.stop();
    await servers.scripted?.close();
    servers.sandbox = undefined;
    servers.scripted = undefined;
  });
  return servers;
}
