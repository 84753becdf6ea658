/**
 * PKCE (RFC 7636) with the S256 method: the verifier stays with the pending request, only its
 * challenge goes into the authorize URL. Jobber does not document PKCE; an RFC 6749 server ignores
 * parameters it does not know, and RFC 9700 asks clients to send it, so it costs nothing today and
 * protects the code the day Jobber checks it.
 */
import { createHash } from 'node:crypto';

/** Octets of randomness in a verifier: 32 → 43 base64url characters (RFC 7636 §4.1's minimum length). */
export const VERIFIER_BYTES = 32;

/** BASE64URL(SHA256(ASCII(verifier))), RFC 7636 §4.2. */
export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
