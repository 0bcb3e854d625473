import { createTokenSource, type Credentials, type TokenSource } from '../../kling/auth.ts';
import { registerSecret, registerToken } from './scrubber.ts';

/**
 * The token source every request of a run signs with. The keys, and every token signed with them (with its
 * payload and signature on their own), are known to the scrubber before any request carries them (promises §5).
 */
export function signingTokenSource(credentials: Credentials): TokenSource {
  registerSecret(credentials.accessKey);
  registerSecret(credentials.secretKey);
  return createTokenSource(credentials, { onSign: registerToken });
}
