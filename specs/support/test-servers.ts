import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach } from 'vitest';
import type { Sandbox } from '../../helpers/sandbox/server.ts';
import type { LoopbackServer } from './loopback-server.ts';

/** What a test file starts, one slot each: whatever a slot holds is stopped by the hook (a child with SIGKILL). */
export interface TestServers {
  sandbox: Sandbox | undefined;
  scripted: LoopbackServer | undefined;
  child: ChildProcess | undefined;
}

function stoppedBy(hook: (stop: () => Promise<void>) => void): TestServers {
  const servers: TestServers = { sandbox: undefined, scripted: undefined, child: undefined };
  hook(async () => {
    servers.child?.kill('SIGKILL');
    await servers.sandbox?.stop();
    await servers.scripted?.close();
    servers.child = undefined;
    servers.sandbox = undefined;
    servers.scripted = undefined;
  });
  return servers;
}

/** Servers a test file starts; each is stopped after every test, so none outlives the test that started it. */
export const serversStoppedAfterEach = (): TestServers => stoppedBy((stop) => afterEach(stop));

/** Servers shared by every test of a file (started in `beforeAll`); each is stopped after the file's last test. */
export const serversStoppedAfterAll = (): TestServers => stoppedBy((stop) => afterAll(stop));
