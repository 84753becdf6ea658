/**
 * When a fresh access token expires, on OUR clock. Jobber's `exp` is an instant on Jobber's clock;
 * comparing it with a local clock that is hours off (a dual-boot PC keeping local time in its RTC)
 * would make every new token look expired, or valid for hours too long. So the lifetime is measured
 * on Jobber's clock (`exp − iat`, else `exp − Date` header) and laid onto ours from the moment the
 * request was sent, which errs on the early side. Without a readable `exp`, `expires_in` (RFC 6749
 * §5.1) is a lifetime already, counted from the answer's arrival (or from `created_at` on Jobber's
 * clock); then `expires_at`; only then the documented 60 minutes. Pure: no clock, no I/O.
 */
import { readJwtTimes } from './jwt';
import type { ExpirySource } from './token-model';
import { parseExpiresAt } from './token-response-schema';

/** An `iat` claiming a longer lifetime than this is not trusted (Jobber's is 60 minutes). */
/**
 * An HTTP Date header has whole seconds (RFC 9110 §5.6.7), so the server's clock is anywhere in the
 * second after it. Lifetimes measured against it assume the end of that second: early, never late.
 */
export const DATE_HEADER_RESOLUTION_MS = 1_000;

export const MAX_PLAUSIBLE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** How the lifetime was measured: on Jobber's clock (iat, Date header), on ours, or assumed. */
export type LifetimeBasis = 'jwt-iat' | 'date-header' | 'local-clock' | 'expires-in' | 'default';

export interface ExpiryInput {
  accessToken: string;
  /** The response's `expires_at` field, if any. */
  expiresAtText: string | null | undefined;
  /** The response's `expires_in` (seconds), if any. */
  expiresInSec?: number | null | undefined;
  /** The response's `created_at` (epoch seconds, Jobber's clock), if any. */
  createdAtSec?: number | null | undefined;
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
 * Resolves a fresh token's expiry on our clock. Source: the JWT `exp`, else `expires_in`, else
 * `expires_at`, else the default lifetime. Lifetime: `exp − iat` when `iat` is present and sane,
 * else `exp − Date`, else `exp` against our clock. A lifetime of zero or less (the token looks
 * expired on arrival) falls back to the default lifetime with `expiredOnArrival`.
 */
export function resolveTokenExpiry(input: ExpiryInput): ResolvedExpiry {
  const { sentAt, receivedAt, serverDate } = input;
  const assumed = (expirySource: ExpirySource, clockSkewMs: number | null, expiredOnArrival: boolean): ResolvedExpiry =>
    assumedDefault(input, expirySource, clockSkewMs, expiredOnArrival);

  const jwt = readJwtTimes(input.accessToken);
  const fieldExpiry = typeof input.expiresAtText === 'string' ? parseExpiresAt(input.expiresAtText) : null;
  const expiresIn = validSeconds(input.expiresInSec);
  let exp: number;
  let source: ExpirySource;
  if (jwt !== null) {
    exp = jwt.expiresAt;
    source = 'jwt-exp';
  } else if (expiresIn !== null) {
    return fromExpiresIn(expiresIn * 1000, validSeconds(input.createdAtSec), input);
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
    // Counted from the end of the Date header's second: Jobber's clock may be up to 1 s past it.
    lifetime = exp - serverDate - DATE_HEADER_RESOLUTION_MS;
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

function validSeconds(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * `expires_in` is a lifetime: counted from the answer's arrival, or from `created_at` (Jobber's
 * clock, compared with its Date header, else with ours) when the answer says when it was made.
 */
function fromExpiresIn(lifetimeMs: number, createdAtSec: number | null, input: ExpiryInput): ResolvedExpiry {
  const { receivedAt, serverDate } = input;
  const clockSkewMs = serverDate === null ? null : receivedAt - serverDate;
  const jobberNow = serverDate === null ? receivedAt : serverDate + DATE_HEADER_RESOLUTION_MS;
  const elapsedMs = createdAtSec === null ? 0 : Math.max(0, jobberNow - createdAtSec * 1000);
  const remaining = Math.min(lifetimeMs, MAX_PLAUSIBLE_LIFETIME_MS) - elapsedMs;
  if (remaining <= 0) return assumedDefault(input, 'default', clockSkewMs, true);
  return {
    accessTokenIssuedAt: receivedAt,
    accessTokenExpiresAt: receivedAt + remaining,
    expirySource: 'expires-in',
    basis: 'expires-in',
    clockSkewMs,
    expiredOnArrival: false,
  };
}

/** The documented default lifetime, counted from when we asked. */
function assumedDefault(input: ExpiryInput, expirySource: ExpirySource, clockSkewMs: number | null, expiredOnArrival: boolean): ResolvedExpiry {
  return {
    accessTokenIssuedAt: input.receivedAt,
    accessTokenExpiresAt: input.sentAt + input.defaultLifetimeMs,
    expirySource,
    basis: 'default',
    clockSkewMs,
    expiredOnArrival,
  };
}
