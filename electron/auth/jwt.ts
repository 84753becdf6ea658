/**
 * Reads the expiry of a JWT access token. Only Jobber can verify the signature, so this never
 * trusts the token for anything but scheduling: it decodes the payload and reads `exp` (and `iat`,
 * so the lifetime can be measured on Jobber's own clock).
 */

const BASE64URL_SEGMENT = /^[A-Za-z0-9_-]+$/;

function decodeJsonSegment(segment: string): unknown {
  if (!BASE64URL_SEGMENT.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The time claims of a JWT, in epoch milliseconds (Jobber's clock). */
export interface JwtTimes {
  expiresAt: number;
  /** From `iat`; null when absent or not a finite, positive number. */
  issuedAt: number | null;
}

function claimMs(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  const ms = Math.round(value * 1000);
  return Number.isSafeInteger(ms) ? ms : null;
}

/**
 * The token's `exp` and `iat` claims (seconds → ms), without verifying the signature. Null when
 * the value is not a compact JWS (three dot-separated base64url parts with a JSON header and
 * payload) or has no finite, positive numeric `exp`.
 */
export function readJwtTimes(token: string): JwtTimes | null {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload] = parts as [string, string, string];
  if (!isPlainObject(decodeJsonSegment(header))) return null;
  const claims = decodeJsonSegment(payload);
  if (!isPlainObject(claims)) return null;
  const expiresAt = claimMs(claims.exp);
  if (expiresAt === null) return null;
  return { expiresAt, issuedAt: claimMs(claims.iat) };
}

/**
 * The token's expiry in epoch milliseconds, from its `exp` claim (seconds), without verifying the
 * signature. Null when the value is not a compact JWS (three dot-separated base64url parts with a
 * JSON header and payload) or has no finite, positive numeric `exp`.
 */
export function readJwtExpiry(token: string): number | null {
  return readJwtTimes(token)?.expiresAt ?? null;
}
