/**
 * The engine in broker mode against a broker (test/support/broker-mode/fake-broker.ts, swappable for the real
 * one) in front of the sandbox: connect through the broker's hand-off, renewals through /v1/token,
 * an unreachable broker (credential kept, retried), Jobber's disconnect (410 and the event stream)
 * and Disconnect through /v1/disconnect. Expected codes and wording come from the broker contract.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { brokerControlsFor, startBrokerEngine, type BrokerEngine } from '../support/broker-mode/broker-engine';
import { waitForState, waitUntil } from '../support/engine/engine-harness';

const HOUR_MS = 60 * 60 * 1000;

let engine: BrokerEngine | null = null;

afterEach(async () => {
  await engine?.close();
  engine = null;
});

async function connected(options: Parameters<typeof startBrokerEngine>[0] = {}): Promise<BrokerEngine> {
  engine = await startBrokerEngine(options);
  await engine.connect();
  return engine;
}

/** POST /v1/token with a credential, outside the engine. */
async function rawToken(e: BrokerEngine, credential: string): Promise<{ status: number; body: unknown }> {
  const answer = await fetch(`${e.broker.url}/v1/token`, { method: 'POST', headers: { Authorization: `Bearer ${credential}` } });
  return { status: answer.status, body: await answer.json() };
}

