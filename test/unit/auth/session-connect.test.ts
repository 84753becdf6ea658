import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../electron/core/errors';
import { AUTH_CODE, CONFIG, MINUTE, callbackUrl, connect, createHarness, stateAs, stateOf } from '../../support/engine/session-harness';

describe('Session connect', () => {
  it('starts disconnected with an empty store', async () => {
    const h = createHarness();
    await h.session.start();
    expect(h.session.getState()).toEqual({ status: 'disconnected', lastError: null, notice: null });
  });

  it('connects: exchanges the code, persists before saying connected, names the account', async () => {
    const h = createHarness();
    await h.session.start();
    let storeAtConnected: unknown = 'never connected';
    h.session.subscribe((state) => {
      if (state.status === 'connected' && storeAtConnected === 'never connected') storeAtConnected = h.store.saved;
    });
    const begun = h.session.beginConnect();
    expect(begun.alreadyPending).toBe(false);
    const url = new URL(begun.authorizeUrl);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('redirect_uri')).toBe(CONFIG.redirectUri);
    expect(stateOf(begun.authorizeUrl)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stateAs(h.session, 'connecting').expiresAt).toBe(h.clock.now() + 10 * MINUTE);

    await h.session.completeConnect(callbackUrl(stateOf(begun.authorizeUrl)));

    expect(h.endpoint.exchangeCalls).toEqual([AUTH_CODE]);
    const state = stateAs(h.session, 'connected');
    expect(state.account).toEqual({ id: 'acc-1', name: "Pat's Plumbing" });
    expect(state.nextRefreshAt).toBeGreaterThan(h.clock.now());
    const saved = h.store.saved;
    expect(saved?.account).toEqual({ id: 'acc-1', name: "Pat's Plumbing" });
    expect(saved?.refreshInFlight).toBeNull();
    // The record existed in the store, with the tokens, the first time "connected" was published.
    expect(storeAtConnected).toMatchObject({ tokens: { accessToken: saved?.tokens.accessToken } });
    expect(h.statuses()).toEqual(['disconnected', 'connecting', 'connected']);
    expect(await h.session.getAccessToken()).toBe(saved?.tokens.accessToken);
  });

  it('returns the same pending request to a second Connect', () => {
    const h = createHarness();
    const first = h.session.beginConnect();
    const second = h.session.beginConnect();
    expect(second).toEqual({ ...first, alreadyPending: true });
  });

  it('ignores a forged callback without cancelling the real sign-in', async () => {
    const h = createHarness();
    await h.session.start();
    const { authorizeUrl } = h.session.beginConnect();
    await expect(h.session.completeConnect(callbackUrl('forged-state-value-0000000000000000000000000'))).rejects.toMatchObject({
      kind: 'state-mismatch',
    });
    await expect(h.session.completeConnect(callbackUrl(null))).rejects.toMatchObject({ kind: 'stateless-callback' });
    expect(h.session.getState().status).toBe('connecting');
    expect(h.endpoint.exchangeCalls).toEqual([]);
    await h.session.completeConnect(callbackUrl(stateOf(authorizeUrl)));
    expect(h.session.getState().status).toBe('connected');
  });

  it('a denial returns to disconnected with a specific error', async () => {
    const h = createHarness();
    await h.session.start();
    h.session.beginConnect();
    await expect(h.session.completeConnect(callbackUrl(null, null))).rejects.toMatchObject({ kind: 'denied' });
    const state = stateAs(h.session, 'disconnected');
    expect(state.lastError?.kind).toBe('denied');
    expect(h.store.saved).toBeNull();
  });

  it('a failed code exchange returns to disconnected and rethrows', async () => {
    const h = createHarness();
    await h.session.start();
    h.endpoint.failNextExchange(new AuthError('misconfigured', 'Jobber refused the client credentials.'));
    await expect(connect(h)).rejects.toMatchObject({ kind: 'misconfigured' });
    expect(stateAs(h.session, 'disconnected').lastError).toEqual({ kind: 'misconfigured', message: 'Jobber refused the client credentials.' });
    expect(h.store.saved).toBeNull();
  });

  it('a failed save of the new grant fails the connect (never connected without persistence)', async () => {
    const h = createHarness();
    await h.session.start();
    h.store.failNextSave();
    await expect(connect(h)).rejects.toMatchObject({ kind: 'storage' });
    expect(stateAs(h.session, 'disconnected').lastError?.kind).toBe('storage');
    await expect(h.session.getAccessToken()).rejects.toMatchObject({ kind: 'not-connected' });
  });

  it('a failed reconnect returns to needs-reconnect and keeps the old record', async () => {
    const h = createHarness({ stored: (endpoint) => endpoint.seedConnection() });
    h.endpoint.revokeAll();
    await h.clock.advance(0);
    await h.session.start();
    // The seeded token is not expired, so force the verdict with a refresh.
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'rejected-grant' });
    const before = h.store.saved;
    const base = stateAs(h.session, 'needs-reconnect');
    h.endpoint.failNextExchange(new AuthError('network', 'Could not reach Jobber.'));
    await expect(connect(h)).rejects.toMatchObject({ kind: 'network' });
    const after = stateAs(h.session, 'needs-reconnect');
    expect(after.reason).toBe(base.reason);
    expect(after.message).toContain('Could not reach Jobber.');
    expect(h.store.saved?.tokens).toEqual(before?.tokens);
    // A second failure does not stack messages.
    h.endpoint.failNextExchange(new AuthError('network', 'Could not reach Jobber.'));
    await expect(connect(h)).rejects.toMatchObject({ kind: 'network' });
    expect(stateAs(h.session, 'needs-reconnect').message).toBe(after.message);
    // A successful reconnect replaces the record.
    await connect(h);
    expect(stateAs(h.session, 'connected').account.name).toBe("Pat's Plumbing");
    expect(h.store.saved?.tokens.refreshToken).not.toBe(before?.tokens.refreshToken);
    expect(h.store.saved?.lastRefresh).toBeNull();
  });

  it('closing the window cancels back to disconnected and a late callback is refused', async () => {
    const h = createHarness();
    await h.session.start();
    const { authorizeUrl } = h.session.beginConnect();
    h.session.cancelConnect('closed');
    const state = stateAs(h.session, 'disconnected');
    expect(state.lastError).toBeNull();
    expect(state.notice).toMatch(/closed/);
    await expect(h.session.completeConnect(callbackUrl(stateOf(authorizeUrl)))).rejects.toMatchObject({ kind: 'unknown-state' });
    expect(h.session.getState().status).toBe('disconnected');
    expect(h.endpoint.exchangeCalls).toEqual([]);
  });

  it('times out after 10 minutes', async () => {
    const h = createHarness();
    await h.session.start();
    h.session.beginConnect();
    await h.clock.advance(10 * MINUTE - 1);
    expect(h.session.getState().status).toBe('connecting');
    await h.clock.advance(1);
    expect(stateAs(h.session, 'disconnected').lastError?.kind).toBe('expired-state');
  });

  it('a load failure of the sign-in page is reported with its (redacted) detail', async () => {
    const h = createHarness();
    await h.session.start();
    h.session.beginConnect();
    h.session.cancelConnect('load-failed', 'ERR_CONNECTION_REFUSED at https://x.test/?code=secret-code-123');
    const state = stateAs(h.session, 'disconnected');
    expect(state.lastError?.message).toContain('ERR_CONNECTION_REFUSED');
    expect(state.lastError?.message).not.toContain('secret-code-123');
  });

  it('refuses to connect while storage is unavailable', async () => {
    const h = createHarness();
    h.store.setLoadResult({ kind: 'unreadable', reason: 'unavailable', message: 'No keyring.' });
    await h.session.start();
    expect(() => h.session.beginConnect()).toThrow(expect.objectContaining({ kind: 'storage' }));
  });

  it('refuses a second account while connected', async () => {
    const h = createHarness();
    await h.session.start();
    await connect(h);
    expect(() => h.session.beginConnect()).toThrow(AuthError);
    // Its own kind: not a cancellation, and the renderer can word it ("disconnect first").
    expect(() => h.session.beginConnect()).toThrow(expect.objectContaining({ kind: 'already-connected' }));
    expect(h.session.getState().status).toBe('connected');
  });

  it('connects with an unknown account when the account fetch fails, and fetches it after the next refresh', async () => {
    const h = createHarness();
    await h.session.start();
    h.api.failNextFetch(new AuthError('network', 'Could not reach Jobber.'));
    await connect(h);
    expect(stateAs(h.session, 'connected').account).toEqual({ id: '', name: 'Unknown account' });
    expect(h.store.saved?.tokens.accessToken).toBeTruthy();
    expect(h.store.saved?.account).toBeNull();
    await h.session.refreshNow();
    await h.clock.flush();
    expect(stateAs(h.session, 'connected').account.name).toBe("Pat's Plumbing");
    expect(h.store.saved?.account?.name).toBe("Pat's Plumbing");
  });
});
