/**
 * HS256 JSON Web Tokens with node:crypto: the sandbox's access tokens, shaped like the sample token
 * in Jobber's Rails template (header `{"alg":"HS256"}`; claims sub, iss, client_id, scope, app_id,
 * user_id, account_id, exp, and NO `iat`). Only the sandbox signs and verifies them; the app reads
 * `exp` without verifying, as it must with Jobber's tokens. Which grant a token belongs to is the
 * grant registry's record, not a claim (Jobber's sample carries none).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const claimsSchema = z.object({
  /** The user who authorised (a number at Jobber, as user_id). */
  sub: z.number().int(),
  iss: z.string(),
  client_id: z.string(),
  /** The app's configured scopes, space-separated. */
  scope: z.string(),
  app_id: z.string(),
  user_id: z.number().int(),
  account_id: z.string(),
  /** Epoch seconds. */
  exp: z.number().int(),
});

/** The claims of a sandbox access token, as in Jobber's sample. */
export type AccessTokenClaims = z.infer<typeof claimsSchema>;

const headerSchema = z.object({ alg: z.literal('HS256'), typ: z.literal('JWT').optional() });

const HEADER = base64url(JSON.stringify({ alg: 'HS256' }));

function base64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

function signature(signingInput: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

/** A fresh 256-bit HMAC key. */
export function newSigningKey(): Buffer {
  return randomBytes(32);
}

/** Signs `claims` as a compact HS256 JWT. */
export function signJwt(claims: AccessTokenClaims, key: Buffer): string {
  const signingInput = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${signature(signingInput, key).toString('base64url')}`;
}

function parseJsonPart(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Verifies the signature and shape of `token` and returns its claims, or null. Expiry is the
 * caller's business because it is judged by the sandbox clock.
 */
export function verifyJwt(token: string, key: Buffer): AccessTokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (!headerSchema.safeParse(parseJsonPart(headerPart)).success) return null;
  const expected = signature(`${headerPart}.${payloadPart}`, key);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = claimsSchema.safeParse(parseJsonPart(payloadPart));
  return claims.success ? claims.data : null;
}
