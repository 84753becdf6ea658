import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Session as ElectronSession } from 'electron';
import type { ConnectionState } from '../../../electron/ipc/connection-state';
import { silentLogger } from '../../../electron/core/logger';
import { appMenuTemplate } from '../../../electron/app/app-menu';
import { findCallbackUrl } from '../../../electron/app/callback-args';
import { loopbackPort, type LoopbackListener } from '../../../electron/app/loopback-listener';
import { LoopbackReceiver } from '../../../electron/app/loopback-receiver';
import { createConnectionNotifier } from '../../../electron/app/notifier';
import { wireSystemEvents } from '../../../electron/app/system-events';
import { createAppWindow, hardenAppSession } from '../../../electron/windows/app-window';
import { BrowserWindow, FakeSession, resetElectronStub, shell } from '../../support/electron/electron-stub';
import { FakeClock } from '../../support/fake-clock';

beforeEach(() => resetElectronStub());

describe('notifier', () => {
  const needs = (reason: 'refresh-rejected' | 'storage-changed'): ConnectionState => ({ status: 'needs-reconnect', reason, account: null, message: `m ${reason}` });
  it('notifies once per cause, again only after a healthy connection', () => {
    const shown: string[] = [];
    const notify = createConnectionNotifier({ show: (_title, body) => shown.push(body) });
    notify(needs('refresh-rejected'));
    notify(needs('refresh-rejected'));
    notify({ status: 'storage-unavailable', reason: 'no-keyring', message: 'keyring' });
    notify(needs('storage-changed'));
    notify({ status: 'disconnected', lastError: null, notice: null });
    notify(needs('refresh-rejected'));
    expect(shown).toEqual(['m refresh-rejected', 'keyring', 'm storage-changed']);
    notify({ status: 'connected' } as ConnectionState);
    notify(needs('refresh-rejected'));
    expect(shown).toHaveLength(4);
  });
});

