/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), item
 * by item and numbered as on that page, asserted against what the real composition root
 * (electron/main.ts, booted against the electron stub as a packaged build) actually built: the app
 * window, and the auth window a Connect opens. One table, so the whole checklist reads in one place;
 * each row says which window(s) it covers, and rows that do not apply say why.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS, wireName, type InvokeChannel } from '../../electron/ipc/channels';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../electron/windows/app-protocol';
import { metaContentSecurityPolicy } from '../../electron/windows/content-security-policy';
import { authAllowedOrigins, JOBBER_AUTH_ORIGINS } from '../../electron/windows/navigation-policy';
import { authPageView } from '../support/electron/auth-views';
import { BrowserWindow, contextBridge, FakeEvent, FakeWebContents, FakeWebFrameMain, type FakeSession, type WebContentsView } from '../support/electron/electron-stub';
import { bootMain, waitFor, type BootedMain } from '../support/security/boot-main';

// The log sink is not under test here (see token-leak.test.ts); keep the run quiet.
vi.mock('../../electron/app/logging', () => ({
  createAppLogger: () => ({ info: () => {}, warn: () => {}, error: () => {} }),
  logsFolder: (dir: string) => `${dir}/logs`,
}));

const root = path.resolve(__dirname, '../..');
const DEV_SERVER = 'http://127.0.0.1:5173';

let main: BootedMain;
let appWindow: BrowserWindow;
let authWindow: BrowserWindow;
/** Jobber's pages: the auth window's child view (the window's own webContents is the origin header). */
let authPage: WebContentsView;

beforeAll(async () => {
  // A packaged build with a dev-server URL in the environment: main must ignore it (no dev CSP).
  main = await bootMain({ packaged: true, env: { VITE_DEV_SERVER_URL: DEV_SERVER } });
  appWindow = main.appWindow;
  expect(await main.invoke('connect')).toEqual({ ok: true });
  authWindow = await waitFor(() => BrowserWindow.instances.find((w) => w !== appWindow && !w.destroyed), 'the auth window');
  authPage = authPageView(authWindow);
});

afterAll(async () => {
  await main?.quit();
});

// ---------------------------------------------------------------------------------------------
// Helpers

type Prefs = Record<string, unknown>;
/** A window or a view: either has its own webContents and the webPreferences it was built with. */
type Surface = { webContents: FakeWebContents; options: { webPreferences?: Prefs } };
const prefs = (surface: Surface): Prefs => surface.options.webPreferences ?? {};
/** Where content is shown: the app's page, and Jobber's page in the auth window. */
const bothWindows = (): Array<[string, Surface]> => [
  ['app window', appWindow],
  ['auth window (Jobber page)', authPage],
];
/** Every renderer we create: both pages and the auth window's local origin header. */
const everyRenderer = (): Array<[string, Surface]> => [...bothWindows(), ['auth window (origin header)', authWindow]];

/** A CSP as directive → sources. Throws on a duplicated directive (browsers ignore the second). */
function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...sources] = part.split(/\s+/);
    const key = (name ?? '').toLowerCase();
    if (directives.has(key)) throw new Error(`duplicate CSP directive ${key}`);
    directives.set(key, sources);
  }
  return directives;
}

/** The production policy's rules: nothing inline or eval'd, no wildcard, no plugins, no framing. */
function expectStrictCsp(policy: string, where: string, options: { header: boolean }): void {
  const csp = parseCsp(policy);
  const all = [...csp.values()].flat();
  expect(all, `${where}: unsafe sources`).not.toContain("'unsafe-inline'");
  expect(all, `${where}: unsafe sources`).not.toContain("'unsafe-eval'");
  expect(all, `${where}: unsafe sources`).not.toContain("'unsafe-hashes'");
  expect(all, `${where}: wildcard`).not.toContain('*');
  expect(all.filter((s) => /^(https?|wss?):$/.test(s) || s.startsWith('http:') || s.startsWith('ws:')), `${where}: insecure scheme sources`).toEqual([]);
  expect(["'none'", "'self'"], `${where}: default-src`).toContainEqual((csp.get('default-src') ?? []).join(' '));
  expect(csp.get('script-src') ?? csp.get('default-src'), `${where}: script-src`).toEqual(["'self'"]);
  expect(csp.get('object-src'), `${where}: object-src`).toEqual(["'none'"]);
  expect(csp.get('base-uri'), `${where}: base-uri`).toEqual(["'none'"]);
  // frame-ancestors only works in a header (a <meta> policy ignores it).
  if (options.header) expect(csp.get('frame-ancestors'), `${where}: frame-ancestors`).toEqual(["'none'"]);
}

