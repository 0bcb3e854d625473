import net from 'node:net';
import { afterEach } from 'vitest';

/**
 * Every test file runs with this guard: a socket to anything but loopback is refused before DNS or connect, and
 * the test that tried fails even if the code under test swallowed the error. No test can reach a real host.
 * With HARNESS_NO_SOCKETS=1 it refuses loopback too: the replay suite runs that way to prove it opens no socket.
 */

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string | undefined): boolean {
  // Node connects to localhost when no host is given.
  if (host === undefined || host === '') return true;
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::ffff:127.0.0.1';
}

interface ConnectTarget {
  host?: string | undefined;
  path?: string;
}

function targetOf(args: unknown[]): ConnectTarget {
  // net.connect() hands Socket#connect its arguments already normalised into an array.
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) return first;
  if (typeof first === 'string') return { path: first };
  return { host: typeof args[1] === 'string' ? args[1] : undefined };
}

interface GuardState {
  attempts: string[];
  installed: boolean;
}

// Kept on the prototype itself, so the guard is installed once however often this module is evaluated.
const KEY = Symbol.for('kling-harness.loopback-only');
const holder = net.Socket.prototype as unknown as Record<symbol, GuardState | undefined>;
const state = holder[KEY] ?? (holder[KEY] = { attempts: [], installed: false });
const attempts = state.attempts;

if (!state.installed) {
  state.installed = true;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-applied below with the socket as `this`
  const original = net.Socket.prototype.connect as unknown as (this: net.Socket, ...args: unknown[]) => net.Socket;
  // A patch of Node's own prototype has to accept whatever Node passes; the arguments are inspected, not trusted.
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const target = targetOf(args);
    const noSockets = process.env.HARNESS_NO_SOCKETS === '1';
    if (target.path === undefined && (noSockets || !isLoopbackHost(target.host))) {
      const message = noSockets
        ? `refused a connection to ${target.host ?? '?'}: this run may open no socket at all`
        : `refused a connection to ${target.host ?? '?'}: tests may only reach loopback`;
      attempts.push(message);
      const error = Object.assign(new Error(message), { code: 'ERR_LOOPBACK_ONLY' });
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return original.apply(this, args);
  };
}

afterEach(() => {
  const seen = attempts.splice(0);
  if (seen.length > 0) throw new Error(`a test tried to leave loopback: ${seen.join('; ')}`);
});

/** For the guard's own test: take the recorded attempts so the deliberate one does not fail that test. */
export function takeRefusedAttempts(): string[] {
  return attempts.splice(0);
}
