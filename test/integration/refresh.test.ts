/**
 * Token renewal against the real sandbox: proactive refresh ahead of expiry (real clock with short
 * lifetimes, and a clock jump shared with the sandbox), rotation (the spent refresh token is dead
 * at the sandbox), single flight under 100 concurrent API calls, and "persisted before used".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_DEFAULT_ACCOUNT } from '../../sandbox/server';
import { ControlledClock, expectStatus, startEngine, waitForState, type EngineHarness } from '../support/engine/engine-harness';

let harness: EngineHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Every access token the API saw was in a record saved before the request's answer arrived. */
function expectPersistedBeforeUse(h: EngineHarness): void {
  const used = h.httpLog.filter((exchange) => exchange.path === '/api/graphql' && exchange.bearer !== null);
  expect(used.length).toBeGreaterThan(0);
  for (const exchange of used) {
    const save = h.store.saves.find((record) => record.connection.tokens.accessToken === exchange.bearer);
    expect(save, 'an access token was used that was never persisted').toBeDefined();
    expect(save?.seq ?? Infinity).toBeLessThan(exchange.seq);
  }
}

describe('refresh ahead of expiry', () => {
  it('with the real clock and 4-second tokens: renewed before the old token expires, no API call ever sees a 401', async () => {
    harness = await startEngine({ sandbox: { accessTokenLifetimeSec: 4 }, policy: { marginFraction: 0.5 } });
    const h = harness;
    await h.connect();
    const first = expectStatus(h.session.getState(), 'connected');
    expect(first.accessTokenExpiresAt - Date.now()).toBeLessThanOrEqual(4_000);

    // API traffic throughout, as an app would make.
    let calling = true;
    const failures: unknown[] = [];
    const traffic = (async () => {
      while (calling) {
        await h.client.account().catch((error: unknown) => failures.push(error));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const renewed = await waitForState(h.session, 'connected', 8_000, (state) => state.accessTokenIssuedAt > first.accessTokenIssuedAt);
    calling = false;
    await traffic;

    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
    expect(renewed.lastRefresh?.result).toBe('ok');
    // The new pair was in hand (and stored) before the old access token's expiry.
    expect(renewed.lastRefresh?.at).toBeLessThan(first.accessTokenExpiresAt);
    const refreshing = h.published.find((state) => state.status === 'refreshing');
    expect(refreshing && refreshing.status === 'refreshing' ? refreshing.startedAt : Infinity).toBeLessThan(first.accessTokenExpiresAt);

    expect(failures).toEqual([]);
    const statuses = h.httpLog.filter((exchange) => exchange.path === '/api/graphql').map((exchange) => exchange.status);
    expect(statuses.length).toBeGreaterThan(2);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expectPersistedBeforeUse(h);
  });

  it('with a clock shared with the sandbox: nothing happens until the refresh margin, then one refresh while the token is still valid', async () => {
    const clock = new ControlledClock();
    harness = await startEngine({ clock, sandbox: { clock: () => clock.now() }, random: () => 0.5, policy: { maxTimerMs: 20 } });
    const h = harness;
    await h.connect();
    const first = expectStatus(h.session.getState(), 'connected');
    // 60-minute token: margin 5 min, plus half of the 20 % jitter → 5.5 min before expiry.
    expect(first.accessTokenExpiresAt - first.nextRefreshAt).toBe(330_000);

    clock.advance(first.nextRefreshAt - clock.now() - 60_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.session.getState().status).toBe('connected');
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(0);

    clock.advance(60_000);
    const renewed = await waitForState(h.session, 'connected', 5_000, (state) => state.accessTokenIssuedAt > first.accessTokenIssuedAt);
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
    expect(first.accessTokenExpiresAt - (renewed.lastRefresh?.at ?? Infinity)).toBeGreaterThanOrEqual(300_000);

    await h.client.account();
    expect(h.httpLog.filter((exchange) => exchange.status === 401)).toEqual([]);
    expectPersistedBeforeUse(h);
  });
});

describe('rotation', () => {
  it('each refresh kills the previous refresh token at the sandbox; exactly one stays live, and it is the stored one', async () => {
    harness = await startEngine();
    const h = harness;
    await h.connect();
    const spent = (await h.store.current())?.tokens.refreshToken ?? '';
    expect(spent).not.toBe('');

    await h.session.refreshNow();
    const stored = await h.store.current();
    const current = stored?.tokens.refreshToken ?? '';
    expect(current).not.toBe(spent);
    expect(stored?.refreshInFlight).toBeNull();
    expect(h.sandbox.control.counters().liveRefreshTokens).toBe(1);
    expect(h.sandbox.control.liveRefreshTokens()).toEqual([current]);

    const replay = await h.rawRefresh(spent);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_grant' });

    // The replay changed nothing for the engine: the live token still renews.
    expect(h.sandbox.control.liveRefreshTokens()).toEqual([current]);
    await h.session.refreshNow();
    expect(h.session.getState().status).toBe('connected');
    expect(h.sandbox.control.counters().liveRefreshTokens).toBe(1);
    expect((await h.rawRefresh(current)).body).toMatchObject({ error: 'invalid_grant' });
  });

  it('the crash marker is saved before the refresh request, the new pair before anything uses it', async () => {
    harness = await startEngine();
    const h = harness;
    await h.connect();
    const before = h.store.saves.length;
    const spent = (await h.store.current())?.tokens.refreshToken ?? '';

    await h.session.refreshNow();
    await h.client.account();

    const [marker, renewed] = h.store.saves.slice(before);
    expect(marker?.connection.refreshInFlight).not.toBeNull();
    expect(marker?.connection.tokens.refreshToken).toBe(spent);
    expect(renewed?.connection.refreshInFlight).toBeNull();
    expect(renewed?.connection.tokens.refreshToken).not.toBe(spent);
    const tokenAnswer = h.httpLog.filter((exchange) => exchange.path === '/api/oauth/token').at(-1);
    expect(marker?.seq).toBeLessThan(tokenAnswer?.seq ?? -1);
    expect(tokenAnswer?.seq).toBeLessThan(renewed?.seq ?? -1);
    expectPersistedBeforeUse(h);
  });
});

describe('single flight under load', () => {
  it('100 concurrent API calls on an expired access token → exactly one refresh request, 100 successes', async () => {
    const clock = new ControlledClock();
    harness = await startEngine({ clock, sandbox: { clock: () => clock.now() } });
    const h = harness;
    await h.connect();
    const first = expectStatus(h.session.getState(), 'connected');
    h.sandbox.control.resetCounters();

    // Both sides are now past the access token's expiry.
    clock.advance(first.accessTokenExpiresAt - clock.now() + 1_000);
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => h.client.account()));

    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    for (const result of results) if (result.status === 'fulfilled') expect(result.value.data).toEqual(SANDBOX_DEFAULT_ACCOUNT);
    const counters = h.sandbox.control.counters();
    expect(counters.tokenRequests.refresh_token).toBe(1);
    expect(counters.tokenRequests.rejected).toBe(0);
    // Nobody sent the expired token: every call went out once, with the renewed one.
    expect(counters.graphqlCalls).toBe(100);
    expect(h.httpLog.filter((exchange) => exchange.status === 401)).toEqual([]);
    expect(counters.liveRefreshTokens).toBe(1);
    expect(expectStatus(h.session.getState(), 'connected').accessTokenExpiresAt).toBeGreaterThan(clock.now());
    expectPersistedBeforeUse(h);
  });

  it('100 concurrent calls whose token only Jobber considers expired → 100 × 401, one refresh, 100 successful retries', async () => {
    harness = await startEngine();
    const h = harness;
    await h.connect();
    // One answer first, so the client knows the cost bucket and lets all 100 calls out at once
    // (before that it sends one query at a time).
    await h.client.account();
    h.sandbox.control.resetCounters();

    // The engine's clock says the token is fine; the sandbox's clock says it expired (skew).
    h.sandbox.control.shiftClock(3_601_000);
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => h.client.account()));

    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const counters = h.sandbox.control.counters();
    expect(counters.tokenRequests.refresh_token).toBe(1);
    expect(counters.graphqlCalls).toBe(200);
    expect(h.httpLog.filter((exchange) => exchange.status === 401)).toHaveLength(100);
    expect(h.session.getState().status).toBe('connected');
    expect(counters.liveRefreshTokens).toBe(1);
  });
});