/** The CSP main's session hook puts on a response (replacing any the response brought). */
function headerCsp(url: string, incoming: Record<string, string[]> = {}): Promise<string[]> {
  const ses = main.stub.session.defaultSession;
  return new Promise((resolve, reject) => {
    if (!ses.headersListener) return reject(new Error('no onHeadersReceived listener on the app session'));
    ses.headersListener({ url, responseHeaders: incoming }, (r) =>
      resolve(Object.entries(r.responseHeaders ?? {}).filter(([k]) => k.toLowerCase() === 'content-security-policy').flatMap(([, v]) => v)),
    );
  });
}

const PERMISSIONS = [
  'media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal',
  'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'hid', 'serial', 'usb', 'idle-detection',
  'storage-access', 'window-management', 'keyboardLock', 'speaker-selection', 'unknown',
];

async function expectDeniesEverything(ses: FakeSession, where: string): Promise<void> {
  expect(ses.permissionRequestHandler, `${where}: request handler`).not.toBeNull();
  expect(ses.permissionCheckHandler, `${where}: check handler`).not.toBeNull();
  for (const permission of PERMISSIONS) {
    expect(await ses.requestPermission(permission), `${where}: request ${permission}`).toBe(false);
    expect(ses.permissionCheckHandler?.({}, permission), `${where}: check ${permission}`).toBe(false);
  }
}

