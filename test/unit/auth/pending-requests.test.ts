import { describe, expect, it } from 'vitest';
import { PENDING_REQUEST_TTL_MS, PendingRequests } from '../../../electron/auth/pending-requests';
import type { Clock } from '../../../electron/core/clock';
import { clearRegisteredSecrets, redact } from '../../../electron/core/redact';

function fakeClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    setTimer: () => undefined,
    clearTimer: () => undefined,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Deterministic "random" bytes: every call returns a new, distinct sequence. */
function countingBytes(): (size: number) => Uint8Array {
  let call = 0;
  return (size) => {
    call += 1;
    return Uint8Array.from({ length: size }, (_, i) => (i * 7 + call) % 256);
  };
}

describe('PendingRequests.create', () => {
  it('makes a 43-character base64url state from 32 random bytes and a 10-minute expiry', () => {
    const clock = fakeClock();
    const sizes: number[] = [];
    const pending = new PendingRequests(clock, {
      randomBytes: (size) => {
        sizes.push(size);
        return new Uint8Array(size).fill(0xfb);
      },
    });
    const { state, expiresAt } = pending.create();
    expect(sizes).toEqual([32, 32]); // the state, then the PKCE verifier
    expect(state).toBe(Buffer.alloc(32, 0xfb).toString('base64url'));
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(clock.now() + PENDING_REQUEST_TTL_MS);
    expect(PENDING_REQUEST_TTL_MS).toBe(600_000);
  });

  it('uses real randomness by default (two states differ)', () => {
    const pending = new PendingRequests(fakeClock());
    expect(pending.create().state).not.toBe(pending.create().state);
  });

  it('registers the state with the redactor', () => {
    clearRegisteredSecrets();
    const { state } = new PendingRequests(fakeClock()).create();
    expect(redact(`saw ${state}`)).toBe('saw [redacted]');
  });

  it('refuses a random source that returns the wrong number of bytes', () => {
    const pending = new PendingRequests(fakeClock(), { randomBytes: () => new Uint8Array(16) });
    expect(() => pending.create()).toThrow(/16 bytes/);
  });
});

