/**
 * PKCE (RFC 7636) values for one sign-in: a high-entropy verifier kept with the pending request and
 * its S256 challenge, which is all that leaves the app before the code is redeemed. Pure apart
 * from the injectable randomness.
 */
import { createHash, randomBytes } from 'node:crypto';
import { registerSecret } from './redact';

/** 32 random bytes → 43 base64url characters, inside RFC 7636 §4.1's 43–128. */
export function createCodeVerifier(random: (size: number) => Uint8Array = randomBytes): string {
  const verifier = Buffer.from(random(32)).toString('base64url');
  registerSecret(verifier);
  return verifier;
}

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))), no padding. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
