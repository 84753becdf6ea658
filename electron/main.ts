/**
 * Composition root of the main process: app lifecycle, single-instance lock, the callback entry
 * points (second-instance argv, macOS open-url, first-launch argv), the app window, the typed IPC
 * handlers and the system-event wiring. Decisions live in the modules it wires; this file only
 * connects Electron to them.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  net,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import { AppController } from './app/app-controller';
import { appMenuTemplate } from './app/app-menu';
import { findCallbackUrl } from './app/callback-args';
import { findPairingLink, isPairingLink } from './broker/pairing-link';
import { registerIpcHandlers } from './app/ipc-handlers';
import { createAppLogger, logsFolder } from './app/logging';
import { createConnectionNotifier } from './app/notifier';
import { makePrivateDir } from './app/private-paths';
import { SettingsStore } from './app/settings-store';
import { wireSystemEvents } from './app/system-events';
import { matchesRedirectUri } from './auth/callback-parser';
import { DEFAULT_REDIRECT_URI } from './ipc/settings-schema';
import { systemClock } from './core/clock';
import { silentLogger, type Logger } from './core/logger';
import { describeError } from './core/redact';
import { createIpcMain, removeForeignIpcChannels, type IpcMainWrapper } from './ipc/ipc-main';
import { openJsonFile } from './storage/json-file';
import { electronSafeStorage } from './storage/safe-storage-port';
import { SETTINGS_FILE } from './storage/store-names';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME_PRIVILEGES, serveRenderer } from './windows/app-protocol';
import { createAppWindow, hardenAppSession } from './windows/app-window';
import { AuthWindowController } from './windows/auth-window';
import { contentSecurityPolicy } from './windows/content-security-policy';
import { restoreBounds } from './windows/window-state';

/** Environment knobs main honours (documented in the README). */
const ENV = {
  /** Vite dev server URL, set by scripts/dev.mjs; ignored in a packaged app. */
  devServerUrl: process.env.VITE_DEV_SERVER_URL,
  /** A separate userData folder (tests, several profiles); development builds only. */
  userData: process.env.JOBBER_CONNECT_USER_DATA,
  /** Sandbox access-token lifetime in seconds (sandbox mode only; e2e uses a short one). */
  sandboxTokenLifetime: process.env.JOBBER_SANDBOX_TOKEN_LIFETIME_SEC,
};

// A shipped app keeps its tokens where the OS expects them: no variable may move them elsewhere.
if (ENV.userData && !app.isPackaged) app.setPath('userData', path.resolve(ENV.userData));

// Must happen before `ready`.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

let logger: Logger = silentLogger;
/** Ready for callbacks and system events: set once start() has settled. */
let controller: AppController | null = null;
/**
 * What quit must stop, set before start(): start() may be running a refresh right now (a saved
 * token that expired while the app was closed), and quitting must wait for its new pair to be
 * written rather than lose the grant.
 */
let engine: AppController | null = null;
let appWindow: BrowserWindow | null = null;
let ipc: IpcMainWrapper | null = null;
let stopSystemEvents: (() => void) | null = null;
let reopenAppWindow: (() => void) | null = null;
const earlyCallbacks: string[] = [];
const earlyPairingLinks: string[] = [];

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,7}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

