/**
 * Broker mode through the real main-process graph (controller, typed IPC, auth window on the
 * electron stub) against the fake broker in front of the sandbox: Connect asks the broker for the
 * authorize URL, the auth window admits the broker's origin (Jobber returns there), catches the
 * broker's redirect to the app before it loads, and the device credential stays in the vault.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppSnapshot, SettingsView } from '../../../electron/ipc/contract';
import { followConsent } from '../../../sandbox/consent-driver';
import { app, resetElectronStub, safeStorage } from '../../support/electron/electron-stub';
import { startBrokerUnderTest, type BrokerUnderTest } from '../../support/broker-mode/fake-broker';
import { createHarness } from '../../support/electron/main-harness';

let broker: BrokerUnderTest;
let h: Awaited<ReturnType<typeof createHarness>>;

beforeEach(async () => {
  resetElectronStub();
  app.ready = true;
  broker = await startBrokerUnderTest();
  h = await createHarness({ env: { JOBBER_BROKER_URL: broker.url, JOBBER_API_BASE_URL: broker.sandbox.url } });
  await h.controller.start();
});

afterEach(async () => {
  await h.close();
  fs.rmSync(h.userDataDir, { recursive: true, force: true });
  await broker.close();
});

async function waitFor(check: () => boolean, label: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${label}`);
}

function vaultCredential(): string {
  const file = fs.readdirSync(h.userDataDir).find((name) => name.startsWith('connection-jobber-') && name.endsWith('.json'));
  if (!file) throw new Error('no connection file');
  const record = JSON.parse(fs.readFileSync(path.join(h.userDataDir, file), 'utf8')).connection;
  return (JSON.parse(safeStorage.decryptString(Buffer.from(record.ciphertext, 'base64'))) as { tokens: { refreshToken: string } }).tokens.refreshToken;
}

describe('broker mode in the main process', () => {
  it('settings show broker mode with no client id or secret asked for', async () => {
    const settings = (await h.invoke('get-settings')) as SettingsView;
    expect(settings.connectThrough).toBe('broker');
    const snapshot = (await h.invoke('get-state')) as AppSnapshot;
    expect(snapshot.environment).toBe('jobber');
    expect(snapshot.broker).toEqual({ host: new URL(broker.url).host });
    expect(snapshot.connection.status).toBe('disconnected');
  });

  it('Connect → broker authorize URL → consent → broker callback admitted → app callback caught → connected; Disconnect via the broker', async () => {
    expect(await h.invoke('connect')).toEqual({ ok: true });
    const page = h.authPage();
    if (!page) throw new Error('no auth window');
    const authorizeUrl = page.loadedUrls[0] ?? '';
    expect(new URL(authorizeUrl).origin).toBe(broker.sandbox.url);
    expect(new URL(authorizeUrl).searchParams.get('redirect_uri')).toBe(`${broker.url}/oauth/callback`);

    const brokerCallback = await followConsent(authorizeUrl, 'allow');
    // Jobber sends the browser to the broker: the auth window lets that load.
    expect(page.navigate('will-navigate', brokerCallback).defaultPrevented).toBe(false);
    // The broker redirects to the app's callback: caught before it loads, state checked as always.
    const appCallback = await broker.followCallback(brokerCallback);
    expect(new URL(appCallback).searchParams.has('handoff')).toBe(true);
    expect(page.navigate('will-redirect', appCallback).defaultPrevented).toBe(true);
    await waitFor(() => h.controller.snapshot().connection.status === 'connected', 'connected');

    const credential = vaultCredential();
    expect(credential).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(h.traffic)).not.toContain(credential);

    const result = await h.invoke('disconnect');
    expect(result).toMatchObject({ ok: true, jobberNotified: true });
    expect(broker.counters().disconnects).toBe(1);
    expect(broker.sandbox.control.counters().appDisconnects).toBe(1);
  });

  it('a page on neither Jobber, the API nor the broker is still refused in the auth window', async () => {
    expect(await h.invoke('connect')).toEqual({ ok: true });
    expect(h.authPage()?.navigate('will-navigate', 'https://evil.example/phish').defaultPrevented).toBe(true);
  });
});
