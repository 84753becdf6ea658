/**
 * The app's engine in broker mode against the REAL broker (broker/: Fastify, PGlite storage) in
 * front of a real sandbox playing Jobber, both over loopback HTTP, on one clock the test moves:
 * Connect through the broker's hand-off, a renewal the broker makes at Jobber, "disconnect in
 * Jobber" (the sandbox's signed APP_DISCONNECT webhook) reaching the app through /v1/events with no
 * API call, and Disconnect through /v1/disconnect. broker-mode.test.ts plays the same contract
 * against the stand-in (test/support/broker-mode/fake-broker.ts); this file is the proof that the two real
 * sides agree. Expected values come from the broker's HTTP contract (broker/README.md) and the
 * sandbox's defaults, not from the code under test.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerControls } from '../../electron/app/broker-controls';
import { SANDBOX_DEFAULT_ACCOUNT, type Sandbox } from '../../sandbox/server';
import { startHarness, type Harness } from '../support/broker/broker-harness';
import { SharedPglite } from '../support/broker/databases';
import { brokerControlsFor, brokerEngineFor, followBrokerCallback, type BrokerEngine, type EngineBroker } from '../support/broker-mode/broker-engine';
import { waitForState, waitUntil } from '../support/engine/engine-harness';

const MINUTE_MS = 60_000;

/** The real broker as the engine helper sees it, plus what the test watches on its HTTP server. */
interface RealBroker extends EngineBroker {
  harness: Harness;
  /** `METHOD /path` of every request the broker received, in order. */
  requests: string[];
  /** The /v1/events answers the broker has started streaming. */
  eventStreams: ServerResponse[];
}

async function startRealBroker(pglite: SharedPglite): Promise<RealBroker> {
  // The harness starts the sandbox (its webhooks to `${broker}/webhooks/jobber`, the broker's
  // callback among its redirect URIs) and the broker (PGlite in a temporary folder, the test key,
  // the sandbox's client id and secret, apiBaseUrl = sandbox.url), both on one movable clock.
  const harness = await startHarness({ engine: 'pglite', pglite: await pglite.open() });
  const requests: string[] = [];
  const eventStreams: ServerResponse[] = [];
  harness.brokers[0]!.app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', harness.url).pathname;
    requests.push(`${req.method} ${path}`);
    if (path === '/v1/events') eventStreams.push(res);
  });
  return {
    url: harness.url,
    sandbox: harness.sandbox as Sandbox,
    followCallback: followBrokerCallback,
    close: () => harness.close(),
    harness,
    requests,
    eventStreams,
  };
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const count = (requests: string[], key: string): number => requests.filter((request) => request === key).length;

const pglite = new SharedPglite();
let engine: BrokerEngine<RealBroker> | null = null;
let controls: BrokerControls | null = null;

beforeAll(async () => {
  await pglite.open();
});

afterEach(async () => {
  controls?.stop();
  controls = null;
  await engine?.close();
  engine = null;
});

afterAll(async () => {
  await pglite.close();
});

