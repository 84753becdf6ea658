/**
 * The app window: hardened options, shown on `ready-to-show`, navigation pinned to the app's own
 * origin, pop-ups denied (Jobber help links go to the browser), size and position remembered.
 * `hardenAppSession` adds the CSP header and denies permissions on the app's session.
 */
import { BrowserWindow } from 'electron';
import type { Event as ElectronEvent, Session } from 'electron';
import type { Logger } from '../core/logger';
import { redact } from '../core/redact';
import { isOnOrigin } from '../core/url';
import { isJobberHelpLink } from './navigation-policy';
import { appWindowOptions } from './window-options';
import type { WindowBounds } from './window-state';

export interface AppWindowOptions {
  preloadPath: string;
  /** `app://jobber-connect/index.html` or the Vite dev server URL. */
  rendererUrl: string;
  appOrigin: string;
  bounds: WindowBounds | null;
  logger: Logger;
  openExternal: (url: string) => void;
  onBoundsChanged: (bounds: WindowBounds) => void;
  /** DevTools allowed (development only: main passes `!app.isPackaged`). */
  devTools?: boolean;
}

/** Creates and loads the app window. */
export function createAppWindow(options: AppWindowOptions): BrowserWindow {
  const { logger } = options;
  const win = new BrowserWindow(
    appWindowOptions(options.preloadPath, options.bounds, { devTools: options.devTools ?? false }),
  );
  const contents = win.webContents;

  win.once('ready-to-show', () => {
    if (!win.isDestroyed()) win.show();
  });

  const pinToOrigin = (kind: string) => (details: ElectronEvent<{ url: string; isMainFrame: boolean }>) => {
    if (isOnOrigin(details.url, options.appOrigin)) return;
    details.preventDefault();
    logger.warn('App window navigation blocked', { event: kind, url: redact(details.url) });
  };
  contents.on('will-navigate', pinToOrigin('will-navigate'));
  contents.on('will-redirect', pinToOrigin('will-redirect'));
  contents.on('will-frame-navigate', pinToOrigin('will-frame-navigate'));

  contents.setWindowOpenHandler(({ url }) => {
    if (isJobberHelpLink(url)) options.openExternal(url);
    else logger.warn('App window pop-up blocked', { url: redact(url) });
    return { action: 'deny' };
  });

  win.on('close', () => {
    const { x, y, width, height } = win.getNormalBounds();
    options.onBoundsChanged({ x, y, width, height });
  });

  void win.loadURL(options.rendererUrl).catch(() => {
    logger.error('The app window could not load its page');
  });
  return win;
}

/** Denies every permission and sets the CSP header on every response of the app's session. */
export function hardenAppSession(ses: Session, csp: string): void {
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}
