/**
 * The grant dies on Jobber's side: revoked (refresh refused) or the person disconnected the app in
 * Jobber (the API's "User has disconnected this app" error). The engine notices on the next call,
 * moves to needs-reconnect with the account name kept, keeps the stored record, and can reconnect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_DEFAULT_ACCOUNT } from '../../sandbox/server';
import { expectStatus, startEngine, type EngineHarness } from '../support/engine/engine-harness';

let harness: EngineHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('revoked grant', () => {
  it('the next API call gets 401, the refresh is refused → needs-reconnect (refresh-rejected), account name and stored record kept', async () => {
    harness = await startEngine();
    const h = harness;
    await h.connect();
    const before = await h.store.current();
    h.sandbox.control.revokeGrant();

    await expect(h.client.account()).rejects.toMatchObject({ kind: 'rejected-grant' });
    const state = expectStatus(h.session.getState(), 'needs-reconnect');
    expect(state.reason).toBe('refresh-rejected');
    expect(state.account).toEqual(SANDBOX_DEFAULT_ACCOUNT);
    expect(state.message).toContain(SANDBOX_DEFAULT_ACCOUNT.name);

    const kept = await h.store.current();
    expect(kept?.tokens.refreshToken).toBe(before?.tokens.refreshToken);
    expect(kept?.lastRefresh?.result).toBe('rejected');
    expect(h.store.clears).toBe(0);
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);

    // No further traffic: the client fails fast without a grant.
    await expect(h.client.account()).rejects.toMatchObject({ kind: 'not-connected' });
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);

    // After a restart the saved verdict stands, without spending a request on the dead token.
    await h.restart();
    expect(expectStatus(h.session.getState(), 'needs-reconnect').account).toEqual(SANDBOX_DEFAULT_ACCOUNT);
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
  });

  it('a person-initiated refresh refused by Jobber has the same outcome', async () => {
    harness = await startEngine();
    const h = harness;
    await h.connect();
    h.sandbox.control.revokeGrant();
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'rejected-grant' });
    expect(expectStatus(h.session.getState(), 'needs-reconnect').reason).toBe('refresh-rejected');
    expect(await h.store.current()).not.toBeNull();
  });
});

describe('disconnected from Jobber\u2019s side', () => {
  it('is detected on the next API call → needs-reconnect (disconnected-in-jobber), no refresh attempted', async () => {
    harness = await startEngine();
    const h = harness;
    await h.connect();
    h.sandbox.control.disconnectFromJobber();

    await expect(h.client.account()).rejects.toMatchObject({ kind: 'disconnected-in-jobber' });
    const state = expectStatus(h.session.getState(), 'needs-reconnect');
    expect(state.reason).toBe('disconnected-in-jobber');
    expect(state.account).toEqual(SANDBOX_DEFAULT_ACCOUNT);
    expect(state.message).toMatch(/disconnected/i);
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(0);
    expect(await h.store.current()).not.toBeNull();
  });

  it('reconnecting afterwards works and replaces the dead record', async () => {
    harness = await startEngine();
    const h = harness;
    await h.connect();
    const dead = (await h.store.current())?.tokens.refreshToken;
    h.sandbox.control.disconnectFromJobber();
    await expect(h.client.account()).rejects.toMatchObject({ kind: 'disconnected-in-jobber' });

    await h.connect();
    expect(expectStatus(h.session.getState(), 'connected').account).toEqual(SANDBOX_DEFAULT_ACCOUNT);
    const fresh = await h.store.current();
    expect(fresh?.tokens.refreshToken).not.toBe(dead);
    expect(fresh?.lastRefresh).toBeNull();
    await expect(h.client.account()).resolves.toMatchObject({ data: SANDBOX_DEFAULT_ACCOUNT });
  });
});
