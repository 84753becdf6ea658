import { describe, expect, it } from 'vitest';
import type { UserFacingErrorKind } from '../../electron/ipc/contract';
import { STATUS_LABEL, announceStatus, describeError } from '../../renderer/wording';
import { states } from '../support/renderer/fixtures';

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
