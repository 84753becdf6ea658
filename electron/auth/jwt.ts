/**
 * Reads the expiry of a JWT access token. Only Jobber can verify the signature, so this never
 * trusts the token for anything but scheduling: it decodes the payload and reads `exp`.
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

/**
 * The token's expiry in epoch milliseconds, from its `exp` claim (seconds), without verifying the
 * signature. Null when the value is not a compact JWS (three dot-separated base64url parts with a
 * JSON header and payload) or has no finite, positive numeric `exp`.
 */
export function readJwtExpiry(token: string): number | null {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload] = parts as [string, string, string];
  if (!isPlainObject(decodeJsonSegment(header))) return null;
  const claims = decodeJsonSegment(payload);
  if (!isPlainObject(claims)) return null;
  const exp = claims.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0) return null;
  const ms = Math.round(exp * 1000);
  return Number.isSafeInteger(ms) ? ms : null;
}
