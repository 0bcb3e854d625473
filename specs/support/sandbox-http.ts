import { SignJWT } from 'jose';
import { fetch } from 'undici';
import type { Credentials } from '../../helpers/kling/auth.ts';

/**
 * A plain HTTP client for the sandbox's contract tests, built on jose and undici directly rather than on the
 * harness's own client, so the sandbox is checked independently of the code it will later check.
 */

export async function tokenFor(credentials: Credentials, claims: { iss?: string; exp?: number; nbf?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(claims.iss ?? credentials.accessKey)
    .setExpirationTime(claims.exp ?? now + 1800)
    .setNotBefore(claims.nbf ?? now - 5)
    .sign(new TextEncoder().encode(credentials.secretKey));
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
  text: string;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; authorization?: string | null; credentials?: Credentials } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.authorization !== null) {
    headers.authorization =
      options.authorization ??
      `Bearer ${await tokenFor(options.credentials ?? { accessKey: 'sandbox-access-key', secretKey: 'sandbox-secret-key-not-a-real-secret' })}`;
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.rawBody !== undefined
      ? { body: options.rawBody }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Left empty: the caller asserts on `text` when the body is not JSON.
  }
  return { status: response.status, headers: response.headers as unknown as Headers, json, text };
}

/** `data` of a successful answer, typed loosely for assertions. */
export function dataOf(answer: RawAnswer): Record<string, unknown> {
  return answer.json.data as Record<string, unknown>;
}
