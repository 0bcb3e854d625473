import { spawn } from 'node:child_process';
import { fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { takeRefusedAttempts } from '../setup/loopback-only.ts';
import { recordFigure } from '../support/figures.ts';
import { startLoopbackServer, sendJson } from '../support/loopback-server.ts';
import { workspace } from '../support/harness-env.ts';
import { matrix } from '../support/matrix.ts';

/**
 * Replay is hermetic (promises §6): the whole replay suite runs with HARNESS_NO_SOCKETS=1, under which the
 * socket guard refuses every connection, loopback included, and fails any test that tried one.
 */
describe('Faults | replay isolation', () => {
  it('the replay suite passes with every socket refused: it opens none', async () => {
    const ws = workspace();
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'rows'], {
      env: { ...process.env, HARNESS_MODE: 'replay', HARNESS_NO_SOCKETS: '1', REPORTS_DIR: ws.reportsDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(new RegExp(`Tests\\s+.*${matrix.rows.length} passed`));
    expect(out).not.toContain('refused a connection');
    recordFigure({ kind: 'scenario', name: 'replay suite with every socket refused', creates: 0, doubleCreates: 0 });
  }, 120_000);

  it('the guard does catch a loopback connection when every socket is refused (the proof above can fail)', async () => {
    const server = await startLoopbackServer((_req, res) => sendJson(res, 200, {}));
    process.env.HARNESS_NO_SOCKETS = '1';
    try {
      await expect(fetch(`${server.url}/x`)).rejects.toThrow();
      expect(takeRefusedAttempts()).toEqual(['refused a connection to 127.0.0.1: this run may open no socket at all']);
    } finally {
      delete process.env.HARNESS_NO_SOCKETS;
      await server.close();
    }
  });
});
