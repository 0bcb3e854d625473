import { SignJWT } from 'jose';

/**
 * The API's JWT (kling-api §1): HS256 signed with the secret key, `iss` = access key, `exp` and `nbf` in Unix
 * seconds, no other claims (the official samples set no `iat` or `jti`).
 */

export interface Credentials {
  accessKey: string;
  secretKey: string;
}

export interface TokenOptions {
  /** The official sample's lifetime: 30 minutes. */
  lifetimeSeconds?: number;
  /** The official sample's skew allowance: `nbf` = now − 5 s. */
  notBeforeSkewSeconds?: number;
  /** Re-sign this long before `exp`, so no request leaves with a token about to expire in flight. */
  refreshMarginSeconds?: number;
  now?: () => number;
  /** Told of every token signed, before it is used (the harness's scrubber learns each one this way). */
  onSign?: (token: string) => void;
}

/** The token to send; `{ fresh: true }` signs a new one whatever the cache holds. */
export type TokenSource = (options?: { fresh?: boolean }) => Promise<string>;

export async function signToken(credentials: Credentials, nowMs: number, lifetimeSeconds = 1800, skewSeconds = 5): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(credentials.accessKey)
    .setExpirationTime(now + lifetimeSeconds)
    .setNotBefore(now - skewSeconds)
    .sign(new TextEncoder().encode(credentials.secretKey));
}

/** A cached token, signed again once it is within the refresh margin of its expiry. */
export function createTokenSource(credentials: Credentials, options: TokenOptions = {}): TokenSource {
  const lifetime = options.lifetimeSeconds ?? 1800;
  const skew = options.notBeforeSkewSeconds ?? 5;
  const margin = options.refreshMarginSeconds ?? 60;
  const now = options.now ?? Date.now;
  let cached: { token: string; expiresAtMs: number } | undefined;
  return async ({ fresh = false } = {}) => {
    const at = now();
    if (fresh || cached === undefined || at >= cached.expiresAtMs - margin * 1000) {
      // HS256 is deterministic: a fresh token within the same second must differ in a claim, so its nbf moves a
      // second earlier (still valid, still the official sample's shape).
      const token = await signToken(credentials, at, lifetime, fresh ? skew + 1 : skew);
      options.onSign?.(token);
      cached = { token, expiresAtMs: (Math.floor(at / 1000) + lifetime) * 1000 };
    }
    return cached.token;
  };
}
