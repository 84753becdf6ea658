import { describe, expect, it } from 'vitest';
import { MAX_PLAUSIBLE_LIFETIME_MS, type ExpiryInput, resolveTokenExpiry } from '../../../electron/auth/token-expiry';

const NOW = Date.UTC(2025, 5, 2, 9, 0, 0);
const HOUR = 3_600_000;

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part(claims)}.c2ln`;
}

function input(overrides: Partial<ExpiryInput>): ExpiryInput {
  return { accessToken: 'opaque', expiresAtText: null, sentAt: NOW, receivedAt: NOW, serverDate: null, defaultLifetimeMs: HOUR, ...overrides };
}

describe('resolveTokenExpiry', () => {
  it.each([2 * HOUR, -2 * HOUR, 0])('lifetime exp − iat is laid onto our clock whatever the skew (%d ms)', (skew) => {
    const jobberNow = NOW - skew;
    const result = resolveTokenExpiry(input({ accessToken: jwt({ iat: jobberNow / 1000, exp: jobberNow / 1000 + 3600 }) }));
    expect(result).toMatchObject({ accessTokenExpiresAt: NOW + HOUR, basis: 'jwt-iat', clockSkewMs: skew, expiredOnArrival: false });
  });

  it('counts from when the request was sent, so a slow answer errs early', () => {
    const result = resolveTokenExpiry(input({ accessToken: jwt({ iat: NOW / 1000, exp: NOW / 1000 + 3600 }), sentAt: NOW - 10_000 }));
    expect(result.accessTokenExpiresAt).toBe(NOW - 10_000 + HOUR);
    expect(result.accessTokenIssuedAt).toBe(NOW);
  });

  it('an implausibly long exp − iat is not trusted', () => {
    const exp = NOW / 1000 + 3600;
    const iat = exp - MAX_PLAUSIBLE_LIFETIME_MS / 1000 - 1;
    expect(resolveTokenExpiry(input({ accessToken: jwt({ iat, exp }), serverDate: NOW })).basis).toBe('date-header');
  });

  it('falls back to the Date header, then to our own clock', () => {
    const token = jwt({ exp: NOW / 1000 + 1800 });
    expect(resolveTokenExpiry(input({ accessToken: token, serverDate: NOW + 2 * HOUR })).expiredOnArrival).toBe(true);
    // A Date header has whole seconds (RFC 9110): Jobber's clock may be up to 1 s past it.
    expect(resolveTokenExpiry(input({ accessToken: token, serverDate: NOW - HOUR }))).toMatchObject({
      accessTokenExpiresAt: NOW + 1.5 * HOUR - 1_000,
      basis: 'date-header',
      clockSkewMs: HOUR,
    });
    expect(resolveTokenExpiry(input({ accessToken: token }))).toMatchObject({ accessTokenExpiresAt: NOW + HOUR / 2, basis: 'local-clock', clockSkewMs: null });
  });

  it("a Date header's second is counted from its end: a 4-second token answered at .950 is used until 3.950 s, not 4.950 s", () => {
    // Jobber's clock at 10:00:00.950 issues exp = 10:00:04 and sends Date: 10:00:00 (whole seconds).
    const jobberIssue = NOW + 950;
    const result = resolveTokenExpiry(input({ accessToken: jwt({ exp: NOW / 1000 + 4 }), serverDate: NOW, sentAt: jobberIssue, receivedAt: jobberIssue }));
    expect(result).toMatchObject({ basis: 'date-header', accessTokenExpiresAt: jobberIssue + 3_000 });
    expect(result.accessTokenExpiresAt).toBeLessThanOrEqual(NOW + 4_000);
  });

  it('already expired on arrival → the default lifetime, flagged', () => {
    const result = resolveTokenExpiry(input({ accessToken: jwt({ exp: NOW / 1000 - 60 }) }));
    expect(result).toMatchObject({ accessTokenExpiresAt: NOW + HOUR, expirySource: 'default', expiredOnArrival: true });
  });

  it('no expiry anywhere → the default lifetime, not flagged', () => {
    expect(resolveTokenExpiry(input({}))).toMatchObject({ accessTokenExpiresAt: NOW + HOUR, expirySource: 'default', expiredOnArrival: false });
  });

  describe('without a readable exp: expires_in (RFC 6749 §5.1), then expires_at, then 60 minutes', () => {
    const EXPIRES_AT_TEXT = '2025-06-02 09:30:00 UTC';

    it('expires_in counts from when the answer arrived', () => {
      const result = resolveTokenExpiry(input({ expiresInSec: 600, sentAt: NOW - 5_000 }));
      expect(result).toMatchObject({ accessTokenExpiresAt: NOW + 600_000, expirySource: 'expires-in', expiredOnArrival: false });
    });

    it('expires_in with created_at counts from created_at on Jobber\'s clock (Date header)', () => {
      // Created 2 minutes before Jobber's Date; our clock is an hour ahead of Jobber's.
      const jobberNow = NOW - HOUR;
      const result = resolveTokenExpiry(input({ expiresInSec: 600, createdAtSec: (jobberNow - 120_000) / 1000, serverDate: jobberNow }));
      // 2 minutes (and up to 1 s more: the Date header's whole second) of the 10 are gone.
      expect(result).toMatchObject({ accessTokenExpiresAt: NOW + 480_000 - 1_000, expirySource: 'expires-in', clockSkewMs: HOUR });
    });

    it('expires_in wins over expires_at; exp wins over both', () => {
      expect(resolveTokenExpiry(input({ expiresInSec: 300, expiresAtText: EXPIRES_AT_TEXT })).accessTokenExpiresAt).toBe(NOW + 300_000);
      const token = jwt({ exp: NOW / 1000 + 3600 });
      expect(resolveTokenExpiry(input({ accessToken: token, expiresInSec: 300, expiresAtText: EXPIRES_AT_TEXT }))).toMatchObject({
        accessTokenExpiresAt: NOW + HOUR,
        expirySource: 'jwt-exp',
      });
    });

    it('expires_at when there is no expires_in', () => {
      expect(resolveTokenExpiry(input({ expiresAtText: EXPIRES_AT_TEXT }))).toMatchObject({ accessTokenExpiresAt: NOW + HOUR / 2, expirySource: 'expires-at' });
    });

    it('the 60-minute default only when none of them is there', () => {
      expect(resolveTokenExpiry(input({ expiresInSec: null, createdAtSec: null, expiresAtText: null }))).toMatchObject({
        accessTokenExpiresAt: NOW + HOUR,
        expirySource: 'default',
      });
    });
  });
});
