import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MIN_BACKOFF_MS } from '../../../electron/core/http';
import { DEFAULT_TOKEN_TIMEOUT_MS } from '../../../electron/auth/token-client';
import {
  DEFAULT_REFRESH_POLICY,
  backoffDelay,
  callerMargin,
  minRefreshInterval,
  nextRefreshAt,
  refreshMargin,
  resolvePolicy,
} from '../../../electron/auth/refresh-policy';

const MINUTE = 60_000;
const policy = resolvePolicy();
const tokens = (lifetimeMs: number, issuedAt = 1_000_000) => ({ accessTokenIssuedAt: issuedAt, accessTokenExpiresAt: issuedAt + lifetimeMs });

describe('refresh policy', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_REFRESH_POLICY).toMatchObject({
      maxMarginMs: 5 * MINUTE,
      marginFraction: 0.1,
      jitterFraction: 0.2,
      callerMarginMs: 30_000,
      backoffBaseMs: 2_000,
      backoffFactor: 2,
      backoffCapMs: 5 * MINUTE,
      disconnectTimeoutMs: 5_000,
      maxTimerMs: 60_000,
      shutdownWaitMs: 20_000,
      minRefreshIntervalMs: 30_000,
      minRefreshIntervalFraction: 0.1,
    });
  });

  it('waits at shutdown longer than a token request may take (timeout + 5 s to persist)', () => {
    expect(DEFAULT_REFRESH_POLICY.shutdownWaitMs).toBeGreaterThanOrEqual(DEFAULT_TOKEN_TIMEOUT_MS + 5_000);
  });

  it('floor: never sooner than max(30 s, 10 % of the lifetime) after the last successful refresh', () => {
    const hour = tokens(60 * MINUTE, 0);
    expect(minRefreshInterval(hour, policy)).toBe(6 * MINUTE);
    expect(minRefreshInterval(tokens(60_000, 0), policy)).toBe(30_000);
    // A token that already looks expired (lifetime ≤ 0) still gets the 30 s floor.
    expect(minRefreshInterval({ accessTokenIssuedAt: 10_000, accessTokenExpiresAt: 5_000 }, policy)).toBe(30_000);
    const expired = { accessTokenIssuedAt: 1_000_000, accessTokenExpiresAt: 1_000_000 - 2 * 60 * MINUTE };
    expect(nextRefreshAt(expired, policy, () => 0.5, 1_000_000)).toBe(1_000_000);
    expect(nextRefreshAt(expired, policy, () => 0.5, 1_000_000, 1_000_000)).toBe(1_030_000);
    // An ordinary schedule is untouched by the floor.
    expect(nextRefreshAt(hour, policy, () => 0, 0, 0)).toBe(55 * MINUTE);
  });

  it('property: with a last success given, the next refresh is never sooner than 30 s after it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10 * 60 * MINUTE, max: 10 * 60 * MINUTE }),
        fc.integer({ min: 0, max: 60 * MINUTE }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lifetime, since, r) => {
          const now = 5_000_000_000;
          const lastSuccessAt = now - since;
          const at = nextRefreshAt({ accessTokenIssuedAt: lastSuccessAt, accessTokenExpiresAt: lastSuccessAt + lifetime }, policy, () => r, now, lastSuccessAt);
          return at >= lastSuccessAt + 30_000 && at >= now;
        },
      ),
    );
  });

  it('resolvePolicy applies valid overrides and ignores invalid ones', () => {
    expect(resolvePolicy({ backoffBaseMs: 10, maxMarginMs: Number.NaN, jitterFraction: -1 })).toMatchObject({
      backoffBaseMs: 10,
      maxMarginMs: 5 * MINUTE,
      jitterFraction: 0.2,
    });
  });

  it('margin is min(5 min, 10% of the lifetime)', () => {
    expect(refreshMargin(tokens(60 * MINUTE), policy)).toBe(5 * MINUTE);
    expect(refreshMargin(tokens(10 * MINUTE), policy)).toBe(1 * MINUTE);
  });

  it('caller margin is min(30 s, 5% of the lifetime)', () => {
    expect(callerMargin(tokens(60 * MINUTE), policy)).toBe(30_000);
    expect(callerMargin(tokens(5 * MINUTE), policy)).toBe(15_000);
  });

  it('nextRefreshAt subtracts margin and up to 20% of it as jitter', () => {
    const t = tokens(60 * MINUTE);
    expect(nextRefreshAt(t, policy, () => 0)).toBe(t.accessTokenExpiresAt - 5 * MINUTE);
    expect(nextRefreshAt(t, policy, () => 0.5)).toBe(t.accessTokenExpiresAt - 5 * MINUTE - 30_000);
    expect(nextRefreshAt(t, policy, () => 0.999999)).toBeGreaterThanOrEqual(t.accessTokenExpiresAt - 6 * MINUTE);
    expect(nextRefreshAt(t, policy, () => 0.999999)).toBeLessThan(t.accessTokenExpiresAt - 5.9 * MINUTE);
  });

  it('nextRefreshAt is never in the past when now is given', () => {
    const t = tokens(60 * MINUTE);
    expect(nextRefreshAt(t, policy, () => 0.5, t.accessTokenExpiresAt + 1)).toBe(t.accessTokenExpiresAt + 1);
  });

  it('nextRefreshAt always lies in [expiry − 1.2 × margin, expiry − margin] (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 24 * 60 * MINUTE }), fc.double({ min: 0, max: 1, noNaN: true }), (lifetime, r) => {
        const t = tokens(lifetime);
        const margin = refreshMargin(t, policy);
        const at = nextRefreshAt(t, policy, () => r);
        return at <= t.accessTokenExpiresAt - margin && at >= Math.floor(t.accessTokenExpiresAt - 1.2 * margin);
      }),
    );
  });

  it('backoff grows by the factor and stops at the cap', () => {
    const top = () => 0.999999;
    const delays = Array.from({ length: 12 }, (_, i) => backoffDelay(i + 1, policy, top));
    expect(delays.slice(0, 4).map((d) => Math.round(d / 1000))).toEqual([2, 4, 8, 16]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(5 * MINUTE);
    expect(delays.at(-1)).toBeGreaterThan(5 * MINUTE - 10);
  });

  it('backoff uses full jitter with a small floor', () => {
    expect(backoffDelay(5, policy, () => 0)).toBe(MIN_BACKOFF_MS);
    expect(backoffDelay(5, policy, () => 0.5)).toBe(16_000);
  });

  it('backoff honours Retry-After as a floor, bounded by the cap', () => {
    expect(backoffDelay(1, policy, () => 0, 45_000)).toBe(45_000);
    expect(backoffDelay(1, policy, () => 0, 60 * MINUTE)).toBe(5 * MINUTE);
    expect(backoffDelay(9, policy, () => 0.999999, 1_000)).toBeGreaterThan(1_000);
  });

  it('backoff is always within [floor, cap] (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, policy, () => r);
        return d >= MIN_BACKOFF_MS && d <= policy.backoffCapMs;
      }),
    );
  });
});
