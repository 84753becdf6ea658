/**
 * Every broker flow against the sandbox over loopback, defined once and run on each storage
 * engine (flows-pglite.test.ts, flows-postgres.test.ts). Refusals assert that the stored rows are
 * exactly as before.
 */
import { createHmac } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SANDBOX_CLIENT, SANDBOX_DEFAULT_ACCOUNT } from '../../../sandbox/server';
import { appConnectUntilHandoff, connectDevice, handoffOf, openCallback, pairingOf, pkcePair, post, readGrantEvents, APP_RETURN_TO } from './app-client';
import { startHarness, type Harness } from './broker-harness';
import type { Engine } from './databases';

const TABLES = ['grants', 'devices', 'handoffs', 'pairings', 'pending_connects', 'refresh_attempts', 'webhook_deliveries'];

/** Every table's rows, to prove a refusal changed nothing. */
export async function snapshot(h: Harness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = await h.db.rows(table);
  return out;
}

export function signed(body: string, secret: string = SANDBOX_CLIENT.clientSecret): Record<string, string> {
  return { 'Content-Type': 'application/json', 'X-Jobber-Hmac-SHA256': createHmac('sha256', secret).update(body).digest('base64') };
}

export function appDisconnectBody(accountId: string, itemId = 'item-1', occurredAt = new Date().toISOString()): string {
  return JSON.stringify({ data: { webHookEvent: { topic: 'APP_DISCONNECT', appId: 'app', accountId, itemId, occurredAt } } });
}

/** Waits until `check` holds (processing after the answer is asynchronous by design). */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const HOUR = 60 * 60 * 1000;

