import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { call } from '../support/sandbox-http.ts';

/** Whether a connect to the port on loopback is refused: the listener is gone. */
async function refused(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  } finally {
    socket.destroy();
  }
}

describe('Sandbox | pnpm sandbox', () => {
  it('prints its URL and the demo credentials, serves with them, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'helpers/sandbox/cli.ts'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('Ctrl-C stops it.')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${String(code)}: ${out}`)));
    });
    const url = /KLING_BASE_URL=(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
    const accessKey = /KLING_ACCESS_KEY=(\S+)/.exec(out)?.[1] ?? '';
    const secretKey = /KLING_SECRET_KEY=(\S+)/.exec(out)?.[1] ?? '';
    expect(out).toContain(`Kling sandbox listening on ${url}`);
    const answer = await call(url, 'GET', '/v1/videos/omni-video', { credentials: { accessKey, secretKey } });
    expect(answer.json).toMatchObject({ code: 0, data: [] });
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  // A terminal's Ctrl-C signals the whole foreground process group, not one process: the CLI gets its own group here
  // (as under `pnpm sandbox`) and the signal goes to the group.
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s to its process group closes connections, prints one stop line and exits 0',
    async (signal) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'helpers/sandbox/cli.ts'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      // Never 0 or undefined here: process.kill(-0) would signal the test runner's own group.
      const group = child.pid;
      if (group === undefined) throw new Error('the sandbox CLI did not start');
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => (err += chunk));
      const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: string) => {
            out += chunk;
            if (out.includes('Ctrl-C stops it.')) resolve();
          });
          child.on('exit', (code) => reject(new Error(`exited early with ${String(code)}: ${out}${err}`)));
        });
        const port = Number(/KLING_BASE_URL=http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
        // An idle client left open, as a browser or a paused rehearsal leaves one: stopping must not wait for it.
        const client = connect(port, '127.0.0.1');
        // Destroyed by the server, the client may see ECONNRESET before 'close' (which once() would turn into a rejection).
        client.on('error', () => undefined);
        const clientClosed = new Promise<void>((resolve) => client.on('close', () => resolve()));
        await once(client, 'connect');

        process.kill(-group, signal);
        const [code, killedBy] = await closed;
        await clientClosed;

        // What pnpm judges its script by: an exit code of 0, not a death by signal.
        expect({ code, killedBy }).toEqual({ code: 0, killedBy: null });
        expect(out.trimEnd().split('\n').at(-1)).toBe('Sandbox stopped.');
        expect(out.split('Sandbox stopped.')).toHaveLength(2);
        expect(err).toBe('');
        expect(out + err).not.toContain('ELIFECYCLE');
        expect(await refused(port)).toBe(true);
      } finally {
        // A failed assertion must not leave a server behind.
        if (child.exitCode === null && child.signalCode === null) process.kill(-group, 'SIGKILL');
      }
    },
    // Starting Node with tsx's loader takes seconds, not milliseconds, on a busy runner.
    20_000,
  );

  it('refuses a bad SANDBOX_PORT with one line and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'helpers/sandbox/cli.ts'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SANDBOX_PORT: 'eighty' },
    });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (err += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(err.trim()).toBe("SANDBOX_PORT must be a port number, got 'eighty'");
  });
});
