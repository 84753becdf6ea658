/** The renderer's pure helpers: bridge detection, wording, time formatting and settings checks. */
import { describe, expect, it } from 'vitest';
import { getBridge, isBridge } from '../../renderer/bridge';
import { remainingFraction } from '../../renderer/components/token-life';
import { validateSettings } from '../../renderer/settings-validation';
import { describeDuration, formatCountdown, formatRelative } from '../../renderer/time-format';
import { STATUS_LABEL, announceStatus, describeError, describeNeedsReconnect } from '../../renderer/wording';
import { createFakeBridge, settingsView, snapshot, states } from './fixtures';

describe('bridge', () => {
  it('accepts an object with every contract method', () => {
    const fake = createFakeBridge(snapshot(states.disconnected()));
    expect(getBridge({ jobberConnect: fake.api })).toBe(fake.api);
  });

  it('rejects a missing or partial bridge', () => {
    expect(getBridge({})).toBeNull();
    expect(isBridge(null)).toBe(false);
    expect(isBridge({ getState: () => undefined })).toBe(false);
  });
});

describe('wording', () => {
  it('has a badge label for every status', () => {
    expect(Object.keys(STATUS_LABEL).sort()).toEqual(
      [
        'connected',
        'connecting',
        'disconnected',
        'needs-reconnect',
        'not-configured',
        'offline-retrying',
        'refreshing',
        'storage-unavailable',
      ].sort(),
    );
  });

  it('maps kinds to next-step sentences, with a fallback that does not use main’s text', () => {
    expect(describeError({ kind: 'rejected-grant', message: 'x' })).toBe('Jobber refused the saved sign-in. Reconnect to continue.');
    expect(describeError({ kind: 'network', message: 'x' })).toMatch(/Check your internet connection/);
    expect(describeError({ kind: 'toString', message: 'x' })).toMatch(/Something went wrong/);
  });

  it('names the account when it is known', () => {
    expect(describeNeedsReconnect('refresh-rejected', null)).toBe('Jobber refused the saved sign-in. Reconnect to continue.');
    expect(describeNeedsReconnect('storage-changed', 'Acme')).toMatch(/for Acme can no longer be read/);
  });

  it('announces the status in words', () => {
    expect(announceStatus(states.refreshing())).toBe('Connection status: Refreshing.');
  });
});

describe('time format', () => {
  it('formats countdowns', () => {
    expect(formatCountdown(45 * 60_000)).toBe('45:00');
    expect(formatCountdown(5_900)).toBe('0:05');
    expect(formatCountdown(3_661_000)).toBe('1:01:01');
    expect(formatCountdown(-5)).toBe('0:00');
  });

  it('spells durations out', () => {
    expect(describeDuration(61_000)).toBe('1 minute 1 second');
    expect(describeDuration(0)).toBe('0 seconds');
    expect(describeDuration(7_200_000)).toBe('2 hours');
  });

  it('picks the largest whole unit for relative times', () => {
    expect(formatRelative(1_000 + 90_000, 1_000)).toMatch(/in 1 minute/);
    expect(formatRelative(0, 3 * 3_600_000)).toMatch(/3 hours ago/);
  });

  it('computes the token’s remaining fraction, clamped', () => {
    expect(remainingFraction(0, 100, 25)).toBe(0.75);
    expect(remainingFraction(0, 100, 200)).toBe(0);
    expect(remainingFraction(100, 100, 0)).toBe(0);
  });
});

describe('settings validation', () => {
  const valid = { ...settingsView(), clientSecret: 'x' };
  const { clientSecretSaved: _saved, ...base } = valid;

  it('accepts a complete Jobber configuration', () => {
    expect(validateSettings(base, false)).toEqual({});
  });

  it.each([
    ['com.jobberconnect.app:/oauth/callback', undefined],
    ['https://example.com/callback', undefined],
    ['http://127.0.0.1:4000/cb', undefined],
    ['http://localhost/cb', undefined],
    ['http://example.com/cb', /Plain http/],
    ['myapp:/cb', /reverse domain/],
    ['javascript:alert(1)', /cannot be used/],
    ['https://example.com/cb#x', /fragment/],
    ['not a uri', /cannot contain spaces/],
    ['nouri', /Enter a full URI/],
    ['', /Enter the redirect URI/],
  ])('redirect URI %s', (redirectUri, expected) => {
    const message = validateSettings({ ...base, redirectUri }, true).redirectUri;
    if (expected) expect(message).toMatch(expected);
    else expect(message).toBeUndefined();
  });

  it('needs a secret only when none is saved', () => {
    const { clientSecret: _s, ...noSecret } = base;
    expect(validateSettings(noSecret, false).clientSecret).toMatch(/client secret/);
    expect(validateSettings(noSecret, true).clientSecret).toBeUndefined();
  });

  it('checks the version date', () => {
    expect(validateSettings({ ...base, graphqlVersion: '2025-4-16' }, true).graphqlVersion).toMatch(/YYYY-MM-DD/);
    expect(validateSettings({ ...base, graphqlVersion: '2025-13-01' }, true).graphqlVersion).toMatch(/not a real date/);
  });
});
