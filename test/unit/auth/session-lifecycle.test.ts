import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../electron/core/errors';
import { fingerprint } from '../../../electron/core/redact';
import { INTERRUPTED_REFRESH_MESSAGE } from '../../../electron/auth/session-messages';
import type { FakeTokenEndpoint } from '../../support/engine/fake-token-endpoint';
import { MINUTE, connect, createHarness, stateAs } from '../../support/engine/session-harness';

const seeded = { stored: (endpoint: FakeTokenEndpoint) => endpoint.seedConnection() };

/** A stored record whose previous run died after the marker was written. */
function withMarker(endpoint: FakeTokenEndpoint) {
  const record = endpoint.seedConnection();
  return { ...record, refreshInFlight: { startedAt: record.connectedAt, refreshTokenFingerprint: fingerprint(record.tokens.refreshToken) } };
}

describe('Session start', () => {
  it('refreshes at once during start when the stored token has expired', async () => {
    const h = createHarness({
      stored: (endpoint, clock) => {
        const record = endpoint.seedConnection();
        clock.suspend(2 * 60 * MINUTE);
        return record;
      },
    });
    await h.session.start();
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    expect(stateAs(h.session, 'connected').accessTokenExpiresAt).toBeGreaterThan(h.clock.now());
  });

  it.each([
    ['unavailable', 'no-keyring'],
    ['basic-text', 'basic-text'],
  ] as const)('unreadable %s → storage-unavailable %s', async (reason, expected) => {
    const h = createHarness();
    h.store.setLoadResult({ kind: 'unreadable', reason, message: 'detail' });
    await h.session.start();
    expect(stateAs(h.session, 'storage-unavailable').reason).toBe(expected);
  });

  it.each(['decrypt-failed', 'backend-changed', 'corrupt'] as const)('unreadable %s → needs-reconnect storage-changed, data kept', async (reason) => {
    const h = createHarness(seeded);
    const kept = h.store.saved;
    h.store.setLoadResult({ kind: 'unreadable', reason, message: 'detail from the store' });
    await h.session.start();
    const state = stateAs(h.session, 'needs-reconnect');
    expect(state.reason).toBe('storage-changed');
    expect(state.message).toContain('detail from the store');
    expect(state.message).toMatch(/kept until you reconnect/);
    expect(h.store.saved).toEqual(kept);
    expect(h.store.history.filter((op) => op.op !== 'load')).toEqual([]);
  });

  it('a store that throws on load → storage-unavailable, start never throws', async () => {
    const h = createHarness();
    h.store.load = async () => {
      throw new Error('EACCES: permission denied');
    };
    await expect(h.session.start()).resolves.toBeUndefined();
    expect(stateAs(h.session, 'storage-unavailable').reason).toBe('store-unreadable');
  });

  it('a record whose refresh was rejected earlier loads as needs-reconnect without a request', async () => {
    const first = createHarness(seeded);
    await first.session.start();
    first.endpoint.revokeAll();
    await expect(first.session.refreshNow()).rejects.toBeInstanceOf(AuthError);
    await first.session.stop();
    const second = createHarness({ store: first.store });
    await second.session.start();
    expect(stateAs(second.session, 'needs-reconnect').account?.name).toBe("Pat's Plumbing");
    expect(second.endpoint.refreshCalls).toHaveLength(0);
  });

  it('crash marker, token still good at Jobber: refreshes at once and connects', async () => {
    const h = createHarness({ stored: withMarker });
    await h.session.start();
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    expect(h.session.getState().status).toBe('connected');
    expect(h.store.saved?.refreshInFlight).toBeNull();
    expect(h.session.getActivity().some((entry) => /closed while renewing/.test(entry.message))).toBe(true);
  });

  it('crash marker, Jobber had already rotated: needs-reconnect interrupted-refresh, blob kept', async () => {
    const h = createHarness({ stored: withMarker });
    const before = h.store.saved!;
    h.endpoint.revokeAll();
    await h.session.start();
    const state = stateAs(h.session, 'needs-reconnect');
    expect(state.reason).toBe('interrupted-refresh');
    expect(state.message).toBe(INTERRUPTED_REFRESH_MESSAGE);
    await h.clock.flush();
    expect(h.store.saved?.tokens).toEqual(before.tokens);
  });

  it('crash marker, Jobber unreachable: offline-retrying and the marker stays', async () => {
    const h = createHarness({ stored: withMarker });
    h.endpoint.failNextRefresh(new AuthError('network', 'connect ECONNREFUSED'));
    await h.session.start();
    expect(h.session.getState().status).toBe('offline-retrying');
    expect(h.store.saved?.refreshInFlight).not.toBeNull();
  });
});

