/**
 * When to refresh and how long to wait after a failure: the pure arithmetic behind the session's
 * scheduler. No clocks or timers here; callers pass `now` and a random source, so every number is
 * reproducible in tests.
 */
import type { RandomSource } from '../core/clock';
import { backoffDelay as exponentialBackoff, unitInterval } from '../core/http';
import type { TokenSet } from './token-model';

export interface RefreshPolicy {
  /** Upper bound of the refresh margin before expiry (default 5 min). */
  maxMarginMs: number;
  /** Margin as a fraction of the token lifetime when that is smaller (default 0.1). */
  marginFraction: number;
  /** Up to this fraction of the margin is added as random jitter, earlier (default 0.2). */
  jitterFraction: number;
  /** A caller asking for a token refreshes first when it expires within this (default 30 s, capped at 5% of the lifetime). */
  callerMarginMs: number;
  /** Backoff after a transient failure: base (2 s), factor (2), cap (5 min); full jitter. */
  backoffBaseMs: number;
  backoffFactor: number;
  backoffCapMs: number;
  /** How long Disconnect waits for Jobber before wiping local tokens anyway (5 s). */
  disconnectTimeoutMs: number;
  /**
   * How long stop() (quitting) waits for a refresh already sent to be answered and saved (20 s: the
   * token client's 15 s request timeout plus time to persist). Quitting sooner would lose a pair
   * Jobber may already have rotated to.
   */
  shutdownWaitMs: number;
  /**
   * Floor between a successful refresh and the next scheduled one: max(minRefreshIntervalMs,
   * minRefreshIntervalFraction × lifetime), default max(30 s, 10 %). Whatever the clock or the
   * token says, the scheduler can then never spin.
   */
  minRefreshIntervalMs: number;
  minRefreshIntervalFraction: number;
  /**
   * A renewal refused with a 4xx that does not say the sign-in is gone is retried with backoff, but
   * after refusalLimit such answers in a row spanning at least refusalSpanMs (3, 2 min) the
   * connection needs attention instead of retrying forever while Jobber is answering.
   */
  refusalLimit: number;
  refusalSpanMs: number;
  /** Longest single timer; longer waits re-check the wall clock (sleep drift, setTimeout overflow). */
  maxTimerMs: number;
}

export const DEFAULT_REFRESH_POLICY: Readonly<RefreshPolicy> = Object.freeze({
  maxMarginMs: 5 * 60_000,
  marginFraction: 0.1,
  jitterFraction: 0.2,
  callerMarginMs: 30_000,
  backoffBaseMs: 2_000,
  backoffFactor: 2,
  backoffCapMs: 5 * 60_000,
  disconnectTimeoutMs: 5_000,
  shutdownWaitMs: 20_000,
  minRefreshIntervalMs: 30_000,
  minRefreshIntervalFraction: 0.1,
  refusalLimit: 3,
  refusalSpanMs: 2 * 60_000,
  maxTimerMs: 60_000,
});

/** The default policy with `overrides` applied. */
export function resolvePolicy(overrides: Partial<RefreshPolicy> = {}): RefreshPolicy {
  const merged: RefreshPolicy = { ...DEFAULT_REFRESH_POLICY };
  for (const [key, value] of Object.entries(overrides) as [keyof RefreshPolicy, number | undefined][]) {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) merged[key] = value;
  }
  merged.maxTimerMs = Math.max(1, merged.maxTimerMs);
  return merged;
}

type TokenTimes = Pick<TokenSet, 'accessTokenIssuedAt' | 'accessTokenExpiresAt'>;

function lifetimeOf(tokens: TokenTimes): number {
  return Math.max(0, tokens.accessTokenExpiresAt - tokens.accessTokenIssuedAt);
}

/** How long before expiry a scheduled refresh aims for, before jitter: min(maxMargin, fraction × lifetime). */
export function refreshMargin(tokens: TokenTimes, policy: RefreshPolicy): number {
  return Math.min(policy.maxMarginMs, policy.marginFraction * lifetimeOf(tokens));
}

/** The caller margin: a token this close to expiry is refreshed before it is handed out. */
export function callerMargin(tokens: TokenTimes, policy: RefreshPolicy): number {
  return Math.min(policy.callerMarginMs, 0.05 * lifetimeOf(tokens));
}

/** The shortest gap allowed between a successful refresh and the next scheduled one. */
export function minRefreshInterval(tokens: TokenTimes, policy: RefreshPolicy): number {
  return Math.max(policy.minRefreshIntervalMs, policy.minRefreshIntervalFraction * lifetimeOf(tokens));
}

/**
 * When the scheduler should refresh: expiresAt − margin − jitter, where jitter is uniform in
 * [0, jitterFraction × margin) so many installs do not all refresh at the same instant. Never
 * earlier than `now` when given (an overdue refresh runs at once), and never sooner than
 * minRefreshInterval after `lastSuccessAt` (the last successful refresh) when given.
 */
export function nextRefreshAt(tokens: TokenTimes, policy: RefreshPolicy, random: RandomSource, now?: number, lastSuccessAt?: number): number {
  const margin = refreshMargin(tokens, policy);
  const jitter = unitInterval(random()) * policy.jitterFraction * margin;
  let at = Math.floor(tokens.accessTokenExpiresAt - margin - jitter);
  if (lastSuccessAt !== undefined && Number.isFinite(lastSuccessAt)) {
    at = Math.max(at, Math.ceil(lastSuccessAt + minRefreshInterval(tokens, policy)));
  }
  return now === undefined ? at : Math.max(now, at);
}

/**
 * Delay before retry number `attempt` (1-based) after a transient failure: exponential backoff
 * with full jitter (core/http.ts), so many installs failing together do not retry together.
 */
export function backoffDelay(attempt: number, policy: RefreshPolicy, random: RandomSource, retryAfterMs?: number): number {
  const backoff = { baseMs: policy.backoffBaseMs, factor: policy.backoffFactor, capMs: policy.backoffCapMs, jitter: 'full' } as const;
  return exponentialBackoff(attempt, backoff, random, retryAfterMs);
}
