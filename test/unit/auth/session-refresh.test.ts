import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../electron/core/errors';
import { fingerprint } from '../../../electron/core/redact';
import { deferred } from '../../support/deferred';
import { Session } from '../../../electron/auth/session';
import { CONFIG, MINUTE, connect, createHarness, stateAs } from '../../support/engine/session-harness';

const seeded = { stored: (endpoint: import('../../support/engine/fake-token-endpoint').FakeTokenEndpoint) => endpoint.seedConnection() };

describe('Session refresh', () => {
  it('schedules the refresh at expiry − margin − jitter and runs it then', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const issuedAt = h.clock.now();
    // 60-minute token: margin min(5 min, 6 min) = 5 min, jitter 0.5 × 0.2 × 5 min = 30 s.
    const expected = issuedAt + 60 * MINUTE - 5 * MINUTE - 30_000;
    expect(stateAs(h.session, 'connected').nextRefreshAt).toBe(expected);
    await h.clock.advanceTo(expected - 1);
    expect(h.endpoint.refreshCalls).toHaveLength(0);
    await h.clock.advance(1);
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    const state = stateAs(h.session, 'connected');
    expect(state.lastRefresh?.result).toBe('ok');
    expect(state.accessTokenExpiresAt).toBe(expected + 60 * MINUTE);
    expect(h.store.saved?.tokens.refreshToken).not.toBe(h.endpoint.refreshCalls[0]);
    expect(h.statuses()).toEqual(['disconnected', 'connected', 'refreshing', 'connected']);
  });

  it('single flight: 100 concurrent getAccessToken calls on an expired token make one refresh', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.clock.suspend(2 * 60 * MINUTE); // expired, and no timer has fired yet
    const gate = h.endpoint.holdNextRefresh();
    const calls = Array.from({ length: 100 }, () => h.session.getAccessToken());
    await h.clock.flush();
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    gate.resolve();
    const tokens = await Promise.all(calls);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toBe(h.store.saved?.tokens.accessToken);
    expect(h.endpoint.refreshCalls).toHaveLength(1);
  });

  it('single flight across the scheduler, refreshNow, resume and online', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const gate = h.endpoint.holdNextRefresh();
    const manual = h.session.refreshNow();
    await h.clock.flush();
    h.clock.suspend(2 * 60 * MINUTE);
    h.session.systemResumed();
    h.session.networkOnline();
    const viaCaller = h.session.getAccessToken();
    await h.clock.flush();
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    gate.resolve();
    await manual;
    await viaCaller;
    expect(h.endpoint.refreshCalls).toHaveLength(1);
  });

  it('hands out a still-valid token without refreshing', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const token = await h.session.getAccessToken();
    expect(token).toBe(h.store.saved?.tokens.accessToken);
    expect(h.endpoint.refreshCalls).toHaveLength(0);
  });

  it('refreshes first when the token is within the caller margin', async () => {
    const h = createHarness({ ...seeded, policy: { maxMarginMs: 0 } }); // no scheduled refresh before expiry
    await h.session.start();
    await h.clock.advance(60 * MINUTE - 30_000); // 30 s left: inside the 30 s caller margin
    const before = h.store.saved?.tokens.accessToken;
    const token = await h.session.getAccessToken();
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    expect(token).not.toBe(before);
  });

  it('reportUnauthorized refreshes once for the current token and not again for a stale one', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const used = await h.session.getAccessToken();
    const results = await Promise.all(Array.from({ length: 10 }, () => h.session.reportUnauthorized(used)));
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    const fresh = h.store.saved?.tokens.accessToken;
    expect(new Set(results)).toEqual(new Set([fresh]));
    expect(fresh).not.toBe(used);
    // A caller that used the old token learns about the 401 late: no new request.
    expect(await h.session.reportUnauthorized(used)).toBe(fresh);
    expect(h.endpoint.refreshCalls).toHaveLength(1);
  });

  it('orders a refresh: marker saved, request sent, new pair saved, then callers get it', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const original = h.store.saved!;
    const events: string[] = [];
    h.store.onSave = (record) => events.push(record.refreshInFlight ? `save-marker:${record.refreshInFlight.refreshTokenFingerprint}` : `save:${record.tokens.accessToken}`);
    h.endpoint.onRefresh = (refreshToken) => {
      events.push('request');
      // At the moment the request leaves, the store already says this token is being spent.
      expect(h.store.saved?.refreshInFlight?.refreshTokenFingerprint).toBe(fingerprint(refreshToken));
    };
    h.clock.suspend(2 * 60 * MINUTE);
    const token = await h.session.getAccessToken().then((value) => {
      events.push(`caller:${value}`);
      return value;
    });
    expect(events).toEqual([`save-marker:${fingerprint(original.tokens.refreshToken)}`, 'request', `save:${token}`, `caller:${token}`]);
    expect(h.store.saved?.refreshInFlight).toBeNull();
    expect(h.store.saved?.lastRefresh?.result).toBe('ok');
  });

  it('never hands out the new token while its save is still in progress', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const original = await h.session.getAccessToken();
    const saveGate = deferred<void>();
    h.endpoint.onRefresh = () => h.store.holdSaves(saveGate.promise); // the marker is already saved
    const refreshing = h.session.refreshNow();
    await h.clock.flush();
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    // The answer has arrived and its save is pending: callers still get the old (valid) token.
    expect(await h.session.getAccessToken()).toBe(original);
    h.store.holdSaves(null);
    saveGate.resolve();
    await refreshing;
    const fresh = await h.session.getAccessToken();
    expect(fresh).not.toBe(original);
    expect(h.store.saved?.tokens.accessToken).toBe(fresh);
  });

  it('keeps new tokens in memory when the final save fails, reports it, and retries the save', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const original = h.store.saved!;
    h.endpoint.onRefresh = () => h.store.failNextSave(); // the marker is saved; the next save fails
    await h.session.refreshNow();
    const inMemory = await h.session.getAccessToken();
    expect(inMemory).not.toBe(original.tokens.accessToken);
    expect(h.store.saved?.tokens.accessToken).toBe(original.tokens.accessToken);
    expect(h.store.saved?.refreshInFlight).not.toBeNull();
    expect(h.session.getActivity().some((entry) => entry.level === 'error' && /could not be saved/.test(entry.message))).toBe(true);
    expect(h.session.getState().status).toBe('connected');
    await h.clock.advance(10_000);
    expect(h.store.saved?.tokens.accessToken).toBe(inMemory);
    expect(h.store.saved?.refreshInFlight).toBeNull();
  });

  it('refuses to spend the refresh token when the marker cannot be saved', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.store.failNextSave();
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'storage' });
    expect(h.endpoint.refreshCalls).toHaveLength(0);
    expect(stateAs(h.session, 'offline-retrying').message).toMatch(/can't be saved/);
  });

  it('a rejected refresh token → needs-reconnect, account kept, blob kept', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const before = h.store.saved!;
    h.endpoint.revokeAll();
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'rejected-grant' });
    const state = stateAs(h.session, 'needs-reconnect');
    expect(state.reason).toBe('refresh-rejected');
    expect(state.account?.name).toBe("Pat's Plumbing");
    expect(state.message).toContain("Pat's Plumbing");
    await h.clock.flush();
    expect(h.store.saved?.tokens).toEqual(before.tokens);
    expect(h.store.saved?.lastRefresh?.result).toBe('rejected');
    expect(h.store.history.some((op) => op.op === 'clear')).toBe(false);
    await expect(h.session.getAccessToken()).rejects.toMatchObject({ kind: 'not-connected' });
    // No timers keep running for a dead grant.
    await h.clock.advance(24 * 60 * MINUTE);
    expect(h.endpoint.refreshCalls).toHaveLength(1);
  });

  it('Jobber saying the app was disconnected → needs-reconnect disconnected-in-jobber', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.session.reportDisconnectedInJobber();
    const state = stateAs(h.session, 'needs-reconnect');
    expect(state.reason).toBe('disconnected-in-jobber');
    expect(state.account?.name).toBe("Pat's Plumbing");
    await h.clock.flush();
    expect(h.store.saved?.tokens.accessToken).toBeTruthy();
    await expect(h.session.getAccessToken()).rejects.toMatchObject({ kind: 'not-connected' });
  });

  it('a listener that drops the grant when "refreshing" is published wins: nothing saved over it, no token spent', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    let dropped = false;
    h.session.subscribe((state) => {
      if (state.status === 'refreshing' && !dropped) {
        dropped = true;
        h.session.reportDisconnectedInJobber();
      }
    });
    await expect(h.session.refreshNow()).rejects.toBeTruthy();
    await h.clock.flush();
    expect(stateAs(h.session, 'needs-reconnect').reason).toBe('disconnected-in-jobber');
    expect(h.store.saved?.lastRefresh?.result).toBe('rejected');
    expect(h.store.saved?.refreshInFlight).toBeNull();
    expect(h.endpoint.refreshCalls).toHaveLength(0);
  });

  it('a refresh answered "disconnected in Jobber" maps to that reason', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.endpoint.failNextRefresh(new AuthError('disconnected-in-jobber', 'User has disconnected this app.'));
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'disconnected-in-jobber' });
    expect(stateAs(h.session, 'needs-reconnect').reason).toBe('disconnected-in-jobber');
  });

  it('misconfigured credentials on refresh: clear message, tokens kept, marker cleared', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const before = h.store.saved!;
    h.endpoint.failNextRefresh(new AuthError('misconfigured', 'Jobber rejected the client credentials.'));
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'misconfigured' });
    const state = stateAs(h.session, 'needs-reconnect');
    expect(state.message).toMatch(/client ID or secret/);
    await h.clock.flush();
    expect(h.store.saved?.tokens).toEqual(before.tokens);
    expect(h.store.saved?.refreshInFlight).toBeNull();
    expect(h.store.saved?.lastRefresh?.result).not.toBe('rejected');
  });

  it('credentials rejected: a later session (Settings fixed) uses and renews the saved sign-in again', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const saved = h.store.saved!;
    h.endpoint.failNextRefresh(new AuthError('misconfigured', 'Jobber rejected the client credentials.'));
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'misconfigured' });
    expect(stateAs(h.session, 'needs-reconnect').reason).toBe('credentials-rejected');
    await h.session.stop();

    const next = new Session({ config: CONFIG, tokenEndpoint: h.endpoint, jobberApi: h.api, store: h.store, clock: h.clock, random: () => 0.5 });
    await next.start();
    expect(stateAs(next, 'connected').account.name).toBe("Pat's Plumbing");
    expect(await next.getAccessToken()).toBe(saved.tokens.accessToken);
    await next.refreshNow();
    expect(h.endpoint.refreshCalls).toEqual([saved.tokens.refreshToken, saved.tokens.refreshToken]);
    expect(stateAs(next, 'connected').lastRefresh?.result).toBe('ok');
    await next.stop();
  });

  it('credentials rejected: Disconnect ("Forget saved sign-in") wipes the saved sign-in without calling Jobber', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.endpoint.failNextRefresh(new AuthError('misconfigured', 'Jobber rejected the client credentials.'));
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'misconfigured' });
    await h.clock.flush();
    expect(h.store.saved).not.toBeNull();
    const result = await h.session.disconnect();
    expect(result.jobberNotified).toBe(false);
    expect(h.api.disconnectCalls).toEqual([]);
    expect(h.store.saved).toBeNull();
    expect(h.store.history.at(-1)).toEqual({ op: 'clear' });
    expect(stateAs(h.session, 'disconnected').notice).toBe(result.message);
  });

  it('refreshNow on a connected session succeeds and works after connect', async () => {
    const h = createHarness();
    await h.session.start();
    await connect(h);
    const before = await h.session.getAccessToken();
    await h.session.refreshNow();
    expect(await h.session.getAccessToken()).not.toBe(before);
  });

  it('refreshNow without a grant throws not-connected', async () => {
    const h = createHarness();
    await h.session.start();
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'not-connected' });
  });

  it('a listener asking for a token while "refreshing" is published joins the same flight', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.clock.suspend(2 * 60 * MINUTE);
    const joined: Promise<string>[] = [];
    h.session.subscribe((state) => {
      if (state.status === 'refreshing' && joined.length === 0) joined.push(h.session.getAccessToken());
    });
    const token = await h.session.getAccessToken();
    expect(await joined[0]).toBe(token);
    expect(h.endpoint.refreshCalls).toHaveLength(1);
  });
});