describe('Session offline, sleep and network', () => {
  it('backs off exponentially with full jitter up to the cap, and says when it retries', async () => {
    const h = createHarness({ ...seeded, random: () => 0.999999 });
    await h.session.start();
    h.endpoint.failNextRefresh(new AuthError('network', 'connect ECONNREFUSED'), { times: 12 });
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'network' });
    const delays: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      const state = stateAs(h.session, 'offline-retrying');
      expect(state.attempt).toBe(i + 1);
      expect(state.message).toMatch(/^Can't reach Jobber; retrying at \d\d:\d\d\.$/);
      delays.push(state.nextAttemptAt - h.clock.now());
      await h.clock.advanceTo(state.nextAttemptAt);
    }
    const ceilings = [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map((s) => s * 1000);
    delays.forEach((delay, i) => {
      expect(delay).toBeLessThanOrEqual(ceilings[i]!);
      expect(delay).toBeGreaterThan(ceilings[i]! * 0.99);
    });
    expect(h.endpoint.refreshCalls).toHaveLength(12);
  });

  it('keeps handing out a still-valid token while offline, and the transient error once expired', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const token = await h.session.getAccessToken();
    h.endpoint.failNextRefresh(new AuthError('timeout', 'Jobber did not answer in time.'), { times: 100 });
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'timeout' });
    expect(await h.session.getAccessToken()).toBe(token);
    const calls = h.endpoint.refreshCalls.length;
    h.clock.suspend(2 * 60 * MINUTE);
    await expect(h.session.getAccessToken()).rejects.toMatchObject({ kind: 'timeout' });
    expect(h.endpoint.refreshCalls).toHaveLength(calls); // no refresh storm from callers
    expect(h.store.saved?.tokens.accessToken).toBe(token); // tokens kept
  });

  it('honours a server-suggested wait', async () => {
    const h = createHarness({ ...seeded, random: () => 0 });
    await h.session.start();
    h.endpoint.failNextRefresh(new AuthError('rate-limited', 'HTTP 429', { retryAfterMs: 90_000 }));
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'rate-limited' });
    expect(stateAs(h.session, 'offline-retrying').nextAttemptAt - h.clock.now()).toBe(90_000);
  });

  it('retries at once when the network comes back', async () => {
    const h = createHarness({ ...seeded, random: () => 0.999 });
    await h.session.start();
    h.endpoint.failNextRefresh(new AuthError('network', 'offline'), { times: 5 });
    for (let i = 0; i < 5; i += 1) {
      if (i === 0) await h.session.refreshNow().catch(() => undefined);
      else await h.clock.advanceTo(stateAs(h.session, 'offline-retrying').nextAttemptAt);
    }
    expect(stateAs(h.session, 'offline-retrying').nextAttemptAt - h.clock.now()).toBeGreaterThan(30_000);
    h.session.networkOnline();
    await h.clock.flush();
    expect(h.session.getState().status).toBe('connected');
    expect(h.endpoint.refreshCalls).toHaveLength(6);
  });

  it('networkOnline does nothing when connected', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.session.networkOnline();
    await h.clock.flush();
    expect(h.endpoint.refreshCalls).toHaveLength(0);
  });

  it('after a long sleep past expiry, resume refreshes once at once', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.clock.suspend(3 * 60 * MINUTE);
    await h.clock.flush();
    expect(h.endpoint.refreshCalls).toHaveLength(0); // timers drifted: nothing fired yet
    h.session.systemResumed();
    h.session.systemResumed();
    await h.clock.flush();
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    expect(stateAs(h.session, 'connected').accessTokenExpiresAt).toBeGreaterThan(h.clock.now());
  });

  it('resume before the refresh is due only re-arms the timer', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const due = stateAs(h.session, 'connected').nextRefreshAt;
    h.clock.suspend(10 * MINUTE);
    h.session.systemResumed();
    await h.clock.flush();
    expect(h.endpoint.refreshCalls).toHaveLength(0);
    await h.clock.advanceTo(due);
    expect(h.endpoint.refreshCalls).toHaveLength(1);
  });

  it('even without a resume event, capped timers notice the wall clock within a minute', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.clock.suspend(3 * 60 * MINUTE);
    await h.clock.advance(60_000);
    expect(h.endpoint.refreshCalls).toHaveLength(1);
  });
});

