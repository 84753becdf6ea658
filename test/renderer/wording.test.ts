/** The renderer's pure helpers: bridge detection, wording and time formatting (the settings rules are tested at the schema). */
import { describe, expect, it } from 'vitest';
import { getBridge, isBridge } from '../../renderer/bridge';
import { remainingFraction } from '../../renderer/components/token-life';
import { describeDuration, formatCountdown, formatRelative } from '../../renderer/time-format';
import type { UserFacingErrorKind } from '../../electron/ipc/contract';
import { STATUS_LABEL, announceStatus, describeError } from '../../renderer/wording';
import { createFakeBridge, snapshot, states } from '../support/renderer/fixtures';

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
    // The kind arrives over IPC unchecked: one from a newer main, or an inherited key, gets the fallback.
    expect(describeError({ kind: 'toString' as UserFacingErrorKind, message: 'x' })).toMatch(/Something went wrong/);
    expect(describeError({ kind: 'internal', message: 'x' })).toMatch(/Something went wrong/);
  });

  it('announces needs-reconnect with main’s sentence, once', () => {
    expect(announceStatus(states.needsReconnect())).toBe(
      "Connection status: Needs reconnect. Jobber no longer accepts this app's sign-in for “Green Acres Lawn Care”; reconnect to continue.",
    );
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

