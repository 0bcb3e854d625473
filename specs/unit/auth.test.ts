import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenSource, signToken } from '../../helpers/kling/auth.ts';

const credentials = { accessKey: 'ak-test-access', secretKey: 'sk-test-secret-0123456789' };
const NOW = 1_800_000_000_000;

describe('Client | JWT', () => {
  it('carries exactly the documented header and claims: HS256, iss = access key, exp = now + 1800, nbf = now - 5', async () => {
    const token = await signToken(credentials, NOW);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodeJwt(token)).toEqual({ iss: 'ak-test-access', exp: 1_800_001_800, nbf: 1_799_999_995 });
  });

  it('is signed with the secret key and with nothing else', async () => {
    const token = await signToken(credentials, Date.now());
    await expect(jwtVerify(token, new TextEncoder().encode(credentials.secretKey))).resolves.toBeDefined();
    await expect(jwtVerify(token, new TextEncoder().encode('another-secret'))).rejects.toThrow(/signature/);
    expect(token).not.toContain(credentials.secretKey);
  });

  it('is cached, and signed again once within the refresh margin of expiry', async () => {
    let now = NOW;
    const source = createTokenSource(credentials, { now: () => now, refreshMarginSeconds: 60 });
    const first = await source();
    now += 1000 * (1800 - 61);
    expect(await source()).toBe(first);
    now += 1000;
    const second = await source();
    expect(second).not.toBe(first);
    expect(decodeJwt(second).exp).toBe(Math.floor(now / 1000) + 1800);
  });
});
