import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserWindow as ElectronBrowserWindow } from 'electron';
import { silentLogger } from '../../../electron/core/logger';
import { type AppSnapshot } from '../../../electron/ipc/contract';
import { wireName } from '../../../electron/ipc/channels';
import { createIpcMain, IpcRefusedError, isTrustedSender } from '../../../electron/ipc/ipc-main';
import { BrowserWindow, FakeWebFrameMain, ipcMain, resetElectronStub } from '../../support/electron/electron-stub';

const APP = 'app://jobber-connect';

function setup() {
  const window = new BrowserWindow({});
  window.webContents.mainFrame.url = `${APP}/index.html`;
  const ipc = createIpcMain({
    getAppWindow: () => window as unknown as ElectronBrowserWindow,
    appOrigin: APP,
    logger: silentLogger,
  });
  const calls: unknown[] = [];
  ipc.handle('connect', () => {
    calls.push('connect');
    return { ok: true } as const;
  });
  ipc.handle('get-state', () => {
    calls.push('get-state');
    const snapshot: AppSnapshot = { environment: 'sandbox', connection: { status: 'disconnected', lastError: null, notice: null }, activity: [], api: { version: null, versionWarning: null, account: 'unknown' } };
    return snapshot;
  });
  ipc.handle('save-settings', (update) => {
    calls.push(update);
    return { ok: false, fieldErrors: {} } as const;
  });
  ipc.handle('refresh-now', () => {
    throw new Error('boom with secret-ish text');
  });
  return { window, ipc, calls };
}

beforeEach(() => resetElectronStub());

describe('isTrustedSender', () => {
  it('compares the main frame’s origin case-insensitively, and nothing else passes', () => {
    const main = { url: 'app://jobber-connect/index.html', processId: 1, routingId: 2 };
    const cases: Array<[string, boolean]> = [
      ['app://jobber-connect/x', true],
      ['APP://Jobber-Connect/y', true],
      ['app://evil/', false],
      ['http://127.0.0.1:5173/', false],
      ['nonsense', false],
      ['about:blank', false],
    ];
    for (const [url, expected] of cases) {
      expect(isTrustedSender({ ...main, url }, { mainFrame: main, appOrigin: 'app://jobber-connect' }), url).toBe(expected);
    }
  });

  const main = new FakeWebFrameMain(`${APP}/index.html`, { processId: 4, routingId: 1 });
  it('accepts the main frame at our origin', () => {
    expect(isTrustedSender(main, { mainFrame: main, appOrigin: APP })).toBe(true);
    expect(isTrustedSender({ ...main, url: 'http://127.0.0.1:5173/' }, { mainFrame: main, appOrigin: 'http://127.0.0.1:5173' })).toBe(true);
  });
  it('refuses subframes, other origins, lookalikes and missing frames', () => {
    expect(isTrustedSender({ ...main, routingId: 2 }, { mainFrame: main, appOrigin: APP })).toBe(false);
    expect(isTrustedSender({ ...main, url: 'app://evil/index.html' }, { mainFrame: main, appOrigin: APP })).toBe(false);
    expect(isTrustedSender({ ...main, url: 'https://api.getjobber.com/' }, { mainFrame: main, appOrigin: APP })).toBe(false);
    expect(isTrustedSender({ ...main, url: 'http://127.0.0.1:5174/' }, { mainFrame: main, appOrigin: 'http://127.0.0.1:5173' })).toBe(false);
    expect(isTrustedSender(null, { mainFrame: main, appOrigin: APP })).toBe(false);
    expect(isTrustedSender(main, { mainFrame: null, appOrigin: APP })).toBe(false);
  });
});

