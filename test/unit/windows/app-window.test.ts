import { beforeEach, describe, expect, it } from 'vitest';
import type { Session as ElectronSession } from 'electron';
import { silentLogger } from '../../../electron/core/logger';
import { createAppWindow, hardenAppSession } from '../../../electron/windows/app-window';
import { BrowserWindow, FakeSession, resetElectronStub, shell } from '../../support/electron/electron-stub';

beforeEach(() => resetElectronStub());

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
