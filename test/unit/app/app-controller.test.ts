import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppSnapshot } from '../../../electron/ipc/contract';
import { followConsent } from '../../../sandbox/consent-driver';
import { connectSandboxControl } from '../../../sandbox/control-client';
import { app, Notification, resetElectronStub, safeStorage, safeStorageControl } from '../../support/electron/electron-stub';
import { createHarness } from '../../support/electron/main-harness';

type Harness = Awaited<ReturnType<typeof createHarness>>;
const harnesses: Harness[] = [];

async function harness(options?: Parameters<typeof createHarness>[0]) {
  const h = await createHarness(options);
  harnesses.push(h);
  return h;
}

beforeEach(() => {
  resetElectronStub();
  app.ready = true;
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.close();
    fs.rmSync(h.userDataDir, { recursive: true, force: true });
  }
});

async function waitFor<T>(read: () => T | null | undefined | false, label: string): Promise<T> {
  for (let i = 0; i < 500; i += 1) {
    const value = read();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${label}`);
}

function readVault(userDataDir: string): { accessToken: string; refreshToken: string } {
  const file = fs.readdirSync(userDataDir).find((name) => name.startsWith('connection-sandbox-') && name.endsWith('.json'));
  if (!file) throw new Error('no connection file');
  const record = JSON.parse(fs.readFileSync(path.join(userDataDir, file), 'utf8')).connection;
  return JSON.parse(safeStorage.decryptString(Buffer.from(record.ciphertext, 'base64'))).tokens;
}

async function connectThroughAuthWindow(h: Harness): Promise<string> {
  expect(await h.invoke('connect')).toEqual({ ok: true });
  const page = h.authPage();
  if (!page) throw new Error('no auth window');
  const authorizeUrl = page.loadedUrls[0] ?? '';
  const callbackUrl = await followConsent(authorizeUrl, 'allow');
  const event = page.navigate('will-redirect', callbackUrl);
  expect(event.defaultPrevented).toBe(true);
  await waitFor(() => (h.controller.snapshot().connection.status === 'connected' ? true : null), 'connected');
  return callbackUrl;
}

describe('main process wiring (sandbox, stubbed electron)', () => {
  it('with no credentials, starts the sandbox and labels the snapshot as sandbox', async () => {
    const h = await harness();
    await h.controller.start();
    const snapshot = (await h.invoke('get-state')) as AppSnapshot;
    expect(snapshot.environment).toBe('sandbox');
    expect(snapshot.connection.status).toBe('disconnected');
  });

  it('connect → allow → connected, refresh, disconnect; no token, code, state or secret crosses IPC', async () => {
    const h = await harness();
    await h.controller.start();
    const callbackUrl = await connectThroughAuthWindow(h);
    const snapshot = (await h.invoke('get-state')) as AppSnapshot;
    expect(snapshot.connection).toMatchObject({ status: 'connected', account: { name: 'Sandbox Landscaping Co.' } });
    expect(h.authWindow()).toBeNull();

    const first = readVault(h.userDataDir);
    expect(await h.invoke('refresh-now')).toEqual({ ok: true });
    const second = readVault(h.userDataDir);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await h.invoke('test-api')).toMatchObject({ ok: true, account: { name: 'Sandbox Landscaping Co.' } });
    const settings = await h.invoke('get-settings');
    expect(settings).toMatchObject({ mode: 'sandbox', clientSecretSaved: false });
    expect(settings).not.toHaveProperty('clientSecret');
    expect(await h.invoke('disconnect')).toMatchObject({ ok: true, jobberNotified: true });
    expect(((await h.invoke('get-state')) as AppSnapshot).connection.status).toBe('disconnected');

    const params = new URL(callbackUrl).searchParams;
    const secrets = [
      first.accessToken,
      first.refreshToken,
      second.accessToken,
      second.refreshToken,
      params.get('code') ?? 'missing-code',
      params.get('state') ?? 'missing-state',
      'sandbox-client-secret',
    ];
    const wire = JSON.stringify([h.traffic, h.appWindow.webContents.sent]);
    expect(h.traffic.length).toBeGreaterThan(10);
    expect(h.appWindow.webContents.sent.length).toBeGreaterThan(3);
    for (const secret of secrets) expect(wire).not.toContain(secret);
    // JWT-shaped strings never appear either.
    expect(wire).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });

  it('restart keeps the connection (sandbox grant persisted in userData)', async () => {
    const h1 = await harness();
    await h1.controller.start();
    await connectThroughAuthWindow(h1);
    await h1.close();
    const h2 = await harness({ userDataDir: h1.userDataDir });
    await h2.controller.start();
    const state = await waitFor(() => {
      const s = h2.controller.snapshot().connection;
      return s.status === 'connected' ? s : null;
    }, 'connected after restart');
    expect(state.account.name).toBe('Sandbox Landscaping Co.');
    expect(await h2.invoke('refresh-now')).toEqual({ ok: true });
  });

  it('closing the auth window cancels the connect', async () => {
    const h = await harness();
    await h.controller.start();
    await h.invoke('connect');
    expect(h.controller.snapshot().connection.status).toBe('connecting');
    h.authWindow()?.close();
    expect(h.controller.snapshot().connection.status).toBe('disconnected');
  });

  it('a second connect focuses the open auth window; cancel closes it', async () => {
    const h = await harness();
    await h.controller.start();
    await h.invoke('connect');
    const win = h.authWindow();
    await h.invoke('connect');
    expect(h.authWindow()).toBe(win);
    expect(win?.focusCount).toBe(1);
    expect(await h.invoke('cancel')).toEqual({ ok: true });
    expect(win?.destroyed).toBe(true);
    expect(h.controller.snapshot().connection.status).toBe('disconnected');
  });

  it('a callback with no pending request is refused with a typed error, never accepted', async () => {
    const h = await harness({ env: { JOBBER_AUTH_MODE: 'system-browser' } });
    await h.controller.start();
    await h.controller.handleExternalCallback('com.jobberconnect.app:/oauth/callback?code=marketplace-code');
    const snapshot = h.controller.snapshot();
    expect(snapshot.connection.status).toBe('disconnected');
    expect(snapshot.activity[0]?.message).toMatch(/sign-in response/i);
    expect(JSON.stringify(snapshot)).not.toContain('marketplace-code');
  });

  it('denial in the auth window shows the denied error', async () => {
    const h = await harness();
    await h.controller.start();
    await h.invoke('connect');
    const page = h.authPage();
    const callbackUrl = await followConsent(page?.loadedUrls[0] ?? '', 'deny');
    page?.navigate('will-redirect', callbackUrl);
    const state = await waitFor(() => {
      const s = h.controller.snapshot().connection;
      return s.status === 'disconnected' && s.lastError ? s : null;
    }, 'denied');
    expect(state.lastError?.kind).toBe('denied');
  });

  it('system-browser mode opens the validated authorize URL externally and handles the OS callback', async () => {
    const h = await harness({ env: { JOBBER_AUTH_MODE: 'system-browser' } });
    const { shell } = await import('../../support/electron/electron-stub');
    await h.controller.start();
    expect(await h.invoke('connect')).toEqual({ ok: true });
    expect(h.authWindow()).toBeNull();
    const authorizeUrl = shell.opened.at(-1) ?? '';
    expect(authorizeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/oauth\/authorize\?/);
    const callbackUrl = await followConsent(authorizeUrl, 'allow');
    await h.controller.handleExternalCallback(callbackUrl);
    expect(h.controller.snapshot().connection.status).toBe('connected');
  });

  it('reports a sign-in as completing only while Jobber\'s answer is exchanged and saved', async () => {
    const h = await harness({ env: { JOBBER_AUTH_MODE: 'system-browser' } });
    const { shell } = await import('../../support/electron/electron-stub');
    await h.controller.start();
    await h.invoke('connect');
    const authorizeUrl = shell.opened.at(-1) ?? '';
    expect(h.controller.isCompletingSignIn()).toBe(false);
    await connectSandboxControl(new URL(authorizeUrl).origin).injectFault('token', { kind: 'delay', ms: 400 });
    const callbackUrl = await followConsent(authorizeUrl, 'allow');
    const done = h.controller.handleExternalCallback(callbackUrl);
    await waitFor(() => h.controller.isCompletingSignIn() || null, 'completing');
    await done;
    expect(h.controller.isCompletingSignIn()).toBe(false);
    expect(h.controller.snapshot().connection.status).toBe('connected');
  });

  it('system-browser mode: a bare callback from outside (any web page can fire one) does not end the pending sign-in', async () => {
    const h = await harness({ env: { JOBBER_AUTH_MODE: 'system-browser' } });
    const { shell } = await import('../../support/electron/electron-stub');
    await h.controller.start();
    await h.invoke('connect');
    await h.controller.handleExternalCallback('com.jobberconnect.app:/oauth/callback');
    const snapshot = h.controller.snapshot();
    expect(snapshot.connection.status).toBe('connecting');
    expect(snapshot.activity[0]?.message).toMatch(/without details.*press Cancel/);
    const callbackUrl = await followConsent(shell.opened.at(-1) ?? '', 'allow');
    await h.controller.handleExternalCallback(callbackUrl);
    expect(h.controller.snapshot().connection.status).toBe('connected');
  });

  it('system-browser mode with a loopback redirect listens only while the request is pending', async () => {
    const portProbe = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const server = portProbe.createServer().listen(0, '127.0.0.1', () => {
        const p = (server.address() as { port: number }).port;
        server.close(() => resolve(p));
      });
    });
    const redirect = `http://127.0.0.1:${port}/oauth/callback`;
    const h = await harness({ env: { JOBBER_AUTH_MODE: 'system-browser', JOBBER_REDIRECT_URI: redirect } });
    const { shell } = await import('../../support/electron/electron-stub');
    await h.controller.start();
    await expect(fetch(redirect)).rejects.toThrow();
    await h.invoke('connect');
    const callbackUrl = await followConsent(shell.opened.at(-1) ?? '', 'allow');
    expect(callbackUrl.startsWith(redirect)).toBe(true);
    const page = await fetch(callbackUrl);
    expect(page.status).toBe(200);
    await waitFor(() => (h.controller.snapshot().connection.status === 'connected' ? true : null), 'connected');
    await waitFor(async () => true, 'tick');
    await expect(fetch(redirect)).rejects.toThrow();
  });

  it('storage unavailable (basic_text refused) is reported and notified once; allowing weak storage fixes it', async () => {
    safeStorageControl.backend = 'basic_text';
    const h = await harness();
    const { createConnectionNotifier } = await import('../../../electron/app/notifier');
    const notify = createConnectionNotifier({ show: (title, body) => new Notification({ title, body }).show() });
    notify(h.controller.snapshot().connection);
    await h.controller.start();
    const state = h.controller.snapshot().connection;
    notify(state);
    notify(state);
    expect(state).toMatchObject({ status: 'storage-unavailable', reason: 'basic-text' });
    expect(Notification.shown).toHaveLength(1);
    const saved = await h.invoke('save-settings', {
      mode: 'sandbox',
      clientId: '',
      redirectUri: 'com.jobberconnect.app:/oauth/callback',
      authMode: 'app-window',
      graphqlVersion: '2025-04-16',
      allowWeakStorage: true,
    });
    expect(saved).toMatchObject({ ok: true, settings: { allowWeakStorage: true } });
    expect(h.controller.snapshot().connection.status).toBe('disconnected');
  });

  it('saving Jobber credentials stores the secret sealed, never plain, and never returns it', async () => {
    const h = await harness();
    await h.controller.start();
    const secret = 'jobber-client-secret-value-xyz';
    const result = await h.invoke('save-settings', {
      mode: 'jobber',
      clientId: 'my-client-id',
      clientSecret: secret,
      redirectUri: 'com.jobberconnect.app:/oauth/callback',
      authMode: 'app-window',
      graphqlVersion: '2025-04-16',
      allowWeakStorage: false,
    });
    expect(result).toMatchObject({ ok: true, settings: { mode: 'jobber', clientId: 'my-client-id', clientSecretSaved: true } });
    expect(JSON.stringify(result)).not.toContain(secret);
    const file = fs.readFileSync(path.join(h.userDataDir, 'settings.json'), 'utf8');
    expect(file).not.toContain(secret);
    expect(JSON.parse(file).clientSecret).toMatchObject({ version: 1, backend: 'gnome_libsecret' });
    const snapshot = h.controller.snapshot();
    expect(snapshot.environment).toBe('jobber');
    expect(snapshot.connection.status).toBe('disconnected');
    const outbound = h.traffic.filter((record) => record.direction === 'out');
    expect(JSON.stringify([outbound, h.appWindow.webContents.sent])).not.toContain(secret);
  });

  it('a settings update missing the secret in Jobber mode gets field errors', async () => {
    const h = await harness();
    await h.controller.start();
    const result = await h.invoke('save-settings', {
      mode: 'jobber',
      clientId: 'my-client-id',
      redirectUri: 'com.jobberconnect.app:/oauth/callback',
      authMode: 'app-window',
      graphqlVersion: '2025-04-16',
      allowWeakStorage: false,
    });
    expect(result).toMatchObject({ ok: false, fieldErrors: { clientSecret: expect.any(String) } });
  });

  it('a blocked sign-in page (Google/Apple SSO) is reported in the activity list and as a notification, host only', async () => {
    const h = await harness();
    await h.controller.start();
    await h.invoke('connect');
    const page = h.authPage();
    const event = page?.navigate('will-navigate', 'https://accounts.google.com/o/oauth2/auth?client_id=x&state=private-state');
    expect(event?.defaultPrevented).toBe(true);
    const snapshot = (await h.invoke('get-state')) as AppSnapshot;
    const entry = snapshot.activity[0];
    expect(entry?.level).toBe('warning');
    expect(entry?.message).toContain('accounts.google.com');
    expect(entry?.message).toMatch(/System browser/);
    expect(entry?.message).toMatch(/Settings/);
    expect(h.notifications).toHaveLength(1);
    expect(h.notifications[0]?.body).toBe(entry?.message);
    expect(JSON.stringify([snapshot, h.notifications])).not.toContain('private-state');
    // Still connecting: the person can go on with another sign-in method or cancel.
    expect(snapshot.connection.status).toBe('connecting');
    // The same host again adds nothing.
    page?.navigate('will-navigate', 'https://accounts.google.com/other');
    expect(((await h.invoke('get-state')) as AppSnapshot).activity.filter((a) => a.message.includes('accounts.google.com'))).toHaveLength(1);
  });

  it('system-browser mode with a portless loopback redirect: not configured, the problem names the port, Connect starts nothing', async () => {
    const h = await harness({ env: { JOBBER_AUTH_MODE: 'system-browser', JOBBER_REDIRECT_URI: 'http://localhost/oauth/callback' } });
    const { shell } = await import('../../support/electron/electron-stub');
    await h.controller.start();
    const connection = h.controller.snapshot().connection;
    expect(connection.status).toBe('not-configured');
    expect(connection.status === 'not-configured' && connection.problems.join(' ')).toMatch(/explicit port/);
    const result = await h.invoke('connect');
    expect(result).toMatchObject({ ok: false });
    expect(shell.opened).toEqual([]);
  });
});
