import type { Credentials } from '../kling/auth.ts';

/**
 * The sandbox's own key pair. Not secrets: they open nothing but a server on loopback, and are printed by
 * `pnpm sandbox` so anyone can point a client at it.
 */
export const SANDBOX_CREDENTIALS: Readonly<Credentials> = {
  accessKey: 'sandbox-access-key',
  secretKey: 'sandbox-secret-key-not-a-real-secret',
};
