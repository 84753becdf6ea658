/**
 * electron/main.ts against the stub: what it registers before `ready`, what `ready` builds (window,
 * protocol, CSP, menu, IPC), the callback entry points and the held quit. Each test loads a fresh
 * copy of main and of the stub (vi.resetModules), since main runs at import.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS } from '../../../electron/ipc/channels';
import { startBrokerUnderTest, type BrokerUnderTest } from '../../support/broker-mode/fake-broker';

vi.mock('../../../electron/app/logging', () => ({
  createAppLogger: () => ({ info: () => {}, warn: () => {}, error: () => {} }),
  logsFolder: (dir: string) => `${dir}/logs`,
}));

type Stub = typeof import('../../support/electron/electron-stub');
let userData: string;
let processListeners: { exception: NodeJS.UncaughtExceptionListener[]; rejection: NodeJS.UnhandledRejectionListener[] };

async function loadMain(configure: (stub: Stub) => void = () => {}): Promise<Stub> {
  vi.resetModules();
  const stub = await import('../../support/electron/electron-stub');
  stub.resetElectronStub();
  stub.app.setPath('userData', userData);
  configure(stub);
  await import('../../../electron/main');
  return stub;
}

async function until(check: () => boolean, label: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out: ${label}`);
}

async function ready(stub: Stub) {
  stub.app.ready = true;
  stub.app.emit('ready');
  await until(() => stub.ipcMain.handlers.size === INVOKE_CHANNELS.length && stub.BrowserWindow.instances.length === 1, 'ready');
  // Let the controller finish starting (sandbox up, session loaded).
  const win = stub.BrowserWindow.instances[0]!;
  win.webContents.mainFrame.url = 'app://jobber-connect/index.html';
  await until(() => win.webContents.sent.length > 0, 'first snapshot');
  return win;
}

beforeEach(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-main-wiring-'));
  processListeners = { exception: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection') };
});

afterEach(async () => {
  const stub = await import('../../support/electron/electron-stub');
  // Quit cleanly so the sandbox and session stop.
  const event = new stub.FakeEvent();
  stub.app.emit('before-quit', event);
  await until(() => stub.app.quitCalls > 0, 'quit').catch(() => undefined);
  for (const l of process.listeners('uncaughtException')) if (!processListeners.exception.includes(l)) process.off('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection')) if (!processListeners.rejection.includes(l)) process.off('unhandledRejection', l);
  fs.rmSync(userData, { recursive: true, force: true });
});

describe('main.ts', () => {
  it('before ready: registers the app scheme as privileged and the open-url handler', async () => {
    const stub = await loadMain();
    expect(stub.protocol.privileged).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(stub.app.listenerCount('open-url')).toBe(1);
    expect(stub.app.listenerCount('second-instance')).toBe(1);
    expect(stub.BrowserWindow.instances).toHaveLength(0);
    await ready(stub);
  });

  it('JOBBER_CONNECT_USER_DATA moves userData only in an unpackaged build', async () => {
    const elsewhere = path.join(userData, 'elsewhere');
    process.env.JOBBER_CONNECT_USER_DATA = elsewhere;
    try {
      const packaged = await loadMain((s) => {
        s.app.isPackaged = true;
      });
      expect(packaged.app.getPath('userData')).toBe(userData);
      const development = await loadMain();
      expect(development.app.getPath('userData')).toBe(elsewhere);
    } finally {
      delete process.env.JOBBER_CONNECT_USER_DATA;
    }
  });

  it('quits at once when another instance holds the lock', async () => {
    const stub = await loadMain((s) => {
      s.app.singleInstanceLock = false;
    });
    expect(stub.app.quitCalls).toBe(1);
    expect(stub.app.listenerCount('open-url')).toBe(0);
  });

  it('on ready: hardened app window on app://, CSP on the session, menu, typed IPC in sandbox mode', async () => {
    fs.chmodSync(userData, 0o755);
    const stub = await loadMain();
    const win = await ready(stub);
    if (process.platform !== 'win32') expect(fs.statSync(userData).mode & 0o777).toBe(0o700);
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(String(win.options.webPreferences?.preload)).toMatch(/preload[\\/]preload\.js$/);
    expect(win.webContents.loadedUrls).toEqual(['app://jobber-connect/index.html']);
    expect(stub.protocol.isProtocolHandled('app')).toBe(true);

    const headers = await new Promise<Record<string, string[]> | undefined>((resolve) =>
      stub.session.defaultSession.headersListener?.({ url: 'app://jobber-connect/', responseHeaders: {} }, (r) => resolve(r.responseHeaders)),
    );
    expect(headers?.['Content-Security-Policy']?.[0]).toContain("default-src 'none'");
    expect(await stub.session.defaultSession.requestPermission('notifications')).toBe(false);

    const menu = stub.Menu.current as { template: Array<{ submenu?: Array<{ label?: string; click?: () => void }> }> };
    const item = menu.template.flatMap((m) => m.submenu ?? []).find((m) => m.label === 'Open Logs Folder');
    item?.click?.();
    expect(stub.shell.openedPaths).toEqual([`${userData}/logs`]);

    // Only our contract channels remain: library channels (electron-store, electron-log) are removed.
    expect([...stub.ipcMain.handlers.keys()].every((c) => c.startsWith('jobber-connect:'))).toBe(true);
    expect(stub.ipcMain.listeners.has('electron-store-get-data')).toBe(false);
    const state = (await stub.ipcMain.invoke('jobber-connect:get-state', { sender: win.webContents })) as { environment: string };
    expect(state.environment).toBe('sandbox');
    const other = new stub.BrowserWindow({});
    other.webContents.mainFrame.url = 'app://jobber-connect/index.html';
    await expect(stub.ipcMain.invoke('jobber-connect:get-state', { sender: other.webContents })).rejects.toThrow();
  });

  it('system-browser mode: registers the scheme and routes OS callbacks (open-url before ready, second-instance argv) to the session, which refuses strays', async () => {
    process.env.JOBBER_AUTH_MODE = 'system-browser';
    try {
      const stub = await loadMain();
      const early = new stub.FakeEvent();
      stub.app.emit('open-url', early, 'com.jobberconnect.app:/oauth/callback?code=early-code');
      expect(early.defaultPrevented).toBe(true);
      const win = await ready(stub);
      expect(stub.app.defaultProtocolClients.map((c) => c.scheme)).toEqual(['com.jobberconnect.app']);
      const activity = async () =>
        ((await stub.ipcMain.invoke('jobber-connect:get-state', { sender: win.webContents })) as { activity: Array<{ message: string }> }).activity;
      await until(() => win.webContents.sent.some((m) => JSON.stringify(m).includes('Ignored a sign-in response')), 'early callback handled');
      const before = (await activity()).length;
      stub.app.emit('second-instance', new stub.FakeEvent(), ['/usr/bin/jobber-connect', '--flag', 'com.jobberconnect.app:/oauth/callback?code=second-code'], '/');
      await until(() => win.webContents.sent.filter((m) => JSON.stringify(m).includes('Ignored a sign-in response')).length >= 2, 'second callback');
      expect((await activity()).length).toBeGreaterThan(before);
      expect(win.focusCount).toBeGreaterThan(0);
      expect(JSON.stringify(win.webContents.sent)).not.toMatch(/early-code|second-code/);
    } finally {
      delete process.env.JOBBER_AUTH_MODE;
    }
  });

  it('app-window mode: the scheme is not registered and OS callbacks (open-url, second-instance, argv) are ignored entirely', async () => {
    const stub = await loadMain();
    stub.app.emit('open-url', new stub.FakeEvent(), 'com.jobberconnect.app:/oauth/callback?error=access_denied');
    const win = await ready(stub);
    expect(stub.app.defaultProtocolClients).toEqual([]);
    const activity = async () =>
      ((await stub.ipcMain.invoke('jobber-connect:get-state', { sender: win.webContents })) as { activity: Array<{ message: string }> }).activity;
    const before = await activity();
    stub.app.emit('open-url', new stub.FakeEvent(), 'com.jobberconnect.app:/oauth/callback?code=late-code');
    stub.app.emit('second-instance', new stub.FakeEvent(), ['/usr/bin/jobber-connect', 'com.jobberconnect.app:/oauth/callback'], '/');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await activity()).toEqual(before);
    expect(JSON.stringify(before)).not.toMatch(/sign-in response/i);
  });

  it('does not quit while a sign-in completes with no window left: reopens the app window instead', async () => {
    const stub = await loadMain();
    const win = await ready(stub);
    const { AppController } = await import('../../../electron/app/app-controller');
    vi.spyOn(AppController.prototype, 'isCompletingSignIn').mockReturnValue(true);
    win.close();
    const before = stub.BrowserWindow.instances.length;
    stub.app.emit('window-all-closed');
    expect(stub.app.quitCalls).toBe(0);
    expect(stub.BrowserWindow.instances.length).toBe(before + 1);
  });

  it('quits when the last window closes, even with a sign-in pending in the browser (only a completing one holds it)', async () => {
    const stub = await loadMain();
    const win = await ready(stub);
    await stub.ipcMain.invoke('jobber-connect:connect', { sender: win.webContents });
    for (const w of [...stub.BrowserWindow.instances]) w.close();
    stub.app.emit('window-all-closed');
    await until(() => stub.app.quitCalls === 1, 'quit');
  });

  it('a failure while getting ready shows an error box and exits instead of leaving an invisible process', async () => {
    const stub = await loadMain((s) => {
      s.Menu.buildFromTemplate = () => {
        throw new Error('menu exploded');
      };
    });
    stub.app.ready = true;
    stub.app.emit('ready');
    await until(() => stub.dialog.errorBoxes.length === 1, 'error box');
    expect(stub.dialog.errorBoxes[0]).toEqual({ title: 'Jobber Connect could not start', content: expect.stringContaining('menu exploded') });
    expect(stub.app.quitCalls).toBeGreaterThan(0);
  });

  it('holds the quit until the session has stopped, then quits', async () => {
    const stub = await loadMain();
    await ready(stub);
    const event = new stub.FakeEvent();
    stub.app.emit('before-quit', event);
    expect(event.defaultPrevented).toBe(true);
    expect(stub.app.quitCalls).toBe(0);
    await until(() => stub.app.quitCalls === 1, 'quit after stop');
    const again = new stub.FakeEvent();
    stub.app.emit('before-quit', again);
    expect(again.defaultPrevented).toBe(false);
  });

  it.each([
    { packaged: true, devTools: false },
    { packaged: false, devTools: true },
  ])('packaged=$packaged: DevTools $devTools on both windows; packaged menus have no DevTools or reload', async ({ packaged, devTools }) => {
    const stub = await loadMain((s) => {
      s.app.isPackaged = packaged;
    });
    const win = await ready(stub);
    expect(win.options.webPreferences?.devTools).toBe(devTools);
    await stub.ipcMain.invoke('jobber-connect:connect', { sender: win.webContents });
    const authWindow = stub.BrowserWindow.instances.find((w) => w !== win);
    expect(authWindow?.options.webPreferences?.devTools).toBe(devTools);
    const menu = stub.Menu.current as { template: Array<{ role?: string; submenu?: Array<{ role?: string }> }> };
    const roles = menu.template.flatMap((m) => [m.role, ...(m.submenu ?? []).map((s) => s.role)]).map((r) => r?.toLowerCase());
    if (packaged) {
      for (const role of ['viewmenu', 'toggledevtools', 'reload', 'forcereload']) expect(roles).not.toContain(role);
    } else {
      expect(roles).toContain('viewmenu');
    }
  });
});

describe('main.ts: Marketplace pairing links (their own path, apart from sign-in callbacks)', () => {
  let broker: BrokerUnderTest | null = null;
  const saved = { ...process.env };

  afterEach(async () => {
    for (const name of ['JOBBER_CONNECT_DEFAULT_BROKER_URL', 'JOBBER_API_BASE_URL']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await broker?.close();
    broker = null;
  });

  /** A build carrying a default broker (the fake in front of the sandbox), nothing else configured. */
  async function withBuiltInBroker(): Promise<BrokerUnderTest> {
    broker = await startBrokerUnderTest();
    process.env.JOBBER_CONNECT_DEFAULT_BROKER_URL = broker.url;
    process.env.JOBBER_API_BASE_URL = broker.sandbox.url;
    return broker;
  }

  type Snapshot = { connection: { status: string }; pairing?: { account: { name: string } } | null; broker?: { host: string } | null; activity: Array<{ message: string }> };
  const snapshotOf = (stub: Stub, win: InstanceType<Stub['BrowserWindow']>) =>
    stub.ipcMain.invoke('jobber-connect:get-state', { sender: win.webContents }) as Promise<Snapshot>;

  it('second-instance argv: preview → the account shown for confirmation → confirm redeems and connects', async () => {
    const b = await withBuiltInBroker();
    const link = await b.marketplacePairingLink();
    const code = new URL(link).searchParams.get('pairing')!;
    const stub = await loadMain();
    const win = await ready(stub);
    expect((await snapshotOf(stub, win)).broker).toEqual({ host: new URL(b.url).host });

    stub.app.emit('second-instance', new stub.FakeEvent(), ['/usr/bin/jobber-connect', '--flag', link], '/');
    await until(() => win.webContents.sent.some((m) => JSON.stringify(m).includes('"pairing":{"account"')), 'pairing shown');
    const waiting = await snapshotOf(stub, win);
    expect(waiting.pairing?.account.name).toBe('Sandbox Landscaping Co.');
    expect(waiting.connection.status).toBe('disconnected');

    const answer = await stub.ipcMain.invoke('jobber-connect:confirm-pairing', { sender: win.webContents });
    expect(answer).toEqual({ ok: true });
    const after = await snapshotOf(stub, win);
    expect(after.connection.status).toBe('connected');
    expect(after.pairing).toBeNull();
    expect(JSON.stringify(win.webContents.sent)).not.toContain(code);
  });

  it('open-url before ready is queued and handled once started; decline connects nothing', async () => {
    const b = await withBuiltInBroker();
    const link = await b.marketplacePairingLink();
    const stub = await loadMain();
    const early = new stub.FakeEvent();
    stub.app.emit('open-url', early, link);
    expect(early.defaultPrevented).toBe(true);
    const win = await ready(stub);
    await until(() => win.webContents.sent.some((m) => JSON.stringify(m).includes('"pairing":{"account"')), 'pairing shown');
    expect(await stub.ipcMain.invoke('jobber-connect:decline-pairing', { sender: win.webContents })).toEqual({ ok: true });
    const after = await snapshotOf(stub, win);
    expect(after.pairing).toBeNull();
    expect(after.connection.status).toBe('disconnected');
    expect(after.activity.map((entry) => entry.message)).toContain('Pairing declined: nothing was connected.');
    // Never fed to the sign-in callback path.
    expect(JSON.stringify(after.activity)).not.toMatch(/sign-in response/i);
  });

  it('in a mode other than broker, a pairing link is ignored with an activity line', async () => {
    const stub = await loadMain();
    const win = await ready(stub);
    stub.app.emit('second-instance', new stub.FakeEvent(), ['/usr/bin/jobber-connect', 'com.jobberconnect.app:/oauth/pair?pairing=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde'], '/');
    await until(() => JSON.stringify(win.webContents.sent).includes('pairing link was ignored'), 'ignored');
    const state = await snapshotOf(stub, win);
    expect(state.activity[0]?.message).toBe(
      'A Jobber App Marketplace pairing link was ignored: Jobber Connect is not set to connect through a broker (Settings → Connect through).',
    );
    expect(state.pairing ?? null).toBeNull();
    expect(JSON.stringify(state.activity)).not.toMatch(/sign-in response/i);
  });
});
