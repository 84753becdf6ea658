/**
 * BrowserWindow options for both windows, as plain data so tests can assert every security flag.
 * Security settings are code: change them here and the tests say what changed.
 */
import type { BrowserWindowConstructorOptions, WebContentsViewConstructorOptions } from 'electron';
import type { WindowBounds } from './window-state';

/** Web preferences both windows share: no Node, isolated, sandboxed, no insecure content. */
const HARDENED_WEB_PREFERENCES = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
} as const;

/** Per-build choices: DevTools only in development (main passes `!app.isPackaged`). */
export interface BuildFlavour {
  /** Allow DevTools in this window. Off unless asked, so a forgotten argument fails safe. */
  devTools?: boolean;
}

/**
 * The auth window: its own throwaway partition (no cookies shared with the app), no preload, so
 * nothing in it has a bridge to the main process at all. The window's own webContents shows only the
 * local origin header (auth-header.ts); Jobber's pages load in a child view (authPageViewOptions).
 */
export function authWindowOptions(partition: string, flavour: BuildFlavour = {}): BrowserWindowConstructorOptions {
  return {
    width: 520,
    height: 760,
    minWidth: 400,
    minHeight: 500,
    title: 'Sign in to Jobber',
    show: false,
    autoHideMenuBar: true,
    webPreferences: { ...HARDENED_WEB_PREFERENCES, devTools: flavour.devTools ?? false, partition },
  };
}

/** The view that shows Jobber's pages inside the auth window: the same hardening, no preload. */
export function authPageViewOptions(partition: string, flavour: BuildFlavour = {}): WebContentsViewConstructorOptions {
  return { webPreferences: { ...HARDENED_WEB_PREFERENCES, devTools: flavour.devTools ?? false, partition } };
}

/** The app window: bundled preload, hidden until `ready-to-show`, remembered size/position. */
export function appWindowOptions(
  preloadPath: string,
  bounds: WindowBounds | null,
  flavour: BuildFlavour = {},
): BrowserWindowConstructorOptions {
  return {
    width: bounds?.width ?? 1040,
    height: bounds?.height ?? 720,
    ...(bounds !== null ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 720,
    minHeight: 520,
    title: 'Jobber Connect',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: { ...HARDENED_WEB_PREFERENCES, devTools: flavour.devTools ?? false, preload: preloadPath },
  };
}
