/**
 * The broker's one-time values: states, handoff and pairing codes, device credentials (32 random
 * bytes, base64url), their SHA-256 hashes (the only form stored), and the PKCE S256 check.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_BYTES = 32;

/** 32 random bytes, base64url: 43 characters. */
export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** What the database keeps instead of a code or credential. */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(verifier))) equals the challenge; constant time. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