describe('broker mode: connect', () => {
  it('connects through the broker: the record holds a device credential, never a Jobber refresh token, and the API works', async () => {
    const e = await connected();
    const state = await waitForState(e.session, 'connected');
    expect(state.account.name).toBe('Sandbox Landscaping Co.');

    const saved = e.store.saved;
    expect(saved).not.toBeNull();
    const credential = saved!.tokens.refreshToken;
    expect(credential).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The sandbox's live refresh tokens are the broker's; none of them reached the app.
    expect(e.broker.sandbox.control.liveRefreshTokens()).not.toContain(credential);
    expect(e.broker.sandbox.control.liveRefreshTokens()).toHaveLength(1);
    expect(e.broker.sandbox.control.counters().tokenRequests.authorization_code).toBe(1);

    const { data } = await e.graphql.account();
    expect(data.name).toBe('Sandbox Landscaping Co.');
    expect(e.logger.text()).not.toContain(credential);
    expect(JSON.stringify(e.session.getState())).not.toContain(credential);
  });

  it('a hand-off redeemed with the wrong verifier is refused (400 invalid_handoff) and burnt', async () => {
    engine = await startBrokerEngine();
    const e = engine;
    const begun = e.session.beginConnect();
    const answer = await e.client.startConnect({
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      returnTo: e.config.redirectUri,
      appState: begun.request!.state,
    });
    const { followConsent } = await import('../../sandbox/consent-driver');
    const appCallback = await e.broker.followCallback(await followConsent(answer.authorizeUrl, 'allow'));
    // The session redeems with its own verifier, which does not match the challenge sent above.
    await expect(e.session.completeConnect(appCallback)).rejects.toMatchObject({ kind: 'rejected-grant' });
    expect(e.session.getState()).toMatchObject({ status: 'disconnected', lastError: { kind: 'rejected-grant' } });
    const handoff = new URL(appCallback).searchParams.get('handoff')!;
    const again = await fetch(`${e.broker.url}/v1/connect/redeem`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ handoff, codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_handoff' });
  });
});

describe('broker mode: renewals', () => {
  it('renews through /v1/token: the broker refreshes at Jobber, the device credential does not rotate', async () => {
    const e = await connected();
    const before = e.store.saved!;
    e.clock.advance(HOUR_MS);
    await e.session.refreshNow();
    const after = e.store.saved!;
    expect(after.tokens.refreshToken).toBe(before.tokens.refreshToken);
    expect(after.tokens.accessToken).not.toBe(before.tokens.accessToken);
    expect(e.broker.counters().refreshesAtJobber).toBe(1);
    expect(e.broker.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
    expect(e.session.getState().status).toBe('connected');
    const { data } = await e.graphql.account();
    expect(data.id).toBe('sandbox-account-1');
  });

  it('an unreachable broker: offline, retrying, worded "cannot reach the broker"; the credential is kept; back when the broker is', async () => {
    const e = await connected({ policy: { backoffBaseMs: 200, backoffCapMs: 200 } });
    const credential = e.store.saved!.tokens.refreshToken;
    await e.broker.goOffline();
    e.clock.advance(HOUR_MS);
    await expect(e.session.refreshNow()).rejects.toMatchObject({ kind: 'network' });
    const offline = await waitForState(e.session, 'offline-retrying');
    expect(offline.message).toMatch(/^Can't reach the broker or Jobber; retrying at/);
    expect(offline.lastRefresh?.message).toMatch(/cannot reach the broker at 127\.0\.0\.1:\d+/);
    expect(e.store.saved!.tokens.refreshToken).toBe(credential);

    await e.broker.comeBack();
    await waitForState(e.session, 'connected', 5_000);
    expect(e.store.saved!.tokens.refreshToken).toBe(credential);
  });

  it('410 grant_disconnected on renewal: disconnected in Jobber, record kept as refused', async () => {
    const e = await connected();
    e.broker.disconnectInJobber();
    await expect(e.session.refreshNow()).rejects.toMatchObject({ kind: 'disconnected-in-jobber' });
    const state = await waitForState(e.session, 'needs-reconnect');
    expect(state.reason).toBe('disconnected-in-jobber');
    expect(state.message).toBe('This app was disconnected from “Sandbox Landscaping Co.” in Jobber; reconnect to use it again.');
  });

  it('401 unknown_device on renewal: needs reconnect, saying the broker no longer knows this computer', async () => {
    const e = await connected();
    e.broker.forgetDevices();
    await expect(e.session.refreshNow()).rejects.toMatchObject({ kind: 'rejected-grant' });
    const state = await waitForState(e.session, 'needs-reconnect');
    expect(state.reason).toBe('refresh-rejected');
    expect(e.logger.text()).toMatch(/no longer knows this computer \(HTTP 401, unknown_device\)/);
  });
});

describe('broker mode: events', () => {
  it('flips to disconnected in Jobber as soon as the broker says so, with no token or API call', async () => {
    const e = await connected();
    const controls = brokerControlsFor(e);
    e.session.subscribe((state) => controls.onState(state));
    controls.onState(e.session.getState());
    await waitUntil(() => e.broker.counters().eventSubscriptions === 1, 5_000, 'event subscription');
    const tokenRequests = e.broker.counters().tokenRequests;
    const graphqlCalls = e.broker.sandbox.control.counters().graphqlCalls;

    e.broker.disconnectInJobber();
    const state = await waitForState(e.session, 'needs-reconnect', 5_000);
    expect(state.reason).toBe('disconnected-in-jobber');
    expect(e.broker.counters().tokenRequests).toBe(tokenRequests);
    expect(e.broker.sandbox.control.counters().graphqlCalls).toBe(graphqlCalls);
    controls.stop();
  });
});

describe('broker mode: disconnect', () => {
  it('POST /v1/disconnect: Jobber told by the broker, the local record wiped, the old credential dead', async () => {
    const e = await connected();
    const credential = e.store.saved!.tokens.refreshToken;
    const result = await e.session.disconnect();
    expect(result.jobberNotified).toBe(true);
    expect(e.broker.counters().disconnects).toBe(1);
    expect(e.broker.sandbox.control.counters().appDisconnects).toBe(1);
    expect(e.store.saved).toBeNull();
    expect(e.session.getState().status).toBe('disconnected');
    expect(await rawToken(e, credential)).toEqual({ status: 401, body: expect.objectContaining({ error: 'unknown_device' }) });
  });

  it('with the broker unreachable: wiped locally anyway, saying Jobber could not be told', async () => {
    const e = await connected();
    await e.broker.goOffline();
    const result = await e.session.disconnect();
    expect(result.jobberNotified).toBe(false);
    expect(result.message).toMatch(/cannot reach the broker/);
    expect(e.store.saved).toBeNull();
    await e.broker.comeBack();
  });
});