/** Every .ts/.tsx file under the given folders, with its text. */
function sources(...dirs: string[]): Array<{ file: string; text: string }> {
  return dirs.flatMap((dir) =>
    (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
      .filter((f) => /\.tsx?$/.test(f))
      .map((f) => ({ file: path.join(dir, f), text: fs.readFileSync(path.join(root, dir, f), 'utf8') })),
  );
}

/** Source text without comments, so a comment mentioning an API does not count as a use. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

const VALID_SETTINGS = {
  mode: 'sandbox',
  clientId: '',
  redirectUri: 'com.jobberconnect.app:/oauth/callback',
  authMode: 'app-window',
  graphqlVersion: '2025-04-16',
  allowWeakStorage: false,
};
const argsFor = (channel: InvokeChannel): unknown[] => (channel === 'save-settings' ? [VALID_SETTINGS] : []);

/** URLs that must never be navigated to, opened as a window, or handed to the OS browser. */
const HOSTILE_URLS = [
  'https://evil.example/phish',
  'https://api.getjobber.com.evil.example/api/oauth/authorize',
  'http://api.getjobber.com/api/oauth/authorize',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
];

// ---------------------------------------------------------------------------------------------
// The checklist

interface ChecklistItem {
  /** Number on Electron's page; letters mark extras: "D" DevTools, "R" the retired remote module. */
  n: string;
  item: string;
  covers: 'both windows' | 'app window' | 'auth window' | 'app' | 'build';
  check: () => void | Promise<void>;
}

const CHECKLIST: ChecklistItem[] = [
  {
    n: '1',
    item: 'Only load secure content',
    covers: 'both windows',
    async check() {
      // The app window loads only our packaged files over app://.
      expect(appWindow.webContents.loadedUrls).toEqual([APP_ENTRY_URL]);
      // The auth window: https Jobber origins only; plain http exists only for the loopback sandbox.
      expect(JOBBER_AUTH_ORIGINS.every((o) => o.startsWith('https://'))).toBe(true);
      expect(authAllowedOrigins('jobber', 'https://api.getjobber.com').every((o) => o.startsWith('https://'))).toBe(true);
      const sandboxExtras = authAllowedOrigins('sandbox', 'http://127.0.0.1:4000').filter((o) => !o.startsWith('https://'));
      expect(sandboxExtras).toEqual(['http://127.0.0.1:4000']);
      for (const url of authPage.webContents.loadedUrls) expect(url).toMatch(/^(https:\/\/|http:\/\/127\.0\.0\.1:\d+\/)/);
      expect(authPage.webContents.navigate('will-navigate', 'http://secure.getjobber.com/login').defaultPrevented).toBe(true);
      // The auth window's origin header is a local document only (no network load at all).
      for (const url of authWindow.webContents.loadedUrls) expect(url).toMatch(/^data:text\/html;charset=utf-8,/);
    },
  },
  {
    n: '2',
    item: 'Do not enable Node.js integration for remote content',
    covers: 'both windows',
    check() {
      for (const [name, win] of everyRenderer()) {
        expect(prefs(win).nodeIntegration, name).toBe(false);
        expect(prefs(win).nodeIntegrationInWorker, name).toBe(false);
        expect(prefs(win).nodeIntegrationInSubFrames, name).toBe(false);
      }
      // Jobber's pages get no preload at all: nothing of ours runs in that renderer; nor does the header.
      expect(prefs(authPage).preload).toBeUndefined();
      expect(prefs(authWindow).preload).toBeUndefined();
    },
  },
  {
    n: '3',
    item: 'Enable context isolation',
    covers: 'both windows',
    check() {
      for (const [name, win] of everyRenderer()) expect(prefs(win).contextIsolation, name).toBe(true);
    },
  },
  {
    n: '4',
    item: 'Enable process sandboxing',
    covers: 'both windows',
    check() {
      for (const [name, win] of everyRenderer()) expect(prefs(win).sandbox, name).toBe(true);
    },
  },
  {
    n: '5',
    item: 'Handle session permission requests from remote content (request AND check handlers deny)',
    covers: 'both windows',
    async check() {
      await expectDeniesEverything(appWindow.webContents.session, 'app session');
      await expectDeniesEverything(authPage.webContents.session, 'auth partition');
      // The auth window (page and header) runs on its own throwaway partition, not the app's session.
      expect(authPage.webContents.session).not.toBe(appWindow.webContents.session);
      expect(authWindow.webContents.session).toBe(authPage.webContents.session);
      expect(String(prefs(authPage).partition)).not.toMatch(/^persist:/);
    },
  },
  {
    n: '6',
    item: 'Do not disable webSecurity',
    covers: 'both windows',
    check() {
      for (const [name, win] of everyRenderer()) expect(prefs(win).webSecurity, name).toBe(true);
    },
  },
  {
    n: '7',
    item: "Define a Content-Security-Policy (app window; Jobber's pages carry Jobber's own policy)",
    covers: 'app window',
    async check() {
      // The header main adds to every response of the app session, replacing a weaker one.
      const replaced = await headerCsp(`${APP_ORIGIN}/index.html`, { 'content-security-policy': ['default-src *'] });
      expect(replaced).toHaveLength(1);
      expectStrictCsp(replaced[0] ?? '', 'session header', { header: true });
      // A packaged build ignores VITE_DEV_SERVER_URL: no dev-server origin, no 'unsafe-inline'.
      expect(replaced[0]).not.toContain(DEV_SERVER);
      // The app:// protocol serves index.html with the same header.
      const response = await main.stub.protocol.request(APP_ENTRY_URL);
      expect(response.status).toBe(200);
      expectStrictCsp(response.headers.get('content-security-policy') ?? '', 'app:// response', { header: true });
      // The built page's <meta> policy (defence in depth) is the same policy, written by vite.config.ts;
      // the source page only holds the placeholder it replaces.
      const metaOf = (file: string) =>
        /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(fs.readFileSync(path.join(root, file), 'utf8'))?.[1];
      expect(metaOf('renderer/index.html')).toBe('filled-at-build-time');
      if (fs.existsSync(path.join(root, 'dist/renderer/index.html'))) {
        const built = metaOf('dist/renderer/index.html') ?? '';
        expect(built).toBe(metaContentSecurityPolicy());
        expectStrictCsp(built, 'dist/renderer/index.html', { header: false });
      }
      // The auth partition's responses are left alone: overriding a remote site's CSP would only weaken it.
      expect(authPage.webContents.session.headersListener).toBeNull();
    },
  },
  {
    n: '8',
    item: 'Do not enable allowRunningInsecureContent',
    covers: 'both windows',
    check() {
      for (const [name, win] of everyRenderer()) expect(prefs(win).allowRunningInsecureContent, name).toBe(false);
    },
  },
  {
    n: '9',
    item: 'Do not enable experimental features',
    covers: 'both windows',
    check() {
      for (const [name, win] of everyRenderer()) expect(prefs(win).experimentalFeatures ?? false, name).toBe(false);
    },
  },
  {
    n: '10',
    item: 'Do not use enableBlinkFeatures',
    covers: 'both windows',
    check() {
      for (const [name, win] of everyRenderer()) expect(prefs(win).enableBlinkFeatures, name).toBeUndefined();
    },
  },
  {
    n: '11',
    item: '<webview>: do not use allowpopups (no webview can exist)',
    covers: 'both windows',
    check() {
      for (const [name, win] of everyRenderer()) expect(prefs(win).webviewTag, name).toBe(false);
    },
  },
  {
    n: '12',
    item: '<webview>: verify options before creation (every attach is refused)',
    covers: 'app',
    check() {
      const contents = new FakeWebContents(main.stub.session.defaultSession);
      main.stub.app.emit('web-contents-created', new FakeEvent(), contents);
      const attach = new FakeEvent();
      contents.emit('will-attach-webview', attach, { nodeIntegration: true }, { src: 'https://evil.example/' });
      expect(attach.defaultPrevented).toBe(true);
    },
  },
  {
    n: '13',
    item: 'Disable or limit navigation',
    covers: 'both windows',
    check() {
      for (const [name, win] of bothWindows()) {
        for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate'] as const) {
          expect(win.webContents.listenerCount(event), `${name}: ${event} handler`).toBeGreaterThan(0);
          for (const url of [...HOSTILE_URLS, 'app://other-host/index.html']) {
            expect(win.webContents.navigate(event, url).defaultPrevented, `${name}: ${event} ${url}`).toBe(true);
          }
        }
      }
      // The app window stays on its own origin; the auth window on Jobber's (and never on our app).
      expect(appWindow.webContents.navigate('will-navigate', `${APP_ORIGIN}/index.html#settings`).defaultPrevented).toBe(false);
      expect(appWindow.webContents.navigate('will-navigate', 'https://secure.getjobber.com/login').defaultPrevented).toBe(true);
      expect(authPage.webContents.navigate('will-navigate', 'https://secure.getjobber.com/login').defaultPrevented).toBe(false);
      expect(authPage.webContents.navigate('will-navigate', APP_ENTRY_URL).defaultPrevented).toBe(true);
      expect(authWindow.destroyed).toBe(false);
      // The origin header (local, no script) navigates nowhere, whatever asks.
      for (const event of ['will-navigate', 'will-frame-navigate'] as const) {
        for (const url of [...HOSTILE_URLS, 'https://secure.getjobber.com/login']) {
          expect(authWindow.webContents.navigate(event, url).defaultPrevented, `origin header: ${event} ${url}`).toBe(true);
        }
      }
    },
  },
  {
    n: '14',
    item: 'Disable or limit creation of new windows (setWindowOpenHandler denies)',
    covers: 'both windows',
    check() {
      const before = BrowserWindow.instances.length;
      for (const [name, win] of everyRenderer()) {
        expect(win.webContents.windowOpenHandler, `${name}: window-open handler`).not.toBeNull();
        for (const url of [...HOSTILE_URLS, 'https://help.getjobber.com/article', APP_ENTRY_URL, 'about:blank']) {
          expect(win.webContents.openWindow(url), `${name}: ${url}`).toEqual({ action: 'deny' });
        }
      }
      expect(BrowserWindow.instances.length).toBe(before);
    },
  },
  {
    n: '15',
    item: 'Do not use shell.openExternal with untrusted content (https Jobber links only)',
    covers: 'both windows',
    check() {
      main.stub.shell.opened = [];
      const untrusted = [
        ...HOSTILE_URLS,
        'http://help.getjobber.com/article',
        'https://user:pw@help.getjobber.com/article',
        'https://getjobber.com.evil.example/',
        'smb://evil.example/share',
        'ms-settings:privacy',
        'com.jobberconnect.app:/oauth/callback?code=x&state=y',
      ];
      for (const [, win] of bothWindows()) {
        for (const url of untrusted) win.webContents.openWindow(url);
        win.webContents.openWindow('https://help.getjobber.com/article');
      }
      expect(main.stub.shell.opened).toEqual(['https://help.getjobber.com/article', 'https://help.getjobber.com/article']);
      // Statically: only main.ts touches shell.openExternal, and every other caller is behind a check.
      const callers = sources('electron').filter((s) => /\bopenExternal\s*\(/.test(code(s.text)));
      expect(callers.map((s) => s.file).sort()).toEqual(
        ['electron/app/app-controller.ts', 'electron/main.ts', 'electron/windows/app-window.ts', 'electron/windows/auth-window.ts'].sort(),
      );
      for (const s of callers) {
        const uses = code(s.text).split('\n').filter((line) => /\bopenExternal\s*\(/.test(line) && !/openExternal\s*\(\s*url\s*:/.test(line));
        if (s.file.endsWith('main.ts')) expect(uses.filter((l) => l.includes('shell.openExternal'))).toHaveLength(1);
        else if (s.file.endsWith('app-controller.ts')) {
          // System-browser mode: the authorize URL was checked against the allowlist just before.
          const body = code(s.text);
          expect(body.indexOf('decideNavigation(authorizeUrl, rules)')).toBeGreaterThan(-1);
          expect(body.indexOf('decideNavigation(authorizeUrl, rules)')).toBeLessThan(body.indexOf('openExternal(authorizeUrl)'));
        } else for (const line of uses) expect(line, s.file).toMatch(/if \(isJobberHelpLink\(url\)\)/);
      }
      expect(sources('electron', 'renderer').filter((s) => /shell\.openExternal/.test(code(s.text))).map((s) => s.file)).toEqual(['electron/main.ts']);
    },
  },
  {
    n: '16',
    item: 'Use a current version of Electron (pinned exactly; the scan assumes the same version)',
    covers: 'build',
    check() {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
      const version = pkg.devDependencies.electron ?? '';
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(45);
      expect(fs.readFileSync(path.join(root, 'scripts/security-scan.mjs'), 'utf8')).toContain('devDependencies.electron');
    },
  },
  {
    n: '17',
    item: 'Validate the sender of all IPC messages (a forged sender is refused on every channel)',
    covers: 'app window',
    async check() {
      const { ipcMain } = main.stub;
      expect([...ipcMain.handlers.keys()].sort()).toEqual(INVOKE_CHANNELS.map(wireName).sort());
      expect(ipcMain.listeners.size).toBe(0);
      const windowsBefore = BrowserWindow.instances.filter((w) => !w.destroyed).length;
      const stranger = new BrowserWindow({});
      stranger.webContents.mainFrame.url = APP_ENTRY_URL;
      const forgeries: Array<[string, () => { sender: FakeWebContents; senderFrame?: FakeWebFrameMain | null }]> = [
        ['another window on our origin', () => ({ sender: stranger.webContents })],
        ['a subframe of the app window', () => ({ sender: appWindow.webContents, senderFrame: new FakeWebFrameMain(APP_ENTRY_URL) })],
        ['no sender frame', () => ({ sender: appWindow.webContents, senderFrame: null })],
        ['the auth window (Jobber page)', () => ({ sender: authPage.webContents })],
        ['the auth window (origin header)', () => ({ sender: authWindow.webContents })],
      ];
      try {
        for (const channel of INVOKE_CHANNELS) {
          for (const [label, from] of forgeries) {
            await expect(ipcMain.invoke(wireName(channel), from(), ...argsFor(channel)), `${channel} from ${label}`).rejects.toThrow('Request refused.');
          }
          // The app window's own main frame after it was navigated off our origin.
          const mainFrame = appWindow.webContents.mainFrame;
          mainFrame.url = 'https://evil.example/';
          try {
            await expect(main.invoke(channel, ...argsFor(channel)), `${channel} from a navigated main frame`).rejects.toThrow('Request refused.');
          } finally {
            mainFrame.url = APP_ENTRY_URL;
          }
        }
      } finally {
        stranger.destroy();
      }
      // Nothing ran: no second auth window, no settings change; and the real sender still works.
      expect(BrowserWindow.instances.filter((w) => !w.destroyed).length).toBe(windowsBefore);
      expect(await main.invoke('get-state')).toMatchObject({ environment: 'sandbox' });
      expect(stranger.webContents.sent).toEqual([]);
    },
  },
  {
    n: '18',
    item: 'Avoid file://, prefer a custom protocol (app://)',
    covers: 'app window',
    async check() {
      expect(main.stub.protocol.privileged).toEqual([
        expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
      ]);
      expect(main.stub.protocol.isProtocolHandled('app')).toBe(true);
      for (const win of BrowserWindow.instances) for (const url of win.webContents.loadedUrls) expect(url).not.toMatch(/^file:/i);
      // The handler refuses anything outside the renderer folder.
      for (const url of [`${APP_ORIGIN}/..%2f..%2fpackage.json`, 'app://other-host/index.html']) {
        expect((await main.stub.protocol.request(url)).status, url).toBe(404);
      }
      for (const s of sources('electron')) {
        expect(code(s.text), s.file).not.toMatch(/\.loadFile\s*\(/);
        expect(code(s.text), s.file).not.toMatch(/loadURL\s*\(\s*[`'"]file:/);
        expect(code(s.text), s.file).not.toMatch(/pathToFileURL/);
      }
    },
  },
  {
    n: '19',
    item: 'Check which fuses you can change (electron-builder.yml electronFuses)',
    covers: 'build',
    check() {
      const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { electronFuses?: Record<string, unknown>; asar?: unknown };
      const fuses = config.electronFuses ?? {};
      const expected: Record<string, boolean> = {
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        enableCookieEncryption: true,
        onlyLoadAppFromAsar: true,
        enableEmbeddedAsarIntegrityValidation: true,
        // file: pages get no rights beyond a browser's (the renderer is on app://, item 18).
        grantFileProtocolExtraPrivileges: false,
      };
      for (const [fuse, value] of Object.entries(expected)) expect(fuses[fuse], fuse).toBe(value);
      expect(config.asar).toBe(true);
    },
  },
  {
    n: '20',
    item: 'Do not expose Electron APIs to untrusted web content (named, frozen preload API)',
    covers: 'both windows',
    async check() {
      await import('../../electron/preload');
      expect([...contextBridge.exposed.keys()]).toEqual(['jobberConnect']);
      const api = contextBridge.exposed.get('jobberConnect') as Record<string, unknown>;
      expect(Object.isFrozen(api)).toBe(true);
      expect(Object.keys(api).sort()).toEqual(
        ['cancel', 'confirmPairing', 'connect', 'declinePairing', 'disconnect', 'getSettings', 'getState', 'onStateChanged', 'refreshNow', 'saveSettings', 'testApi'].sort(),
      );
      expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
      // Only the app window gets the preload; the auth window (remote content) gets nothing.
      expect(String(prefs(appWindow).preload)).toMatch(/preload[\\/]preload\.js$/);
      expect(prefs(authPage).preload).toBeUndefined();
      expect(prefs(authWindow).preload).toBeUndefined();
      const preload = code(fs.readFileSync(path.join(root, 'electron/preload.ts'), 'utf8'));
      expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
      expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    },
  },
  {
    n: 'D',
    item: 'A packaged build has no DevTools in either window (not on the page; keeps an XSS from becoming a console)',
    covers: 'both windows',
    check() {
      for (const [name, win] of everyRenderer()) expect(prefs(win).devTools, name).toBe(false);
    },
  },
  {
    n: 'R',
    item: 'No remote module (removed in Electron 14; must not come back as @electron/remote)',
    covers: 'both windows',
    check() {
      for (const [name, win] of everyRenderer()) expect(prefs(win).enableRemoteModule, name).toBeUndefined();
      const pkg = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
      expect(pkg).not.toContain('@electron/remote');
      for (const s of sources('electron', 'renderer')) expect(code(s.text), s.file).not.toMatch(/@electron\/remote|enableRemoteModule|\bremote\.require/);
    },
  },
];

describe("Electron's security checklist (both windows, as main.ts builds them)", () => {
  it('lists every item of the checklist, 1 to 20', () => {
    expect(CHECKLIST.map((c) => c.n).filter((n) => /^\d+$/.test(n))).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
  });

  for (const { n, item, covers, check } of CHECKLIST) {
    it(`${n}. ${item} [${covers}]`, async () => {
      await check();
    });
  }
});

describe('the checklist helpers can fail', () => {
  it('a weak CSP is rejected', () => {
    expect(() => expectStrictCsp("default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'", 'x', { header: false })).toThrow();
    expect(() => expectStrictCsp("default-src *; script-src 'self'; object-src 'none'; base-uri 'none'", 'x', { header: false })).toThrow();
    expect(() => expectStrictCsp("default-src 'none'; script-src 'self'; base-uri 'none'", 'x', { header: false })).toThrow();
    expect(() => expectStrictCsp("default-src 'none'; script-src 'self'; object-src 'none'; base-uri 'none'", 'x', { header: true })).toThrow();
  });
});