describe('Session disconnect and stop', () => {
  it('disconnect with Jobber reachable: appDisconnect, local wipe, disconnected', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const token = await h.session.getAccessToken();
    const result = await h.session.disconnect();
    expect(result.jobberNotified).toBe(true);
    expect(h.api.disconnectCalls).toEqual([token]);
    expect(h.store.saved).toBeNull();
    expect(stateAs(h.session, 'disconnected').notice).toBe(result.message);
    await expect(h.session.getAccessToken()).rejects.toMatchObject({ kind: 'not-connected' });
    await h.clock.advance(24 * 60 * MINUTE);
    expect(h.endpoint.refreshCalls).toHaveLength(0);
  });

  it('disconnect with Jobber unreachable: bounded wait, local wipe, says Jobber was not told', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.api.disconnectBehaviour = 'hang';
    const pending = h.session.disconnect();
    await h.clock.advance(4_999);
    expect(h.store.saved).not.toBeNull();
    await h.clock.advance(1);
    const result = await pending;
    expect(result.jobberNotified).toBe(false);
    expect(result.message).toMatch(/could not be told/);
    expect(h.store.saved).toBeNull();
    expect(h.session.getState().status).toBe('disconnected');
  });

  it('disconnect when appDisconnect fails still wipes', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.api.disconnectBehaviour = new AuthError('server-error', "Jobber's API answered HTTP 502.");
    const result = await h.session.disconnect();
    expect(result).toMatchObject({ jobberNotified: false });
    expect(result.message).toContain('HTTP 502');
    expect(h.store.saved).toBeNull();
  });

  it('disconnect with an expired token renews it first so Jobber can be told', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.clock.suspend(2 * 60 * MINUTE);
    const result = await h.session.disconnect();
    expect(result.jobberNotified).toBe(true);
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    expect(h.api.disconnectCalls[0]).not.toBe(h.endpoint.issued[0]);
    expect(h.store.saved).toBeNull();
  });

  it('disconnect when Jobber refuses a token we believed valid: renews once and tells Jobber again', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const first = await h.session.getAccessToken();
    h.api.failNextDisconnect(new AuthError('unauthorized', 'Jobber did not accept the access token (HTTP 401).'));
    const result = await h.session.disconnect();
    expect(result.jobberNotified).toBe(true);
    expect(h.endpoint.refreshCalls).toHaveLength(1);
    expect(h.api.disconnectCalls).toHaveLength(2);
    expect(h.api.disconnectCalls[0]).toBe(first);
    expect(h.api.disconnectCalls[1]).not.toBe(first);
    expect(h.store.saved).toBeNull();
  });

  it('disconnect from needs-reconnect wipes the kept blob without calling Jobber', async () => {
    const h = createHarness(seeded);
    h.store.setLoadResult({ kind: 'unreadable', reason: 'decrypt-failed', message: 'x' });
    await h.session.start();
    const result = await h.session.disconnect();
    expect(result.jobberNotified).toBe(false);
    expect(h.api.disconnectCalls).toEqual([]);
    expect(h.store.history.at(-1)).toEqual({ op: 'clear' });
  });

  it('a refresh in flight during disconnect cannot resurrect the wiped record', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.api.disconnectBehaviour = 'hang';
    const gate = h.endpoint.holdNextRefresh();
    const refreshing = h.session.refreshNow().catch((error: unknown) => error);
    await h.clock.flush();
    const disconnecting = h.session.disconnect();
    await h.clock.advance(5_000);
    const result = await disconnecting;
    expect(result.jobberNotified).toBe(false);
    gate.resolve();
    await refreshing;
    await h.clock.flush();
    expect(h.store.saved).toBeNull();
    expect(h.session.getState().status).toBe('disconnected');
  });

  it('stop waits for an in-flight refresh to persist', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const gate = h.endpoint.holdNextRefresh();
    const refreshing = h.session.refreshNow();
    await h.clock.flush();
    let stopped = false;
    const stopping = h.session.stop().then(() => {
      stopped = true;
    });
    await h.clock.flush();
    expect(stopped).toBe(false);
    gate.resolve();
    await refreshing;
    await stopping;
    expect(h.store.saved?.refreshInFlight).toBeNull();
    expect(h.store.saved?.tokens.refreshToken).toBe(h.endpoint.issued.at(-1));
    await h.clock.advance(24 * 60 * MINUTE);
    expect(h.endpoint.refreshCalls).toHaveLength(1);
  });

  it('stop does not wait forever for a hung refresh: it gives up after policy.shutdownWaitMs (20 s)', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    h.endpoint.holdNextRefresh();
    void h.session.refreshNow().catch(() => undefined);
    await h.clock.flush();
    let stopped = false;
    const stopping = h.session.stop().then(() => {
      stopped = true;
    });
    await h.clock.advance(20_000 - 1);
    expect(stopped).toBe(false);
    await h.clock.advance(1);
    await stopping;
    expect(h.store.saved?.refreshInFlight).not.toBeNull(); // consistent: the next start handles it
  });

  it('stop waits for a renewal answered after 10 s (past the 5 s Disconnect bound) and saves it before resolving', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    const spent = h.store.saved!.tokens.refreshToken;
    const gate = h.endpoint.holdNextRefresh();
    void h.session.refreshNow().catch(() => undefined);
    await h.clock.flush();
    let stopped = false;
    const stopping = h.session.stop().then(() => {
      stopped = true;
    });
    await h.clock.advance(10_000);
    expect(stopped).toBe(false);
    expect(h.session.getActivity().some((entry) => /Finishing the Jobber sign-in renewal before closing/.test(entry.message))).toBe(true);
    gate.resolve();
    await stopping;
    // The spent token is dead at Jobber; the pair it bought is what the next start will use.
    expect(h.endpoint.isLive(spent)).toBe(false);
    expect(h.store.saved?.refreshInFlight).toBeNull();
    expect(h.store.saved?.tokens.refreshToken).toBe(h.endpoint.issued.at(-1));
  });

  it('the shutdown wait is its own setting, separate from the Disconnect bound', async () => {
    const h = createHarness({ ...seeded, policy: { shutdownWaitMs: 1_000, disconnectTimeoutMs: 60_000 } });
    await h.session.start();
    h.endpoint.holdNextRefresh();
    void h.session.refreshNow().catch(() => undefined);
    await h.clock.flush();
    let stopped = false;
    const stopping = h.session.stop().then(() => {
      stopped = true;
    });
    await h.clock.advance(1_000);
    await stopping;
    expect(stopped).toBe(true);
  });
});

