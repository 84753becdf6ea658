/**
 * Connect against the real sandbox over loopback: the test plays the person on the consent page
 * (followConsent), the engine does the rest. Covers approve, deny, a forged callback, an expired
 * pending request and a stateless (Marketplace-started) callback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../electron/core/errors';
import { PENDING_REQUEST_TTL_MS } from '../../electron/auth/pending-requests';
import { followConsent } from '../../sandbox/consent-driver';
import { SANDBOX_DEFAULT_ACCOUNT } from '../../sandbox/server';
import { ControlledClock, callbackParts, expectStatus, startEngine, waitForState, type EngineHarness } from '../support/engine/engine-harness';

let harness: EngineHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  if (!(error instanceof AuthError)) throw new Error(`expected an AuthError, got ${String(error)}`);
  return error;
}

describe('connect against the sandbox', () => {
  it('approves on the consent page, exchanges the code, persists the tokens and fetches the account', async () => {
    harness = await startEngine();
    const h = harness;
    expect(h.session.getState().status).toBe('disconnected');

    const { authorizeUrl, alreadyPending } = h.session.beginConnect();
    expect(alreadyPending).toBe(false);
    expect(h.session.getState().status).toBe('connecting');
    const callbackUrl = await followConsent(authorizeUrl, 'allow');
    expect(callbackParts(callbackUrl).code).toBeTruthy();
    await h.session.completeConnect(callbackUrl);

    const state = expectStatus(h.session.getState(), 'connected');
    expect(state.account).toEqual(SANDBOX_DEFAULT_ACCOUNT);
    expect(state.accessTokenExpiresAt).toBeGreaterThan(Date.now());
    expect(state.nextRefreshAt).toBeLessThan(state.accessTokenExpiresAt);

    const stored = await h.store.current();
    expect(stored?.account).toEqual(SANDBOX_DEFAULT_ACCOUNT);
    expect(h.sandbox.control.liveRefreshTokens()).toEqual([stored?.tokens.refreshToken]);
    expect(stored?.refreshInFlight).toBeNull();

    const counters = h.sandbox.control.counters();
    expect(counters.authorizeRequests).toBe(1);
    expect(counters.tokenRequests).toEqual({ authorization_code: 1, refresh_token: 0, rejected: 0 });

    // The authenticated client works with what Connect produced.
    const { data } = await h.client.account();
    expect(data).toEqual(SANDBOX_DEFAULT_ACCOUNT);
  });

  it('the tokens are persisted before the account call uses them', async () => {
    harness = await startEngine();
    const h = harness;
    await h.connect();
    const firstSave = h.store.saves[0];
    const accountCall = h.httpLog.find((exchange) => exchange.path === '/api/graphql');
    expect(firstSave).toBeDefined();
    expect(accountCall?.bearer).toBe(firstSave?.connection.tokens.accessToken);
    expect(firstSave?.seq).toBeLessThan(accountCall?.seq ?? 0);
  });

  it('Deny on the consent page → disconnected with a "denied" error, no code exchanged', async () => {
    harness = await startEngine();
    const h = harness;
    const { authorizeUrl } = h.session.beginConnect();
    const callbackUrl = await followConsent(authorizeUrl, 'deny');
    expect(new URL(callbackUrl).search).toBe('');

    const error = await rejection(h.session.completeConnect(callbackUrl));
    expect(error.kind).toBe('denied');
    const state = expectStatus(h.session.getState(), 'disconnected');
    expect(state.lastError?.kind).toBe('denied');
    expect(h.sandbox.control.counters().tokenRequests.authorization_code).toBe(0);
    expect(await h.store.current()).toBeNull();
  });

  it('a forged callback with another state is refused and the real pending request still completes', async () => {
    harness = await startEngine();
    const h = harness;
    const { authorizeUrl } = h.session.beginConnect();
    const realCallback = await followConsent(authorizeUrl, 'allow');
    const { code } = callbackParts(realCallback);

    // An attacker who knows (or guesses) a code, but not our state.
    const forged = new URL(h.config.redirectUri);
    forged.search = new URLSearchParams({ code: code ?? 'x', state: 'A'.repeat(43) }).toString();
    const error = await rejection(h.session.completeConnect(forged.toString()));
    expect(error.kind).toBe('state-mismatch');
    expect(h.session.getState().status).toBe('connecting');
    expect(h.sandbox.control.counters().tokenRequests.authorization_code).toBe(0);

    await h.session.completeConnect(realCallback);
    expect(expectStatus(h.session.getState(), 'connected').account).toEqual(SANDBOX_DEFAULT_ACCOUNT);
    expect(h.sandbox.control.counters().tokenRequests.authorization_code).toBe(1);
  });

  it('a callback arriving after the pending request expired is refused (expired-state), nothing exchanged', async () => {
    const clock = new ControlledClock();
    harness = await startEngine({ clock });
    const h = harness;
    const before = clock.now();
    const { authorizeUrl, expiresAt } = h.session.beginConnect();
    expect(expiresAt - before).toBeGreaterThanOrEqual(PENDING_REQUEST_TTL_MS);
    expect(expiresAt - clock.now()).toBeLessThanOrEqual(PENDING_REQUEST_TTL_MS);
    const callbackUrl = await followConsent(authorizeUrl, 'allow');

    clock.advance(PENDING_REQUEST_TTL_MS + 1_000);
    const error = await rejection(h.session.completeConnect(callbackUrl));
    expect(error.kind).toBe('expired-state');
    expect(expectStatus(h.session.getState(), 'disconnected').lastError?.kind).toBe('expired-state');
    expect(h.sandbox.control.counters().tokenRequests.authorization_code).toBe(0);

    // Single use: the same callback again no longer matches anything.
    const again = await rejection(h.session.completeConnect(callbackUrl));
    expect(again.kind).toBe('unknown-state');
  });

  it('the 10-minute timeout cancels the pending request by itself; a late callback is then refused', async () => {
    const clock = new ControlledClock();
    harness = await startEngine({ clock, policy: { maxTimerMs: 20 } });
    const h = harness;
    const { authorizeUrl } = h.session.beginConnect();
    const callbackUrl = await followConsent(authorizeUrl, 'allow');

    clock.advance(PENDING_REQUEST_TTL_MS + 1_000);
    const state = await waitForState(h.session, 'disconnected');
    expect(state.lastError?.kind).toBe('expired-state');

    const error = await rejection(h.session.completeConnect(callbackUrl));
    expect(error.kind).toBe('unknown-state');
    expect(h.session.getState().status).toBe('disconnected');
    expect(h.sandbox.control.counters().tokenRequests.authorization_code).toBe(0);
  });

  it('a stateless (Marketplace-started) callback is refused, never exchanged, and a pending Connect survives it', async () => {
    harness = await startEngine();
    const h = harness;

    // Jobber's Marketplace starts the flow itself: the authorize request carries no state.
    const { authorizeUrl } = h.session.beginConnect();
    const marketplaceUrl = new URL(authorizeUrl);
    marketplaceUrl.searchParams.delete('state');
    const statelessCallback = await followConsent(marketplaceUrl.toString(), 'allow');
    expect(callbackParts(statelessCallback)).toEqual({ code: expect.any(String), state: null });

    const whilePending = await rejection(h.session.completeConnect(statelessCallback));
    expect(whilePending.kind).toBe('stateless-callback');
    expect(whilePending.message).toMatch(/Marketplace/);
    expect(h.session.getState().status).toBe('connecting');

    // The person's own Connect still goes through.
    await h.session.completeConnect(await followConsent(authorizeUrl, 'allow'));
    expect(h.session.getState().status).toBe('connected');
    expect(h.sandbox.control.counters().tokenRequests.authorization_code).toBe(1);
  });

  it('a stateless callback with no Connect in progress is refused and changes nothing', async () => {
    harness = await startEngine();
    const h = harness;
    const { authorizeUrl } = h.session.beginConnect();
    h.session.cancelConnect('cancelled');
    const marketplaceUrl = new URL(authorizeUrl);
    marketplaceUrl.searchParams.delete('state');
    const statelessCallback = await followConsent(marketplaceUrl.toString(), 'allow');

    const error = await rejection(h.session.completeConnect(statelessCallback));
    expect(error.kind).toBe('stateless-callback');
    expect(h.session.getState().status).toBe('disconnected');
    expect(h.sandbox.control.counters().tokenRequests.authorization_code).toBe(0);
    expect(await h.store.current()).toBeNull();
  });
});