function focusAppWindow(): void {
  const win = appWindow;
  if (win === null || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** A callback URL from the OS: handled now, or queued until the controller has started. */
function routeCallback(url: string): void {
  if (controller === null) {
    earlyCallbacks.push(url);
    return;
  }
  focusAppWindow();
  void controller.handleExternalCallback(url);
}

/**
 * A Marketplace pairing link from the OS: its own path, never the sign-in callback's (it carries no
 * state). Handled now, or queued until the controller has started.
 */
function routePairingLink(url: string): void {
  if (controller === null) {
    earlyPairingLinks.push(url);
    return;
  }
  focusAppWindow();
  void controller.broker.receivePairingLink(url);
}

function registerProtocolClient(scheme: string): void {
  // In development Electron runs as `electron <app path>`: the OS must relaunch it the same way.
  const ok =
    process.defaultApp && process.argv.length >= 2 && process.argv[1] !== undefined
      ? app.setAsDefaultProtocolClient(scheme, process.execPath, [path.resolve(process.argv[1])])
      : app.setAsDefaultProtocolClient(scheme);
  if (!ok) logger.warn('Registering the callback scheme with the OS failed', { scheme });
}

function readDotenv(): string | null {
  // Development convenience only: a packaged app takes credentials from Settings or the environment.
  if (app.isPackaged) return null;
  try {
    return fs.readFileSync(path.join(process.cwd(), '.env'), 'utf8');
  } catch {
    return null;
  }
}

async function onReady(): Promise<void> {
  const userDataDir = app.getPath('userData');
  makePrivateDir(userDataDir);
  logger = createAppLogger(userDataDir);
  const devServerUrl = !app.isPackaged && ENV.devServerUrl ? ENV.devServerUrl : null;
  const appOrigin = devServerUrl ? new URL(devServerUrl).origin : APP_ORIGIN;
  const csp = contentSecurityPolicy(
    devServerUrl ? { kind: 'development', devServerOrigin: appOrigin } : { kind: 'production' },
  );
  hardenAppSession(session.defaultSession, csp);
  if (!devServerUrl) {
    serveRenderer(protocol, path.join(__dirname, '..', 'renderer'), (file) => fs.promises.readFile(file));
  }

  const vaultPort = electronSafeStorage(safeStorage, process.platform);
  const settings = new SettingsStore(
    openJsonFile({ dir: userDataDir, name: SETTINGS_FILE, now: () => Date.now() }),
    vaultPort,
    logger,
  );
  const wrapper = createIpcMain({ getAppWindow: () => appWindow, appOrigin, logger });
  ipc = wrapper;
  removeForeignIpcChannels();
  const showNotification = (title: string, body: string) => {
    if (Notification.isSupported()) new Notification({ title, body }).show();
  };
  const notify = createConnectionNotifier({ show: showNotification });
  // DevTools (and the menu's Reload / Toggle Developer Tools) only in development builds.
  const devTools = !app.isPackaged;
  const openExternal = (url: string) => shell.openExternal(url);

  const created = new AppController({
    userDataDir,
    env: process.env,
    packaged: app.isPackaged,
    dotenvText: readDotenv(),
    settings,
    safeStorage: vaultPort,
    clock: systemClock,
    logger,
    authWindow: new AuthWindowController({
      clock: systemClock,
      logger,
      openExternal: (url) => void openExternal(url),
      devTools,
    }),
    openExternal,
    // Sandbox mode only: the sandbox is its own chunk (dist/main/sandbox.js), never in main.js.
    startSandbox: async (options) => (await import('../sandbox/embedded')).startEmbeddedSandbox(options),
    sandboxTokenLifetimeSec: positiveInt(ENV.sandboxTokenLifetime),
    registerScheme: registerProtocolClient,
    onSnapshot: (snapshot) => wrapper.send(appWindow, 'state-changed', snapshot),
    onState: notify,
    notify: showNotification,
  });
  registerIpcHandlers(wrapper, created);

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        platform: process.platform,
        packaged: app.isPackaged,
        openLogsFolder: () => void shell.openPath(logsFolder(userDataDir)),
      }),
    ),
  );

  const createWindow = () => {
    const bounds = restoreBounds(
      settings.windowBounds(),
      screen.getAllDisplays().map((display) => display.workArea),
    );
    const win = createAppWindow({
      preloadPath: path.join(__dirname, '..', 'preload', 'preload.js'),
      rendererUrl: devServerUrl ?? APP_ENTRY_URL,
      appOrigin,
      bounds,
      logger,
      openExternal: (url) => void openExternal(url),
      onBoundsChanged: (b) => settings.setWindowBounds(b),
      devTools,
    });
    win.on('closed', () => {
      if (appWindow === win) appWindow = null;
    });
    appWindow = win;
  };
  reopenAppWindow = () => {
    if (appWindow === null) createWindow();
  };
  app.on('activate', reopenAppWindow);
  createWindow();

  engine = created;
  try {
    await created.start();
  } catch (error) {
    logger.error('Starting the engine failed', { error: describeError(error) });
  }
  controller = created;
  // electron-store registers its channel when the first store opens (during start): remove it now.
  removeForeignIpcChannels();

  // Callbacks that arrived before we were ready: macOS open-url, and this launch's own argv.
  const firstLaunch = findCallbackUrl(process.argv.slice(1), created.redirectUri());
  if (firstLaunch !== null) earlyCallbacks.push(firstLaunch);
  const firstLaunchPairing = findPairingLink(process.argv.slice(1));
  if (firstLaunchPairing !== null) earlyPairingLinks.push(firstLaunchPairing);
  for (const url of earlyPairingLinks.splice(0)) void created.broker.receivePairingLink(url);
  for (const url of earlyCallbacks.splice(0)) {
    if (matchesRedirectUri(url, created.redirectUri())) void created.handleExternalCallback(url);
    else logger.warn('Ignored an app link that is not our sign-in callback');
  }

  stopSystemEvents = wireSystemEvents({
    powerMonitor,
    isOnline: () => net.isOnline(),
    clock: systemClock,
    target: () => controller,
  });
}

function installQuitHandler(): void {
  let stopping = false;
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    // Hold the quit until the session has finished writing (no half-written store).
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    stopSystemEvents?.();
    const done = engine?.stop() ?? Promise.resolve();
    void done
      .catch((error: unknown) => logger.error('Stopping the session failed', { error: describeError(error) }))
      .finally(() => {
        stopped = true;
        ipc?.dispose();
        app.quit();
      });
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the app; it receives our argv (and any callback URL) via second-instance.
  app.quit();
} else {
  // macOS delivers custom-scheme URLs here, possibly before `ready`: register first.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (isPairingLink(url)) routePairingLink(url);
    else routeCallback(url);
  });
  app.on('second-instance', (_event, argv) => {
    focusAppWindow();
    const url = findCallbackUrl(argv, controller?.redirectUri() ?? DEFAULT_REDIRECT_URI);
    if (url !== null) routeCallback(url);
    const pairing = findPairingLink(argv);
    if (pairing !== null) routePairingLink(pairing);
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('window-all-closed', () => {
    if (process.platform === 'darwin') return;
    // The sign-in window closes itself as soon as Jobber redirects; if the app window was already
    // closed, quitting now would drop the grant Jobber just created. Show the result instead.
    if (engine?.isCompletingSignIn()) {
      reopenAppWindow?.();
      return;
    }
    app.quit();
  });
  process.on('uncaughtException', (error) => logger.error('Uncaught exception', { error: describeError(error) }));
  process.on('unhandledRejection', (error) => logger.error('Unhandled rejection', { error: describeError(error) }));
  installQuitHandler();
  app
    .whenReady()
    .then(onReady)
    .catch((error: unknown) => {
      // Nothing may be on screen yet: say so and exit instead of leaving an invisible process.
      logger.error('App failed to start', { error: describeError(error) });
      dialog.showErrorBox('Jobber Connect could not start', describeError(error));
      app.exit(1);
    });
}