describe('typed IPC wrapper', () => {
  it('registers every handler under its prefixed wire name', () => {
    setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      [wireName('connect'), wireName('get-state'), wireName('refresh-now'), wireName('save-settings')].sort(),
    );
  });

  it('runs the handler for our app window', async () => {
    const { window, calls } = setup();
    expect(await ipcMain.invoke(wireName('connect'), { sender: window.webContents })).toEqual({ ok: true });
    expect(calls).toEqual(['connect']);
  });

  it('refuses another window, a subframe, and a navigated-away main frame', async () => {
    const { window, calls } = setup();
    const other = new BrowserWindow({});
    other.webContents.mainFrame.url = `${APP}/index.html`;
    await expect(ipcMain.invoke(wireName('connect'), { sender: other.webContents })).rejects.toBeInstanceOf(IpcRefusedError);
    const sub = new FakeWebFrameMain(`${APP}/index.html`);
    await expect(
      ipcMain.invoke(wireName('get-state'), { sender: window.webContents, senderFrame: sub }),
    ).rejects.toBeInstanceOf(IpcRefusedError);
    await expect(
      ipcMain.invoke(wireName('connect'), { sender: window.webContents, senderFrame: null }),
    ).rejects.toBeInstanceOf(IpcRefusedError);
    window.webContents.mainFrame.url = 'https://evil.example/';
    await expect(ipcMain.invoke(wireName('connect'), { sender: window.webContents })).rejects.toBeInstanceOf(IpcRefusedError);
    expect(calls).toEqual([]);
  });

  it('refuses after the app window is closed', async () => {
    const { window } = setup();
    window.destroy();
    await expect(ipcMain.invoke(wireName('connect'), { sender: window.webContents })).rejects.toBeInstanceOf(IpcRefusedError);
  });

  it('answers bad input with a typed error result, without calling the handler', async () => {
    const { window, calls } = setup();
    expect(await ipcMain.invoke(wireName('connect'), { sender: window.webContents }, 'unexpected')).toEqual({
      ok: false,
      error: { kind: 'invalid-input', message: expect.any(String) },
    });
    const bad = await ipcMain.invoke(wireName('save-settings'), { sender: window.webContents }, {
      mode: 'production',
      clientId: 42,
      redirectUri: 'x',
      authMode: 'app-window',
      graphqlVersion: '2025-04-16',
      allowWeakStorage: false,
    });
    // The settings schema's own messages, field by field (the same the form shows).
    expect(bad).toEqual({
      ok: false,
      fieldErrors: {
        mode: 'Choose either Jobber or Sandbox.',
        clientId: 'Client ID must be text.',
        redirectUri: expect.stringMatching(/^Redirect URI is not a valid URL/),
      },
    });
    const extra = await ipcMain.invoke(wireName('save-settings'), { sender: window.webContents }, {
      mode: 'jobber', clientId: 'a', redirectUri: 'x', authMode: 'app-window', graphqlVersion: 'v', allowWeakStorage: false, evil: true,
    });
    expect(extra).toMatchObject({ ok: false });
    await expect(ipcMain.invoke(wireName('get-state'), { sender: window.webContents }, 1)).rejects.toBeInstanceOf(IpcRefusedError);
    expect(calls).toEqual([]);
  });

  it('passes valid input through parsed', async () => {
    const { window, calls } = setup();
    const update = { mode: 'jobber', clientId: 'abc', clientSecret: 's3cret-value', redirectUri: 'com.jobberconnect.app:/oauth/callback', authMode: 'system-browser', graphqlVersion: '2025-04-16', allowWeakStorage: false };
    await ipcMain.invoke(wireName('save-settings'), { sender: window.webContents }, update);
    // Parsed: the broker fields it left out come back with their defaults (this computer, no URL).
    expect(calls).toEqual([{ ...update, connectThrough: 'this-computer', brokerUrl: '' }]);
  });

  it('turns a handler exception into an internal error result that leaks nothing', async () => {
    const { window } = setup();
    const reply = await ipcMain.invoke(wireName('refresh-now'), { sender: window.webContents });
    expect(reply).toEqual({ ok: false, error: { kind: 'internal', message: expect.any(String) } });
    expect(JSON.stringify(reply)).not.toContain('boom');
  });

  it('send delivers to the live window only, and dispose removes handlers', () => {
    const { window, ipc } = setup();
    const snapshot = { environment: 'sandbox' as const, connection: { status: 'disconnected' as const, lastError: null, notice: null }, activity: [], api: { version: null, versionWarning: null, account: 'unknown' as const } };
    ipc.send(window as unknown as ElectronBrowserWindow, 'state-changed', snapshot);
    expect(window.webContents.sent).toEqual([{ channel: wireName('state-changed'), args: [snapshot] }]);
    window.destroy();
    ipc.send(window as unknown as ElectronBrowserWindow, 'state-changed', snapshot);
    expect(window.webContents.sent).toHaveLength(1);
    ipc.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});
