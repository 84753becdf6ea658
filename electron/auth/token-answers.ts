/**
 * What the session does with the token endpoint's answers before acting on them, for both the
 * code exchange and a refresh: a failure becomes an AuthError, a new pair is stripped to what may
 * be persisted, and its expiry is checked against our clock (warnings in the activity list). No
 * state beyond "already warned", no storage, no requests.
 */
import type { ActivityLog } from './activity-log';
import { AuthError, isAuthError } from '../core/errors';
import { describeError } from '../core/redact';
import { MESSAGES } from './session-messages';
import type { TokenSet } from './token-model';

/** A clock this far from Jobber's earns a warning in the activity list (once per session). */
const CLOCK_SKEW_WARNING_MS = 5 * 60_000;

/** `error` as an AuthError: kept as is when it already is one, else wrapped as `fallback`. */
export function toAuthError(error: unknown, fallback: AuthError['kind'] = 'network'): AuthError {
  return isAuthError(error) ? error : new AuthError(fallback, describeError(error));
}

/** The token pair without the one-off diagnostics the token client attaches (never persisted). */
export function storable(tokens: TokenSet): TokenSet {
  const { accessToken, refreshToken, accessTokenIssuedAt, accessTokenExpiresAt, expirySource } = tokens;
  return { accessToken, refreshToken, accessTokenIssuedAt, accessTokenExpiresAt, expirySource };
}

/** The clock warnings of one session: each kind of disagreement is reported at most once. */
export class TokenClockNotes {
  private clockWarned = false;

  constructor(private readonly activity: ActivityLog) {}

  /** Warnings a fresh token's expiry earns: our clock disagrees with Jobber's, or no expiry at all. */
  note(tokens: TokenSet): void {
    if (tokens.expiredOnArrival) {
      if (!this.clockWarned) this.activity.warning(MESSAGES.expiredOnArrival);
      this.clockWarned = true;
      return;
    }
    if (tokens.expirySource === 'default') this.activity.warning(MESSAGES.noExpiry);
    const skew = tokens.clockSkewMs;
    if (skew !== undefined && Math.abs(skew) >= CLOCK_SKEW_WARNING_MS && !this.clockWarned) {
      this.clockWarned = true;
      this.activity.warning(MESSAGES.clockSkew(skew), { clockSkewMinutes: Math.round(skew / 60_000) });
    }
  }
}
