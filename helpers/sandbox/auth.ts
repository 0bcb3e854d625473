import { errors, jwtVerify } from 'jose';
import type { Credentials } from '../kling/auth.ts';
import type { ApiError } from './api-error.ts';

/**
 * Authentication as kling-api §1 describes it: 401 with 1001 for no header, 1002 for a bad signature or a
 * malformed token, 1003 when `nbf` is in the future, 1004 when the token has expired.
 */
export async function verifyAuthorization(
  header: string | undefined,
  credentials: Credentials,
  nowMs: number,
): Promise<ApiError | undefined> {
  if (header === undefined || header.trim() === '') return { httpStatus: 401, code: 1001, message: 'Authorization is empty' };
  // kling-api §1: exactly one space follows `Bearer`.
  const match = /^Bearer ([^ ]+)$/.exec(header);
  if (match?.[1] === undefined) return { httpStatus: 401, code: 1002, message: 'Authorization is invalid' };
  try {
    await jwtVerify(match[1], new TextEncoder().encode(credentials.secretKey), {
      algorithms: ['HS256'],
      issuer: credentials.accessKey,
      requiredClaims: ['exp', 'nbf'],
      currentDate: new Date(nowMs),
    });
    return undefined;
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { httpStatus: 401, code: 1004, message: 'Authorization token has expired' };
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
      return { httpStatus: 401, code: 1003, message: 'Authorization token is not yet valid' };
    }
    return { httpStatus: 401, code: 1002, message: 'Authorization is invalid' };
  }
}