export function defineFlowSuite(engine: Engine, pglite: () => Promise<PGlite | undefined>): void {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine, pglite: await pglite() });
  });
  afterEach(async () => {
    await h.close();
  });

  it('app-started connect: consent, callback, handoff redeemed with the verifier, token served without a refresh', async () => {
    const device = await connectDevice(h);
    expect(device.account).toEqual({ id: SANDBOX_DEFAULT_ACCOUNT.id, name: SANDBOX_DEFAULT_ACCOUNT.name });
    expect(device.credential).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const token = await post(`${h.url}/v1/token`, {}, device.credential);
    expect(token.status).toBe(200);
    expect(token.body.accessToken).toBe(device.accessToken);
    expect(h.sandbox.control.counters().tokenRequests).toMatchObject({ authorization_code: 1, refresh_token: 0 });
    // Stored only as ciphertext and hash: neither raw value appears in any row.
    const rows = JSON.stringify(await snapshot(h));
    expect(rows).not.toContain(device.accessToken);
    expect(rows).not.toContain(device.credential);
    expect(rows).not.toContain(h.sandbox.control.liveRefreshTokens()[0]);
  });

  it('the callback returns the app state and the handoff to the allowed return address', async () => {
    const { appState, callback } = await appConnectUntilHandoff(h);
    expect(callback.status).toBe(302);
    const location = new URL(callback.location ?? '');
    expect(`${location.protocol}${location.pathname}`).toBe(APP_RETURN_TO);
    expect(location.searchParams.get('state')).toBe(appState);
  });

  it('refuses a return address outside the allowlist', async () => {
    const { challenge } = pkcePair();
    const answer = await post(`${h.url}/v1/connect/start`, { codeChallenge: challenge, codeChallengeMethod: 'S256', returnTo: 'https://evil.example/cb', appState: 'a'.repeat(43) });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('return_to_not_allowed');
  });

  it("Jobber's deny (callback with no parameters) shows 'You chose not to connect'", async () => {
    const { callback } = await appConnectUntilHandoff(h, 'deny');
    expect(callback.status).toBe(200);
    expect(callback.html).toContain('You chose not to connect');
  });

  it('a reused handoff, a wrong verifier (which burns it) and an expired handoff are refused and change nothing', async () => {
    const first = await appConnectUntilHandoff(h);
    const handoff = handoffOf(first.callback);
    const wrong = await post(`${h.url}/v1/connect/redeem`, { handoff, codeVerifier: pkcePair().verifier });
    expect(wrong.body.error).toBe('invalid_handoff');
    const before = await snapshot(h);
    const reused = await post(`${h.url}/v1/connect/redeem`, { handoff, codeVerifier: first.verifier });
    expect([reused.status, reused.body.error]).toEqual([400, 'invalid_handoff']);
    expect(await snapshot(h)).toEqual(before);

    const second = await appConnectUntilHandoff(h);
    h.clock.advance(61_000);
    const expiredBefore = await snapshot(h);
    const expired = await post(`${h.url}/v1/connect/redeem`, { handoff: handoffOf(second.callback), codeVerifier: second.verifier });
    expect([expired.status, expired.body.error]).toEqual([400, 'invalid_handoff']);
    const after = await snapshot(h);
    // The expired handoff is consumed (single use); no device, grant or token changed.
    expect({ ...after, handoffs: [] }).toEqual({ ...expiredBefore, handoffs: [] });
    expect(after.devices).toEqual([]);
  });

  it('Marketplace connect (code, no state): page names the account, pairing previewed then redeemed once', async () => {
    const page = await openCallback(h.sandbox.jobberSide.marketplaceConnect(h.callbackUrl));
    expect(page.status).toBe(200);
    expect(page.html).toContain(SANDBOX_DEFAULT_ACCOUNT.name);
    const pairing = pairingOf(page.html);
    const preview = await post(`${h.url}/v1/pairing/preview`, { pairing });
    expect(preview.body.account).toEqual({ id: SANDBOX_DEFAULT_ACCOUNT.id, name: SANDBOX_DEFAULT_ACCOUNT.name });
    const redeemed = await post(`${h.url}/v1/pairing/redeem`, { pairing });
    expect(redeemed.status).toBe(200);
    expect(typeof redeemed.body.deviceCredential).toBe('string');
    const before = await snapshot(h);
    const again = await post(`${h.url}/v1/pairing/redeem`, { pairing });
    expect([again.status, again.body.error]).toEqual([400, 'invalid_pairing']);
    expect(await snapshot(h)).toEqual(before);
  });

  it('an expired pairing code (10 minutes) is refused and creates no device', async () => {
    const page = await openCallback(h.sandbox.jobberSide.marketplaceConnect(h.callbackUrl));
    const pairing = pairingOf(page.html);
    h.clock.advance(10 * 60_000 + 1);
    const before = await snapshot(h);
    expect((await post(`${h.url}/v1/pairing/preview`, { pairing })).body.error).toBe('invalid_pairing');
    const redeemed = await post(`${h.url}/v1/pairing/redeem`, { pairing });
    expect([redeemed.status, redeemed.body.error]).toEqual([400, 'invalid_pairing']);
    const after = await snapshot(h);
    expect({ ...after, pairings: [] }).toEqual({ ...before, pairings: [] });
    expect(after.devices).toEqual([]);
  });

  it('refreshes a due token once at Jobber, rotating the stored pair', async () => {
    const device = await connectDevice(h);
    const keyBefore = (await h.db.rows('grants'))[0]!.refresh_token_enc;
    h.clock.advance(HOUR);
    const token = await post(`${h.url}/v1/token`, {}, device.credential);
    expect(token.status).toBe(200);
    expect(token.body.accessToken).not.toBe(device.accessToken);
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
    expect((await h.db.rows('grants'))[0]!.refresh_token_enc).not.toBe(keyBefore);
    expect(await h.db.rows('refresh_attempts')).toEqual([]);
  });

  it('Jobber refusing the refresh token: 410 grant_rejected, then no further calls to Jobber', async () => {
    const device = await connectDevice(h);
    h.sandbox.control.revokeGrant();
    h.clock.advance(HOUR);
    const first = await post(`${h.url}/v1/token`, {}, device.credential);
    expect([first.status, first.body.error]).toEqual([410, 'grant_rejected']);
    const again = await post(`${h.url}/v1/token`, {}, device.credential);
    expect([again.status, again.body.error]).toEqual([410, 'grant_rejected']);
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
  });

  it('Jobber failing (HTTP 503): jobber_unavailable, the stored pair kept and used on the next try', async () => {
    const device = await connectDevice(h);
    h.clock.advance(HOUR);
    h.sandbox.control.injectFault('token', { kind: 'status', status: 503 });
    const before = (await h.db.rows('grants'))[0];
    const failed = await post(`${h.url}/v1/token`, {}, device.credential);
    expect([failed.status, failed.body.error]).toEqual([502, 'jobber_unavailable']);
    expect((await h.db.rows('grants'))[0]).toEqual(before);
    const retried = await post(`${h.url}/v1/token`, {}, device.credential);
    expect(retried.status).toBe(200);
  });

  it('disconnect: appDisconnect at Jobber, grant and devices gone; the credential is refused afterwards and changes nothing', async () => {
    const device = await connectDevice(h);
    const answer = await post(`${h.url}/v1/disconnect`, {}, device.credential);
    expect(answer.body).toEqual({ jobberNotified: true });
    expect(h.sandbox.control.counters().appDisconnects).toBe(1);
    expect(await h.db.rows('grants')).toEqual([]);
    expect(await h.db.rows('devices')).toEqual([]);
    const before = await snapshot(h);
    const stolen = await post(`${h.url}/v1/token`, {}, device.credential);
    expect([stolen.status, stolen.body.error]).toEqual([401, 'unknown_device']);
    expect((await post(`${h.url}/v1/disconnect`, {}, device.credential)).status).toBe(401);
    expect(await snapshot(h)).toEqual(before);
  });

  it('APP_DISCONNECT from the sandbox: the event stream flips at once, the token answers grant_disconnected', async () => {
    const device = await connectDevice(h);
    const statuses = await readGrantEvents(h.url, device.credential, (seen) => seen.length >= 2, async () => {
      const delivery = await h.sandbox.jobberSide.disconnectFromJobber();
      expect(delivery).toMatchObject({ delivered: true, attempts: 1 });
    });
    expect(statuses).toEqual(['live', 'disconnected-in-jobber']);
    const token = await post(`${h.url}/v1/token`, {}, device.credential);
    expect([token.status, token.body.error]).toEqual([410, 'grant_disconnected']);
  });

  it('disconnect after APP_DISCONNECT: jobberNotified true (Jobber ended it), no call to Jobber, grant and devices gone', async () => {
    const device = await connectDevice(h);
    await h.sandbox.jobberSide.disconnectFromJobber();
    await eventually(async () => (await h.db.rows('grants'))[0]?.status === 'disconnected-in-jobber', 'the webhook to be processed');
    const answer = await post(`${h.url}/v1/disconnect`, {}, device.credential);
    expect([answer.status, answer.body]).toEqual([200, { jobberNotified: true }]);
    expect(h.sandbox.control.counters().appDisconnects).toBe(0);
    expect(await h.db.rows('grants')).toEqual([]);
    expect(await h.db.rows('devices')).toEqual([]);
  });

  it('a replayed APP_DISCONNECT delivery is acknowledged but changes nothing (a newer grant stays live)', async () => {
    await connectDevice(h);
    await h.sandbox.jobberSide.disconnectFromJobber();
    await eventually(async () => (await h.db.rows('grants'))[0]?.status === 'disconnected-in-jobber', 'the webhook to be processed');
    const fresh = await connectDevice(h);
    const before = await snapshot(h);
    const replay = await h.sandbox.jobberSide.redeliverLast();
    expect(replay).toMatchObject({ delivered: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await snapshot(h)).toEqual(before);
    expect((await post(`${h.url}/v1/token`, {}, fresh.credential)).status).toBe(200);
  });

  it('webhooks: bad signature, oversized body and wrong content type are refused and change nothing', async () => {
    await connectDevice(h);
    const before = await snapshot(h);
    const body = appDisconnectBody(SANDBOX_DEFAULT_ACCOUNT.id);
    const send = (payload: string, headers: Record<string, string>): Promise<Response> => fetch(`${h.url}/webhooks/jobber`, { method: 'POST', headers, body: payload });

    const badSignature = await send(body, signed(body, 'not-the-secret'));
    expect([badSignature.status, ((await badSignature.json()) as { error: string }).error]).toEqual([401, 'invalid_signature']);
    const noSignature = await send(body, { 'Content-Type': 'application/json' });
    expect(noSignature.status).toBe(401);
    const big = JSON.stringify({ data: { webHookEvent: { topic: 'APP_DISCONNECT', accountId: SANDBOX_DEFAULT_ACCOUNT.id, pad: 'x'.repeat(64 * 1024) } } });
    const oversized = await send(big, signed(big));
    expect([oversized.status, ((await oversized.json()) as { error: string }).error]).toEqual([413, 'payload_too_large']);
    const wrongType = await send(body, { ...signed(body), 'Content-Type': 'text/plain' });
    expect([wrongType.status, ((await wrongType.json()) as { error: string }).error]).toEqual([415, 'unsupported_media_type']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await snapshot(h)).toEqual(before);
  });

  it('an APP_DISCONNECT that occurred more than 30 days ago (its key may be forgotten) is acknowledged and ignored', async () => {
    const device = await connectDevice(h);
    const before = await snapshot(h);
    const thirtyOneDaysAgo = new Date(h.clock.now() - 31 * 24 * HOUR).toISOString();
    const body = appDisconnectBody(SANDBOX_DEFAULT_ACCOUNT.id, 'old-1', thirtyOneDaysAgo);
    const answer = await fetch(`${h.url}/webhooks/jobber`, { method: 'POST', headers: signed(body), body });
    expect(answer.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await snapshot(h)).toEqual(before);
    expect((await post(`${h.url}/v1/token`, {}, device.credential)).status).toBe(200);
  });

  it('a correctly signed webhook is answered 200 and processed after', async () => {
    const device = await connectDevice(h);
    const body = appDisconnectBody(SANDBOX_DEFAULT_ACCOUNT.id, 'manual-1');
    const answer = await fetch(`${h.url}/webhooks/jobber`, { method: 'POST', headers: signed(body), body });
    expect(answer.status).toBe(200);
    await eventually(async () => (await post(`${h.url}/v1/token`, {}, device.credential)).status === 410, 'the grant to be disconnected');
  });
}