describe('broker mode against the real broker (broker/)', () => {
  it('connects, renews, hears "disconnected in Jobber" over /v1/events with no API call, reconnects and disconnects', async () => {
    const broker = await startRealBroker(pglite);
    const e = await brokerEngineFor(broker, broker.harness.clock);
    engine = e;
    const { sandbox } = broker;

    // Connect: app → /v1/connect/start → consent at the sandbox → /oauth/callback → hand-off → redeem.
    await e.connect();
    const connected = await waitForState(e.session, 'connected');
    expect(connected.account).toMatchObject({ id: SANDBOX_DEFAULT_ACCOUNT.id, name: SANDBOX_DEFAULT_ACCOUNT.name });
    expect(count(broker.requests, 'POST /v1/connect/start')).toBe(1);
    expect(count(broker.requests, 'GET /oauth/callback')).toBe(1);
    expect(count(broker.requests, 'POST /v1/connect/redeem')).toBe(1);
    const credential = e.store.saved!.tokens.refreshToken;
    expect(credential).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Jobber's refresh token stays at the broker: the app holds only its device credential.
    expect(sandbox.control.liveRefreshTokens()).toHaveLength(1);
    expect(sandbox.control.liveRefreshTokens()).not.toContain(credential);
    expect(sandbox.control.counters().tokenRequests).toMatchObject({ authorization_code: 1, refresh_token: 0 });
    expect((await e.graphql.account()).data.name).toBe(SANDBOX_DEFAULT_ACCOUNT.name);

    // A renewal: 56 minutes on, the 60-minute token is inside the 5-minute margin on both sides.
    const firstAccessToken = e.store.saved!.tokens.accessToken;
    e.clock.advance(56 * MINUTE_MS);
    await e.session.refreshNow();
    const renewed = e.store.saved!.tokens;
    expect(renewed.accessToken).not.toBe(firstAccessToken);
    expect(renewed.refreshToken).toBe(credential);
    expect(renewed.accessTokenExpiresAt).toBeGreaterThan(e.clock.now() + 55 * MINUTE_MS);
    expect(sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
    expect(e.session.getState().status).toBe('connected');
    expect((await e.graphql.account()).data.id).toBe(SANDBOX_DEFAULT_ACCOUNT.id);

    // The event stream, as the app controller runs it while the grant is live.
    controls = brokerControlsFor(e);
    const liveControls = controls;
    e.session.subscribe((state) => liveControls.onState(state));
    liveControls.onState(e.session.getState());
    await waitUntil(() => broker.eventStreams.length === 1 && broker.eventStreams[0]!.headersSent, 5_000, 'the event stream to open');

    // "Disconnect in Jobber": the sandbox posts its signed APP_DISCONNECT to the broker's webhook.
    const graphqlCalls = sandbox.control.counters().graphqlCalls;
    const tokenRequests = count(broker.requests, 'POST /v1/token');
    const delivery = await sandbox.jobberSide.disconnectFromJobber();
    expect(delivery).toMatchObject({ delivered: true, attempts: 1, lastStatus: 200 });
    const lost = await waitForState(e.session, 'needs-reconnect', 5_000);
    expect(lost.reason).toBe('disconnected-in-jobber');
    expect(lost.account?.name).toBe(SANDBOX_DEFAULT_ACCOUNT.name);
    expect(sandbox.control.counters().graphqlCalls).toBe(graphqlCalls);
    expect(count(broker.requests, 'POST /v1/token')).toBe(tokenRequests);
    expect(broker.eventStreams).toHaveLength(1);
    // The broker now refuses the old credential with the contract's code.
    const refused = await fetch(`${broker.url}/v1/token`, { method: 'POST', headers: { Authorization: `Bearer ${credential}` } });
    expect(refused.status).toBe(410);
    expect(await refused.json()).toMatchObject({ error: 'grant_disconnected' });

    // Connect again, then Disconnect from the app: /v1/disconnect, Jobber told by the broker.
    await e.connect();
    await waitForState(e.session, 'connected');
    const second = e.store.saved!.tokens.refreshToken;
    expect(second).not.toBe(credential);
    const appDisconnects = sandbox.control.counters().appDisconnects;
    const result = await e.session.disconnect();
    expect(result.jobberNotified).toBe(true);
    expect(count(broker.requests, 'POST /v1/disconnect')).toBe(1);
    expect(sandbox.control.counters().appDisconnects).toBe(appDisconnects + 1);
    expect(e.session.getState().status).toBe('disconnected');
    expect(e.store.saved).toBeNull();
    const dead = await fetch(`${broker.url}/v1/token`, { method: 'POST', headers: { Authorization: `Bearer ${second}` } });
    expect(dead.status).toBe(401);
    expect(await dead.json()).toMatchObject({ error: 'unknown_device' });
  });

  it('Disconnect after Jobber disconnected the app but before the app heard: Jobber counts as told, nothing left at the broker', async () => {
    const broker = await startRealBroker(pglite);
    const e = await brokerEngineFor(broker, broker.harness.clock);
    engine = e;
    const { sandbox } = broker;
    await e.connect();
    await waitForState(e.session, 'connected');

    // No event stream here: the webhook reaches the broker, the app still believes the grant live.
    expect(await sandbox.jobberSide.disconnectFromJobber()).toMatchObject({ delivered: true });
    await waitFor(async () => (await broker.harness.db.rows('grants')).every((row) => row.status === 'disconnected-in-jobber'), 'the broker to record the webhook');
    expect(e.session.getState().status).toBe('connected');

    const result = await e.session.disconnect();
    // Jobber ended the connection itself: the person must not be sent to Jobber to finish it.
    expect(result.jobberNotified).toBe(true);
    expect(result.message).toBe('Disconnected: Jobber was told and the sign-in was removed from this computer.');
    expect(count(broker.requests, 'POST /v1/disconnect')).toBe(1);
    expect(e.session.getState().status).toBe('disconnected');
    expect(await broker.harness.db.rows('grants')).toEqual([]);
    expect(await broker.harness.db.rows('devices')).toEqual([]);
  });

  it('Disconnect in needs-reconnect (disconnected in Jobber) tells the broker, which forgets the ended grant and the device at once', async () => {
    const broker = await startRealBroker(pglite);
    const e = await brokerEngineFor(broker, broker.harness.clock);
    engine = e;
    await e.connect();
    await waitForState(e.session, 'connected');
    const credential = e.store.saved!.tokens.refreshToken;

    // The webhook ends the grant; the next renewal learns it (410 grant_disconnected).
    expect(await broker.sandbox.jobberSide.disconnectFromJobber()).toMatchObject({ delivered: true });
    await waitFor(async () => (await broker.harness.db.rows('grants')).every((row) => row.status === 'disconnected-in-jobber'), 'the broker to record the webhook');
    await e.session.refreshNow().catch(() => undefined);
    expect((await waitForState(e.session, 'needs-reconnect', 5_000)).reason).toBe('disconnected-in-jobber');
    // The broker keeps the ended grant (for 30 days) so the device learns why.
    expect(await broker.harness.db.rows('devices')).toHaveLength(1);

    const result = await e.session.disconnect();
    expect(result.message).toBe('Removed the saved Jobber sign-in from this computer.');
    expect(count(broker.requests, 'POST /v1/disconnect')).toBe(1);
    expect(e.session.getState().status).toBe('disconnected');
    expect(e.store.saved).toBeNull();
    expect(await broker.harness.db.rows('grants')).toEqual([]);
    expect(await broker.harness.db.rows('devices')).toEqual([]);
    const forgotten = await fetch(`${broker.url}/v1/token`, { method: 'POST', headers: { Authorization: `Bearer ${credential}` } });
    expect(forgotten.status).toBe(401);
  });
});