describe('system events', () => {
  it('forwards resume, and network only on an offline → online transition; stops cleanly', async () => {
    const clock = new FakeClock();
    const power = new EventEmitter();
    let online = true;
    const calls: string[] = [];
    const stop = wireSystemEvents({
      powerMonitor: power as never,
      isOnline: () => online,
      clock,
      pollMs: 1000,
      target: () => ({ systemResumed: () => calls.push('resume'), networkOnline: () => calls.push('online') }),
    });
    power.emit('resume');
    await clock.advance(1000);
    online = false;
    await clock.advance(1000);
    await clock.advance(1000);
    online = true;
    await clock.advance(1000);
    await clock.advance(1000);
    expect(calls).toEqual(['resume', 'online']);
    stop();
    power.emit('resume');
    expect(calls).toHaveLength(2);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('callback arguments and loopback', () => {
  it('finds the callback in argv and ignores flags and lookalikes', () => {
    const redirect = 'com.jobberconnect.app:/oauth/callback';
    expect(findCallbackUrl(['/app', '--x=com.jobberconnect.app:/oauth/callback', `${redirect}?code=1`], redirect)).toBe(`${redirect}?code=1`);
    expect(findCallbackUrl(['/app', 'com.jobberconnect.evil:/oauth/callback?code=1'], redirect)).toBeNull();
  });
  it('listens only for explicit-port loopback http redirect URIs', () => {
    expect(loopbackPort('http://127.0.0.1:8765/callback')).toBe(8765);
    expect(loopbackPort('http://localhost:3000/auth')).toBe(3000);
    expect(loopbackPort('http://127.0.0.1/callback')).toBeNull();
    expect(loopbackPort('https://127.0.0.1:8765/callback')).toBeNull();
    expect(loopbackPort('http://example.com:8765/callback')).toBeNull();
    expect(loopbackPort('com.jobberconnect.app:/oauth/callback')).toBeNull();
  });
});

describe('app window', () => {
  function open() {
    const saved: unknown[] = [];
    const win = createAppWindow({
      preloadPath: '/app/dist/preload/preload.js',
      rendererUrl: 'app://jobber-connect/index.html',
      appOrigin: 'app://jobber-connect',
      bounds: null,
      logger: silentLogger,
      openExternal: (url) => void shell.openExternal(url),
      onBoundsChanged: (b) => saved.push(b),
    }) as unknown as BrowserWindow;
    return { win, saved };
  }

  it('stays hidden until ready-to-show, then loads the app origin', () => {
    const { win } = open();
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    expect(win.webContents.loadedUrls).toEqual(['app://jobber-connect/index.html']);
  });

  it('blocks navigation away from the app origin, including lookalikes', () => {
    const { win } = open();
    expect(win.webContents.navigate('will-navigate', 'app://jobber-connect/settings').defaultPrevented).toBe(false);
    for (const url of ['https://evil.example/', 'app://jobber-connect.evil/', 'file:///etc/passwd', 'http://127.0.0.1:5173/']) {
      expect(win.webContents.navigate('will-navigate', url).defaultPrevented).toBe(true);
      expect(win.webContents.navigate('will-frame-navigate', url).defaultPrevented).toBe(true);
    }
  });

  it('denies window.open, sending Jobber help links to the browser', () => {
    const { win } = open();
    expect(win.webContents.openWindow('https://help.getjobber.com/x')).toEqual({ action: 'deny' });
    expect(win.webContents.openWindow('https://evil.example/')).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://help.getjobber.com/x']);
  });

  it('remembers its bounds when closed', () => {
    const { win, saved } = open();
    win.setBounds({ x: 5, y: 6, width: 900, height: 650 });
    win.close();
    expect(saved).toEqual([{ x: 5, y: 6, width: 900, height: 650 }]);
  });

  it('hardenAppSession denies permissions and replaces any CSP header with ours', async () => {
    const ses = new FakeSession('default');
    hardenAppSession(ses as unknown as ElectronSession, "default-src 'none'");
    expect(await ses.requestPermission('media')).toBe(false);
    const headers = await new Promise<Record<string, string[]> | undefined>((resolve) =>
      ses.headersListener?.({ url: 'http://127.0.0.1:5173/', responseHeaders: { 'content-security-policy': ['*'], 'x-other': ['1'] } }, (r) => resolve(r.responseHeaders)),
    );
    expect(headers).toEqual({ 'x-other': ['1'], 'Content-Security-Policy': ["default-src 'none'"] });
  });
});

describe('app menu', () => {
  it('has an Open Logs Folder item', () => {
    let opened = 0;
    const template = appMenuTemplate({ platform: 'linux', packaged: true, openLogsFolder: () => (opened += 1) });
    const item = template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : [])).find((m) => m.label === 'Open Logs Folder');
    (item?.click as (() => void) | undefined)?.();
    expect(opened).toBe(1);
  });
});

describe('app menu and DevTools', () => {
  type Item = { role?: string; label?: string; submenu?: unknown };
  const flatten = (items: Item[]): Item[] =>
    items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu as Item[]) : [])]);
  const roles = (items: Item[]) => flatten(items).map((item) => item.role?.toLowerCase());

  it.each(['linux', 'darwin', 'win32'] as const)('packaged (%s): no DevTools, reload or the built-in View menu that carries them', (platform) => {
    const template = appMenuTemplate({ platform, packaged: true, openLogsFolder: () => {} }) as Item[];
    const all = roles(template);
    // 'viewMenu' expands to Reload, Force Reload and Toggle Developer Tools.
    for (const role of ['viewmenu', 'toggledevtools', 'reload', 'forcereload']) expect(all).not.toContain(role);
    const view = template.find((item) => item.label === 'View');
    expect(roles((view?.submenu as Item[] | undefined) ?? [])).toEqual(
      expect.arrayContaining(['resetzoom', 'zoomin', 'zoomout', 'togglefullscreen']),
    );
  });

  it('unpackaged (development): keeps the standard View menu with DevTools', () => {
    expect(roles(appMenuTemplate({ platform: 'linux', packaged: false, openLogsFolder: () => {} }) as Item[])).toContain('viewmenu');
  });

  it('window options turn DevTools off unless asked, for both windows', async () => {
    const { appWindowOptions, authWindowOptions } = await import('../../../electron/windows/window-options');
    expect(authWindowOptions('auth-x').webPreferences?.devTools).toBe(false);
    expect(appWindowOptions('/p.js', null).webPreferences?.devTools).toBe(false);
    expect(authWindowOptions('auth-x', { devTools: true }).webPreferences?.devTools).toBe(true);
    expect(appWindowOptions('/p.js', null, { devTools: true }).webPreferences?.devTools).toBe(true);
  });
});

describe('loopback receiver', () => {
  it('LoopbackReceiver starts one listener for concurrent Connects and closes it on stop', async () => {
    let starts = 0;
    let closes = 0;
    let release: () => void = () => {};
    const bound = new Promise<void>((resolve) => {
      release = resolve;
    });
    const receiver = new LoopbackReceiver(
      () => {},
      () => true,
      async (options): Promise<LoopbackListener> => {
        starts += 1;
        await bound;
        return { port: options.port, hosts: ['127.0.0.1'], close: async () => void (closes += 1) };
      },
    );
    const first = receiver.ensure('http://127.0.0.1:4567/cb');
    const second = receiver.ensure('http://127.0.0.1:4567/cb');
    release();
    await Promise.all([first, second]);
    await receiver.ensure('http://127.0.0.1:4567/cb');
    expect(starts).toBe(1);
    await receiver.stop();
    await receiver.stop();
    expect(closes).toBe(1);
    await receiver.ensure('com.jobberconnect.app:/oauth/callback');
    expect(starts).toBe(1);
    await expect(receiver.ensure('http://127.0.0.1/cb')).rejects.toMatchObject({ kind: 'misconfigured' });
  });
});