describe('Session activity', () => {
  it('never contains a token, code, state or the client secret, in activity or logs', async () => {
    const h = createHarness();
    await h.session.start();
    const { authorizeUrl } = h.session.beginConnect();
    const state = new URL(authorizeUrl).searchParams.get('state')!;
    await h.session.completeConnect(`http://127.0.0.1:53682/oauth/callback?code=the-authorization-code-123&state=${state}`);
    await h.session.refreshNow();
    h.endpoint.failNextRefresh(new AuthError('network', 'offline'));
    await h.session.refreshNow().catch(() => undefined);
    h.session.networkOnline();
    await h.clock.flush();
    await h.session.disconnect();
    const secrets = [...h.endpoint.issued, 'the-authorization-code-123', state, 'client-secret-for-tests-0123'];
    const text = JSON.stringify(h.session.getActivity()) + h.logLines.join('\n') + JSON.stringify(h.published);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(h.session.getActivity().length).toBeGreaterThan(5);
  });

  it('keeps at most 50 entries, newest first, and notifies subscribers', async () => {
    const h = createHarness(seeded);
    await h.session.start();
    let notified = 0;
    h.session.subscribe(() => (notified += 1));
    for (let i = 0; i < 30; i += 1) {
      await h.clock.advance(1000);
      await h.session.refreshNow();
    }
    const activity = h.session.getActivity();
    expect(activity).toHaveLength(50);
    expect(activity[0]!.at).toBeGreaterThanOrEqual(activity[49]!.at);
    expect(notified).toBeGreaterThan(30);
  });

  it('connect then disconnect then reconnect works (Marketplace review path)', async () => {
    const h = createHarness();
    await h.session.start();
    await connect(h);
    await h.session.disconnect();
    await connect(h);
    expect(h.session.getState().status).toBe('connected');
    expect(h.endpoint.exchangeCalls).toHaveLength(2);
  });
});

describe('Session disconnect while storage is unavailable', () => {
  it('stays storage-unavailable (Connect stays refused) after Disconnect', async () => {
    const h = createHarness();
    h.store.setLoadResult({ kind: 'unreadable', reason: 'basic-text', message: 'basic_text backend' });
    await h.session.start();
    await h.session.disconnect();
    expect(stateAs(h.session, 'storage-unavailable').reason).toBe('basic-text');
  });
});
