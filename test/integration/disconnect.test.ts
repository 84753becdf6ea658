/**
 * Disconnect: the engine calls appDisconnect (bounded in time), then wipes the local tokens whether
 * or not Jobber answered, and says which happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledClock, expectStatus, startEngine, type EngineHarness } from '../support/engine/engine-harness';

let harness: EngineHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('disconnect', () => {
  it('calls appDisconnect once, wipes the store, and the grant is dead at the sandbox', async () => {
    harness = await startEngine();
    const h = harness;
    await h.connect();
    const accessToken = (await h.store.current())?.tokens.accessToken ?? '';

    const outcome = await h.session.disconnect();
    expect(outcome.jobberNotified).toBe(true);
    expect(outcome.message).toMatch(/Jobber was told/);
    expect(h.sandbox.control.counters().appDisconnects).toBe(1);
    expect(await h.store.current()).toBeNull();
    expect(await h.store.load()).toEqual({ kind: 'empty' });
    expect(h.sandbox.control.liveRefreshTokens()).toEqual([]);
    const state = expectStatus(h.session.getState(), 'disconnected');
    expect(state.lastError).toBeNull();
    expect(state.notice).toBe(outcome.message);

    // The old access token is refused by the API now.
    const probe = await h.accountApi.fetchAccount(accessToken).then(
      () => null,
      (error: unknown) => error as { kind?: string },
    );
    expect(probe?.kind).toBe('unauthorized');
  });

  it('while the sandbox drops connections: local store still wiped, jobberNotified false, and the message says so', async () => {
    harness = await startEngine();
    const h = harness;
    await h.connect();
    h.sandbox.control.injectFault('graphql', { kind: 'drop' }, 10);

    const outcome = await h.session.disconnect();
    expect(outcome.jobberNotified).toBe(false);
    expect(outcome.message).toMatch(/Jobber could not be told/);
    expect(await h.store.current()).toBeNull();
    expect(h.sandbox.control.counters().appDisconnects).toBe(0);
    expect(expectStatus(h.session.getState(), 'disconnected').notice).toBe(outcome.message);
  });

  it('while the sandbox stalls beyond the disconnect timeout: bounded, store wiped, jobberNotified false', async () => {
    harness = await startEngine({ policy: { disconnectTimeoutMs: 300 } });
    const h = harness;
    await h.connect();
    h.sandbox.control.injectFault('graphql', { kind: 'delay', ms: 20_000 }, 10);

    const outcome = await h.session.disconnect();
    expect(outcome.jobberNotified).toBe(false);
    expect(outcome.message).toMatch(/Jobber could not be told/);
    expect(await h.store.current()).toBeNull();
    expect(h.session.getState().status).toBe('disconnected');
    // The engine can connect again right away.
    h.sandbox.control.clearFaults();
    await h.connect();
    expect(h.session.getState().status).toBe('connected');
  });

  it('with an expired access token: renews first so Jobber can still be told', async () => {
    const clock = new ControlledClock();
    harness = await startEngine({ clock, sandbox: { clock: () => clock.now() } });
    const h = harness;
    await h.connect();
    const first = expectStatus(h.session.getState(), 'connected');
    // Both sides past the access token's expiry (the scheduler has not noticed yet).
    clock.advance(first.accessTokenExpiresAt - clock.now() + 1_000);

    const outcome = await h.session.disconnect();
    expect(outcome.jobberNotified).toBe(true);
    const counters = h.sandbox.control.counters();
    expect(counters.tokenRequests.refresh_token).toBe(1);
    expect(counters.appDisconnects).toBe(1);
    expect(h.httpLog.filter((exchange) => exchange.status === 401)).toEqual([]);
    expect(await h.store.current()).toBeNull();
    expect(h.sandbox.control.liveRefreshTokens()).toEqual([]);
  });
});
