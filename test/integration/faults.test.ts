/**
 * Transient trouble at the token endpoint during a refresh (5xx, 429, dropped connection, a
 * delay beyond the client's timeout, malformed, truncated or wrong-type bodies): the engine keeps
 * its tokens, shows offline-retrying, backs off, and recovers once the sandbox behaves again.
 * Also pins down what a lost refresh answer costs under Jobber's immediate rotation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredConnection } from '../../electron/auth/token-model';
import { LOST_ANSWER_MESSAGE } from '../../electron/auth/session-messages';
import type { Fault } from '../../sandbox/server';
import { expectStatus, startEngine, waitForState, type EngineHarness } from '../support/engine/engine-harness';

let harness: EngineHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const TOKEN_TIMEOUT_MS = 300;

const FAULTS: { name: string; fault: Fault; kind: string }[] = [
  { name: 'HTTP 503', fault: { kind: 'status', status: 503 }, kind: 'server-error' },
  { name: 'HTTP 429 with Retry-After', fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' } }, kind: 'rate-limited' },
  { name: 'dropped connection', fault: { kind: 'drop' }, kind: 'network' },
  { name: 'delay beyond the client timeout', fault: { kind: 'delay', ms: 20_000 }, kind: 'timeout' },
  { name: 'malformed JSON', fault: { kind: 'malformed-json' }, kind: 'invalid-response' },
  { name: 'truncated body', fault: { kind: 'truncated' }, kind: 'invalid-response' },
  { name: 'HTML maintenance page', fault: { kind: 'wrong-content-type' }, kind: 'invalid-response' },
  { name: 'answer without a refresh token', fault: { kind: 'missing-fields' }, kind: 'invalid-response' },
];

describe('transient faults on refresh, then recovery', () => {
  it.each(FAULTS)('$name → offline-retrying with the tokens kept, then connected once it clears', async ({ fault, kind }) => {
    harness = await startEngine({
      tokenTimeoutMs: TOKEN_TIMEOUT_MS,
      policy: { backoffBaseMs: 40, backoffCapMs: 120 },
    });
    const h = harness;
    await h.connect();
    const original = await h.store.current();
    const originalRefresh = original?.tokens.refreshToken ?? '';

    // At every published state, what is on disk? (MemoryTokenStore reads are synchronous underneath.)
    const storedAtEachStep: (StoredConnection | null)[] = [];
    const pendingReads: Promise<void>[] = [];
    h.session.subscribe(() => {
      pendingReads.push(h.store.current().then((record) => void storedAtEachStep.push(record)));
    });

    h.sandbox.control.injectFault('token', fault, 1_000);
    const failure = await h.session.refreshNow().then(
      () => null,
      (error: unknown) => error as { kind?: string },
    );
    expect(failure?.kind).toBe(kind);
    const offline = await waitForState(h.session, 'offline-retrying', 5_000, (state) => state.attempt >= 2);
    expect(offline.account.name).toBe(original?.account?.name);
    expect(offline.message).toMatch(/can't be reached|retrying/);

    // Still usable meanwhile: the access token has not expired, so API calls go on.
    await expect(h.client.account()).resolves.toMatchObject({ data: original?.account });

    // The grant is intact on both sides: the stored refresh token is the one the sandbox still accepts.
    const during = await h.store.current();
    expect(during?.tokens.refreshToken).toBe(originalRefresh);
    expect(during?.refreshInFlight).not.toBeNull();
    expect(h.sandbox.control.liveRefreshTokens()).toEqual([originalRefresh]);

    h.sandbox.control.clearFaults();
    const recovered = await waitForState(h.session, 'connected', 5_000);
    expect(recovered.lastRefresh?.result).toBe('ok');

    const after = await h.store.current();
    expect(after?.tokens.refreshToken).not.toBe(originalRefresh);
    expect(after?.refreshInFlight).toBeNull();
    expect(h.sandbox.control.liveRefreshTokens()).toEqual([after?.tokens.refreshToken]);
    await expect(h.client.account()).resolves.toMatchObject({ data: original?.account });

    await Promise.all(pendingReads);
    expect(storedAtEachStep.length).toBeGreaterThan(3);
    expect(storedAtEachStep.every((record) => record !== null)).toBe(true);
    expect(h.store.clears).toBe(0);
  });

  it('network back: networkOnline() retries at once instead of waiting for the backoff', async () => {
    harness = await startEngine({ tokenTimeoutMs: TOKEN_TIMEOUT_MS, policy: { backoffBaseMs: 60_000, backoffCapMs: 60_000 }, random: () => 0.99 });
    const h = harness;
    await h.connect();
    h.sandbox.control.injectFault('token', { kind: 'drop' }, 1);
    await h.session.refreshNow().catch(() => undefined);
    const offline = expectStatus(h.session.getState(), 'offline-retrying');
    expect(offline.nextAttemptAt - Date.now()).toBeGreaterThan(30_000);

    h.session.networkOnline();
    await waitForState(h.session, 'connected');
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(2);
  });
});

describe('a refresh answer lost after Jobber rotated', () => {
  // Jobber kills the previous refresh token at once. If the request reached Jobber but its answer
  // never reached us (timeout), the token we still hold is dead: no client can recover that grant.
  // The engine must say so (needs-reconnect, naming the interrupted renewal rather than blaming
  // Jobber) and keep the record, not loop or wipe.
  it('→ needs-reconnect (renewal-answer-lost) on the next attempt, the stored record kept', async () => {
    harness = await startEngine({
      tokenTimeoutMs: 100,
      // The retry comes well after the delayed request has rotated at the sandbox.
      policy: { backoffBaseMs: 1_000, backoffCapMs: 1_000 },
      random: () => 0.9,
    });
    const h = harness;
    await h.connect();
    h.sandbox.control.injectFault('token', { kind: 'delay', ms: 300 }, 1);

    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'timeout' });
    expect(h.session.getState().status).toBe('offline-retrying');
    const state = await waitForState(h.session, 'needs-reconnect', 5_000);
    expect(state.reason).toBe('renewal-answer-lost');
    expect(state.message).toBe(LOST_ANSWER_MESSAGE);
    expect(state.account?.name).toBe('Sandbox Landscaping Co.');
    const kept = await h.store.current();
    expect(kept).not.toBeNull();
    expect(kept?.lastRefresh?.result).toBe('rejected');
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(2);
  });
});
