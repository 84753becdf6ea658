/**
 * Pinned endpoints: a packaged build talks to https://api.getjobber.com only, settings.json cannot
 * redirect the client secret or the refresh token, and a saved connection is only ever sent back
 * to the origin and client id that issued it (anything else asks for a reconnect, sending nothing).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRuntime } from '../../electron/app/build-runtime';
import { SettingsStore } from '../../electron/app/settings-store';
import { loadConfig } from '../../electron/app/config';
import { systemClock } from '../../electron/core/clock';
import { silentLogger } from '../../electron/core/logger';
import { parseStoredConnection } from '../../electron/auth/stored-connection-schema';
import { openJsonFile } from '../../electron/storage/json-file';
import { electronSafeStorage } from '../../electron/storage/safe-storage-port';
import { SETTINGS_FILE } from '../../electron/storage/store-names';
import { callbackUrl, connect, createHarness, stateAs, stateOf } from '../support/engine/session-harness';
import type { FakeTokenEndpoint } from '../support/engine/fake-token-endpoint';
import { safeStorage } from '../support/electron/electron-stub';
import type { SafeStorage } from 'electron';

const CREDS = { JOBBER_CLIENT_ID: 'env-id', JOBBER_CLIENT_SECRET: 'env-secret' };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function apiBaseOf(result: ReturnType<typeof loadConfig>): string {
  if (result.kind !== 'jobber') throw new Error(`expected a Jobber config, got ${result.kind}`);
  return result.config.apiBaseUrl;
}

describe('pinned endpoints: configuration', () => {
  it('a packaged build ignores JOBBER_API_BASE_URL and talks to https://api.getjobber.com only', () => {
    const env = { ...CREDS, JOBBER_API_BASE_URL: 'http://127.0.0.1:9999' };
    expect(apiBaseOf(loadConfig({ env, packaged: true }))).toBe('https://api.getjobber.com');
    expect(apiBaseOf(loadConfig({ env, dotenvText: 'JOBBER_API_BASE_URL=https://evil.example', packaged: true }))).toBe(
      'https://api.getjobber.com',
    );
  });

  it('an unpackaged (development) build still honours JOBBER_API_BASE_URL', () => {
    expect(apiBaseOf(loadConfig({ env: { ...CREDS, JOBBER_API_BASE_URL: 'http://127.0.0.1:9999' } }))).toBe('http://127.0.0.1:9999');
  });

  it('settings.apiBaseUrl is never read, packaged or not', () => {
    const settings = { apiBaseUrl: 'https://attacker.example' } as Record<string, unknown>;
    expect(apiBaseOf(loadConfig({ env: CREDS, settings }))).toBe('https://api.getjobber.com');
    expect(apiBaseOf(loadConfig({ env: CREDS, settings, packaged: true }))).toBe('https://api.getjobber.com');
  });

  it('an apiBaseUrl planted in settings.json has no effect on the runtime', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-pinned-'));
    dirs.push(dir);
    fs.writeFileSync(
      path.join(dir, `${SETTINGS_FILE}.json`),
      JSON.stringify({ settings: { mode: 'jobber', clientId: 'planted-id', apiBaseUrl: 'http://127.0.0.1:9' } }),
    );
    const port = electronSafeStorage(safeStorage as unknown as SafeStorage, 'linux');
    const built = await buildRuntime({
      userDataDir: dir,
      env: { JOBBER_CLIENT_SECRET: 'env-secret' },
      dotenvText: null,
      settings: new SettingsStore(openJsonFile({ dir, name: SETTINGS_FILE, now: () => Date.now() }), port, silentLogger),
      safeStorage: port,
      clock: systemClock,
      logger: silentLogger,
      startSandbox: () => Promise.reject(new Error('no sandbox in Jobber mode')),
    });
    if (built.kind !== 'ready') throw new Error(`expected a runtime, got ${built.kind}`);
    expect(built.runtime.config.apiBaseUrl).toBe('https://api.getjobber.com');
    await built.runtime.session.stop();
  });
});

// Jobber mode: the binding keeps the full origin (port included).
const JOBBER = { config: { environment: 'jobber' as const } };

describe('pinned endpoints: the saved connection is bound to its token endpoint', () => {
  it('a new connection records the origin and client id its refresh token may be sent to', async () => {
    const h = createHarness(JOBBER);
    await connect(h);
    expect(h.store.saved?.endpoint).toEqual({ via: 'jobber', origin: 'http://127.0.0.1:9', clientId: 'client-id-for-tests' });
  });

  it('a record from another origin → needs-reconnect (endpoint-changed), no refresh sent, record kept', async () => {
    const h = createHarness({
      ...JOBBER,
      stored: (endpoint: FakeTokenEndpoint, clock) => {
        const record = endpoint.seedConnection({ endpoint: { via: 'jobber', origin: 'https://api.getjobber.com', clientId: 'client-id-for-tests' } });
        clock.suspend(2 * 60 * 60_000); // expired: start-up would refresh at once
        return record;
      },
    });
    const kept = h.store.saved;
    await h.session.start();
    const state = stateAs(h.session, 'needs-reconnect');
    expect(state.reason).toBe('endpoint-changed');
    expect(state.message).toMatch(/https:\/\/api\.getjobber\.com/);
    expect(h.endpoint.refreshCalls).toEqual([]);
    await expect(h.session.getAccessToken()).rejects.toMatchObject({ kind: 'not-connected' });
    expect(h.endpoint.refreshCalls).toEqual([]);
    expect(h.store.saved).toEqual(kept);
  });

  it('a record for another client id → needs-reconnect (endpoint-changed), nothing sent', async () => {
    const h = createHarness({
      ...JOBBER,
      stored: (endpoint: FakeTokenEndpoint) =>
        endpoint.seedConnection({ endpoint: { via: 'jobber', origin: 'http://127.0.0.1:9', clientId: 'some-other-client' } }),
    });
    await h.session.start();
    expect(stateAs(h.session, 'needs-reconnect').reason).toBe('endpoint-changed');
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'not-connected' });
    expect(h.endpoint.refreshCalls).toEqual([]);
  });

  it('a broker-bound record is not sent to Jobber directly', async () => {
    const h = createHarness({
      ...JOBBER,
      stored: (endpoint: FakeTokenEndpoint) => endpoint.seedConnection({ endpoint: { via: 'broker', origin: 'https://broker.example' } }),
    });
    await h.session.start();
    expect(stateAs(h.session, 'needs-reconnect').reason).toBe('endpoint-changed');
  });

  it('broker mode binds to the broker: a new connection records the broker, not Jobber or a client id', async () => {
    const h = createHarness({ ...JOBBER, config: { ...JOBBER.config, clientId: '', clientSecret: '', broker: { origin: 'https://broker.example' } } });
    // The broker hands the sign-in back as a one-time `handoff`, not Jobber's `code`.
    const { authorizeUrl } = h.session.beginConnect();
    const back = new URL(callbackUrl(stateOf(authorizeUrl)));
    back.searchParams.set('handoff', back.searchParams.get('code') ?? '');
    back.searchParams.delete('code');
    await h.session.completeConnect(back.toString());
    expect(h.store.saved?.endpoint).toEqual({ via: 'broker', origin: 'https://broker.example' });
  });

  it("another broker's record, or a direct one, is not sent to this broker", async () => {
    const broker = { ...JOBBER.config, clientId: '', clientSecret: '', broker: { origin: 'https://broker.example' } };
    for (const endpoint of [
      { via: 'broker', origin: 'https://other-broker.example' },
      { via: 'jobber', origin: 'http://127.0.0.1:9', clientId: 'client-id-for-tests' },
    ] as const) {
      const h = createHarness({ ...JOBBER, config: broker, stored: (fake: FakeTokenEndpoint) => fake.seedConnection({ endpoint }) });
      await h.session.start();
      expect(stateAs(h.session, 'needs-reconnect').reason).toBe('endpoint-changed');
      expect(h.endpoint.refreshCalls).toEqual([]);
    }
  });

  it('an older record without an endpoint is accepted, then bound at its next save', async () => {
    const h = createHarness({ ...JOBBER, stored: (endpoint: FakeTokenEndpoint) => endpoint.seedConnection() });
    expect(h.store.saved?.endpoint).toBeUndefined();
    await h.session.start();
    stateAs(h.session, 'connected');
    await h.session.refreshNow();
    expect(h.store.saved?.endpoint).toEqual({ via: 'jobber', origin: 'http://127.0.0.1:9', clientId: 'client-id-for-tests' });
  });

  it('the embedded sandbox (a new loopback port at each start) binds by host: a restart keeps the sign-in', async () => {
    const first = createHarness({ config: { apiBaseUrl: 'http://127.0.0.1:41001' } });
    await connect(first);
    expect(first.store.saved?.endpoint).toEqual({ via: 'jobber', origin: 'http://127.0.0.1', clientId: 'client-id-for-tests' });
    const restarted = createHarness({ config: { apiBaseUrl: 'http://127.0.0.1:41002' }, stored: () => first.store.saved });
    await restarted.session.start();
    stateAs(restarted.session, 'connected');
  });

  it('the stored-record schema accepts both endpoint shapes and refuses anything else', () => {
    const base = { version: 1, account: null, connectedAt: 1, lastRefresh: null, refreshInFlight: null };
    const tokens = { accessToken: 'a', refreshToken: 'r', accessTokenIssuedAt: 1, accessTokenExpiresAt: 2, expirySource: 'default' };
    expect(parseStoredConnection({ ...base, tokens }).ok).toBe(true);
    expect(parseStoredConnection({ ...base, tokens, endpoint: { via: 'jobber', origin: 'https://api.getjobber.com', clientId: 'c' } }).ok).toBe(true);
    expect(parseStoredConnection({ ...base, tokens, endpoint: { via: 'broker', origin: 'https://b.example' } }).ok).toBe(true);
    expect(parseStoredConnection({ ...base, tokens, endpoint: { via: 'elsewhere', origin: 'x' } }).ok).toBe(false);
    expect(parseStoredConnection({ ...base, tokens, endpoint: { via: 'jobber', origin: 'https://api.getjobber.com' } }).ok).toBe(false);
  });
});
