import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { call } from '../support/sandbox-http.ts';

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
