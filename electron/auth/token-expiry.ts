/**
 * When a fresh access token expires, on OUR clock. Jobber's `exp` is an instant on Jobber's clock;
 * comparing it with a local clock that is hours off (a dual-boot PC keeping local time in its RTC)
 * would make every new token look expired, or valid for hours too long. So the lifetime is measured
 * on Jobber's clock (`exp − iat`, else `exp − Date` header) and laid onto ours from the moment the
 * request was sent, which errs on the early side. Pure: no clock, no I/O.
 */
import { readJwtTimes } from './jwt';
import type { ExpirySource } from './token-model';
import { parseExpiresAt } from './token-response-schema';

/** An `iat` claiming a longer lifetime than this is not trusted (Jobber's is 60 minutes). */
export const MAX_PLAUSIBLE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** How the lifetime was measured: on Jobber's clock (iat, Date header), on ours, or assumed. */
export type LifetimeBasis = 'jwt-iat' | 'date-header' | 'local-clock' | 'default';

export interface ExpiryInput {
  accessToken: string;
  /** The response's `expires_at` field, if any. */
  expiresAtText: string | null | undefined;
  /** Our clock when the request was sent. */
  sentAt: number;
  /** Our clock when the answer arrived. */
  receivedAt: number;
  /** The response's Date header (Jobber's clock), or null. */
  serverDate: number | null;
  defaultLifetimeMs: number;
}

export interface ResolvedExpiry {
  accessTokenIssuedAt: number;
  accessTokenExpiresAt: number;
  expirySource: ExpirySource;
  basis: LifetimeBasis;
  /** Our clock minus Jobber's at issue, when measurable (iat or Date header). */
  clockSkewMs: number | null;
  /** The expiry was already past when measured, so the default lifetime was assumed instead. */
  expiredOnArrival: boolean;
}

/**
 * Resolves a fresh token's expiry on our clock. Source of the expiry instant: the JWT `exp`, else
 * `expires_at`, else the default lifetime. Lifetime: `exp − iat` when `iat` is present and sane,
 * else `exp − Date`, else `exp` against our clock. A lifetime of zero or less (the token looks
 * expired on arrival) falls back to the default lifetime with `expiredOnArrival`.
 */
export function resolveTokenExpiry(input: ExpiryInput): ResolvedExpiry {
  const { sentAt, receivedAt, serverDate, defaultLifetimeMs } = input;
  const assumed = (expirySource: ExpirySource, clockSkewMs: number | null, expiredOnArrival: boolean): ResolvedExpiry => ({
    accessTokenIssuedAt: receivedAt,
    accessTokenExpiresAt: sentAt + defaultLifetimeMs,
    expirySource,
    basis: 'default',
    clockSkewMs,
    expiredOnArrival,
  });

  const jwt = readJwtTimes(input.accessToken);
  const fieldExpiry = typeof input.expiresAtText === 'string' ? parseExpiresAt(input.expiresAtText) : null;
  let exp: number;
  let source: ExpirySource;
  if (jwt !== null) {
    exp = jwt.expiresAt;
    source = 'jwt-exp';
  } else if (fieldExpiry !== null) {
    exp = fieldExpiry;
    source = 'expires-at';
  } else {
    return assumed('default', serverDate === null ? null : receivedAt - serverDate, false);
  }

  const iat = jwt?.issuedAt ?? null;
  let lifetime: number;
  let basis: LifetimeBasis;
  let clockSkewMs: number | null;
  if (iat !== null && exp > iat && exp - iat <= MAX_PLAUSIBLE_LIFETIME_MS) {
    lifetime = exp - iat;
    basis = 'jwt-iat';
    clockSkewMs = receivedAt - iat;
  } else if (serverDate !== null) {
    lifetime = exp - serverDate;
    basis = 'date-header';
    clockSkewMs = receivedAt - serverDate;
  } else {
    lifetime = exp - receivedAt;
    basis = 'local-clock';
    clockSkewMs = null;
  }
  if (lifetime <= 0) return assumed('default', clockSkewMs, true);
  return {
    accessTokenIssuedAt: receivedAt,
    // On our own clock the instant is already ours; otherwise count from when we asked.
    accessTokenExpiresAt: basis === 'local-clock' ? exp : sentAt + lifetime,
    expirySource: source,
    basis,
    clockSkewMs,
    expiredOnArrival: false,
  };
}