describe('PendingRequests.consume', () => {
  it('accepts the matching state once (single use)', () => {
    const pending = new PendingRequests(fakeClock(), { randomBytes: countingBytes() });
    const { state } = pending.create();
    expect(pending.consume(state)).toMatchObject({ ok: true, codeVerifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(pending.consume(state)).toEqual({ ok: false, kind: 'unknown-state' });
    expect(pending.hasPending()).toBe(false);
  });

  it('reports a missing state as a stateless (Marketplace) callback, and keeps the pending request', () => {
    const pending = new PendingRequests(fakeClock(), { randomBytes: countingBytes() });
    const { state } = pending.create();
    expect(pending.consume(null)).toEqual({ ok: false, kind: 'stateless-callback' });
    expect(pending.consume(state)).toMatchObject({ ok: true, codeVerifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('reports a stateless callback even when nothing is pending', () => {
    expect(new PendingRequests(fakeClock()).consume(null)).toEqual({ ok: false, kind: 'stateless-callback' });
  });

  it('reports unknown-state when nothing is pending', () => {
    expect(new PendingRequests(fakeClock()).consume('anything')).toEqual({ ok: false, kind: 'unknown-state' });
  });

  it('reports a mismatch (same length, different length, empty) without cancelling the real request', () => {
    const pending = new PendingRequests(fakeClock(), { randomBytes: countingBytes() });
    const { state } = pending.create();
    const sameLength = `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`;
    expect(pending.consume(sameLength)).toEqual({ ok: false, kind: 'state-mismatch' });
    expect(pending.consume(`${state}x`)).toEqual({ ok: false, kind: 'state-mismatch' });
    expect(pending.consume(state.slice(0, 10))).toEqual({ ok: false, kind: 'state-mismatch' });
    expect(pending.consume('')).toEqual({ ok: false, kind: 'state-mismatch' });
    expect(pending.hasPending()).toBe(true);
    expect(pending.consume(state)).toMatchObject({ ok: true, codeVerifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('compares exactly: no case folding, no trimming', () => {
    const pending = new PendingRequests(fakeClock(), { randomBytes: () => new Uint8Array(32).fill(0x69) });
    const { state } = pending.create();
    expect(state).toMatch(/[a-z]/);
    expect(pending.consume(state.toUpperCase())).toEqual({ ok: false, kind: 'state-mismatch' });
    expect(pending.consume(` ${state}`)).toEqual({ ok: false, kind: 'state-mismatch' });
    expect(pending.consume(state)).toMatchObject({ ok: true, codeVerifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('expires exactly at the TTL, reports expired-state and removes the request', () => {
    const clock = fakeClock();
    const pending = new PendingRequests(clock, { randomBytes: countingBytes() });
    const { state, expiresAt } = pending.create();
    clock.advance(PENDING_REQUEST_TTL_MS - 1);
    expect(pending.hasPending()).toBe(true);
    clock.advance(1);
    expect(clock.now()).toBe(expiresAt);
    expect(pending.hasPending()).toBe(false);
    expect(pending.consume(state)).toEqual({ ok: false, kind: 'expired-state' });
    expect(pending.consume(state)).toEqual({ ok: false, kind: 'unknown-state' });
  });

  it('accepts a state just before it expires', () => {
    const clock = fakeClock();
    const pending = new PendingRequests(clock, { randomBytes: countingBytes() });
    const { state } = pending.create();
    clock.advance(PENDING_REQUEST_TTL_MS - 1);
    expect(pending.consume(state)).toMatchObject({ ok: true, codeVerifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('honours a custom TTL', () => {
    const clock = fakeClock();
    const pending = new PendingRequests(clock, { ttlMs: 1000, randomBytes: countingBytes() });
    const { state, expiresAt } = pending.create();
    expect(expiresAt).toBe(clock.now() + 1000);
    clock.advance(1000);
    expect(pending.consume(state)).toEqual({ ok: false, kind: 'expired-state' });
  });

  it('tracks several pending requests independently', () => {
    const pending = new PendingRequests(fakeClock(), { randomBytes: countingBytes() });
    const first = pending.create().state;
    const second = pending.create().state;
    expect(first).not.toBe(second);
    expect(pending.consume(second)).toMatchObject({ ok: true, codeVerifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(pending.hasPending()).toBe(true);
    expect(pending.consume(first)).toMatchObject({ ok: true, codeVerifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(pending.hasPending()).toBe(false);
  });

  it('drops long-expired requests when a new one is created', () => {
    const clock = fakeClock();
    const pending = new PendingRequests(clock, { randomBytes: countingBytes() });
    const old = pending.create().state;
    clock.advance(2 * PENDING_REQUEST_TTL_MS);
    pending.create();
    // The old one is gone entirely: a non-match, not an expiry.
    expect(pending.consume(old)).toEqual({ ok: false, kind: 'state-mismatch' });
  });

  it('keeps a recently expired request so its late callback is reported as expired', () => {
    const clock = fakeClock();
    const pending = new PendingRequests(clock, { randomBytes: countingBytes() });
    const old = pending.create().state;
    clock.advance(PENDING_REQUEST_TTL_MS + 1);
    pending.create();
    expect(pending.consume(old)).toEqual({ ok: false, kind: 'expired-state' });
  });
});

describe('PendingRequests.cancelAll', () => {
  it('forgets every pending request', () => {
    const pending = new PendingRequests(fakeClock(), { randomBytes: countingBytes() });
    const { state } = pending.create();
    pending.create();
    pending.cancelAll();
    expect(pending.hasPending()).toBe(false);
    expect(pending.consume(state)).toEqual({ ok: false, kind: 'unknown-state' });
  });
});
