import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/core/logger';
import { AUTH_HEADER_HEIGHT, authHeaderHtml, describePageOrigin } from '../../../electron/windows/auth-header';
import { AuthWindowController, describeLoadFailure, type AuthWindowRequest } from '../../../electron/windows/auth-window';
import { authAllowedOrigins } from '../../../electron/windows/navigation-policy';
import { authHeaderDocument, authHeaderText, authPage, authPageView } from '../../support/electron/auth-views';
import { BrowserWindow, FakeEvent, resetElectronStub, session, shell, WebContentsView } from '../../support/electron/electron-stub';
import { FakeClock } from '../../support/fake-clock';

const AUTHORIZE = 'https://api.getjobber.com/api/oauth/authorize?response_type=code&client_id=c&state=s';
const REDIRECT = 'com.jobberconnect.app:/oauth/callback';

let clock: FakeClock;
let events: string[];
let controller: AuthWindowController;

function request(overrides: Partial<AuthWindowRequest> = {}): AuthWindowRequest {
  return {
    authorizeUrl: AUTHORIZE,
    expiresAt: clock.now() + 10 * 60_000,
    rules: { allowedOrigins: authAllowedOrigins('jobber', 'https://api.getjobber.com'), redirectUri: REDIRECT },
    onCallback: (url) => events.push(`callback ${url}`),
    onCancel: (reason, detail) => events.push(detail ? `cancel ${reason}: ${detail}` : `cancel ${reason}`),
    ...overrides,
  };
}

function openWindow(overrides: Partial<AuthWindowRequest> = {}) {
  controller.open(request(overrides));
  const win = BrowserWindow.instances.at(-1);
  if (!win) throw new Error('no window');
  return win;
}

beforeEach(() => {
  resetElectronStub();
  clock = new FakeClock();
  events = [];
  controller = new AuthWindowController({ clock, logger: silentLogger, openExternal: (url) => void shell.openExternal(url) });
});

describe('auth window', () => {
  it('opens hardened on a fresh non-persistent partition with no preload, and loads the authorize URL', () => {
    const win = openWindow();
    const prefs = authPageView(win).options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(prefs.preload).toBeUndefined();
    expect(String(prefs.partition)).toMatch(/^auth-[0-9a-f]{24}$/);
    expect(authPage(win).loadedUrls).toEqual([AUTHORIZE]);
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
  });

  it('uses a different partition each time', () => {
    const first = openWindow();
    first.close();
    const second = openWindow();
    expect(authPageView(first).options.webPreferences?.partition).not.toBe(authPageView(second).options.webPreferences?.partition);
  });

  it('denies every permission request and check', async () => {
    const win = openWindow();
    const ses = authPage(win).session;
    expect(await ses.requestPermission('media')).toBe(false);
    expect(await ses.requestPermission('geolocation')).toBe(false);
    expect(ses.permissionCheckHandler?.({}, 'clipboard-read')).toBe(false);
  });

  it.each(['will-redirect', 'will-navigate', 'will-frame-navigate'] as const)(
    'catches a custom-scheme callback on %s before it loads, then closes and clears the partition',
    async (kind) => {
      const win = openWindow();
      const callback = `${REDIRECT}?code=abc&state=xyz`;
      const event = authPage(win).navigate(kind, callback);
      expect(event.defaultPrevented).toBe(true);
      expect(events).toEqual([`callback ${callback}`]);
      expect(win.destroyed).toBe(true);
      expect(controller.isOpen()).toBe(false);
      await Promise.resolve();
      expect(authPage(win).session.clearedStorage).toBe(1);
    },
  );

  it('catches an https callback', () => {
    const redirect = 'https://example.com/jobber/callback';
    const win = openWindow({ rules: { allowedOrigins: authAllowedOrigins('jobber', 'x'), redirectUri: redirect } });
    const event = authPage(win).navigate('will-redirect', `${redirect}?code=abc&state=xyz`);
    expect(event.defaultPrevented).toBe(true);
    expect(events).toEqual([`callback ${redirect}?code=abc&state=xyz`]);
  });

  it('claims the custom scheme on the partition as a safety net, for top-level document requests', async () => {
    const win = openWindow();
    const ses = authPage(win).session;
    expect(ses.protocol.isProtocolHandled('com.jobberconnect.app')).toBe(true);
    const response = await ses.protocol.request(`${REDIRECT}?code=abc&state=xyz`, { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' });
    expect(response.status).toBe(200);
    expect(events).toEqual([`callback ${REDIRECT}?code=abc&state=xyz`]);
    expect(ses.protocol.isProtocolHandled('com.jobberconnect.app')).toBe(false);
  });

  it('allows Jobber origins and blocks others, including lookalikes, without ending the request', () => {
    const win = openWindow();
    expect(authPage(win).navigate('will-navigate', 'https://secure.getjobber.com/login').defaultPrevented).toBe(false);
    for (const url of [
      'https://api.getjobber.com.evil.example/api/oauth/authorize',
      'https://evil.example/phish',
      'http://api.getjobber.com/',
      'file:///etc/passwd',
      'com.jobberconnect.app:/not-the-callback?code=1',
    ]) {
      expect(authPage(win).navigate('will-navigate', url).defaultPrevented).toBe(true);
      expect(authPage(win).navigate('will-redirect', url).defaultPrevented).toBe(true);
    }
    expect(events).toEqual([]);
    expect(win.destroyed).toBe(false);
  });

  it('blocks the sandbox origin outside sandbox mode and allows it in sandbox mode', () => {
    const sandbox = 'http://127.0.0.1:45678';
    const jobberWin = openWindow();
    expect(authPage(jobberWin).navigate('will-navigate', `${sandbox}/api/oauth/authorize`).defaultPrevented).toBe(true);
    jobberWin.close();
    const sandboxWin = openWindow({
      authorizeUrl: `${sandbox}/api/oauth/authorize?state=s`,
      rules: { allowedOrigins: authAllowedOrigins('sandbox', sandbox), redirectUri: REDIRECT },
    });
    expect(authPage(sandboxWin).loadedUrls).toEqual([`${sandbox}/api/oauth/authorize?state=s`]);
    expect(authPage(sandboxWin).navigate('will-navigate', `${sandbox}/consent`).defaultPrevented).toBe(false);
  });

  it('refuses to open on an authorize URL outside the allowlist', () => {
    controller.open(request({ authorizeUrl: 'https://evil.example/api/oauth/authorize' }));
    expect(BrowserWindow.instances).toHaveLength(0);
    expect(events[0]).toMatch(/^cancel load-failed/);
  });

  it('leaves https subframes (captcha) alone', () => {
    const win = openWindow();
    expect(authPage(win).navigate('will-frame-navigate', 'https://www.google.com/recaptcha/api2/anchor', { isMainFrame: false }).defaultPrevented).toBe(false);
    expect(authPage(win).navigate('will-frame-navigate', 'about:blank', { isMainFrame: false }).defaultPrevented).toBe(false);
    expect(events).toEqual([]);
  });

  it.each(['http://tracker.example/frame', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'data:text/html,<b>x</b>', 'javascript:alert(1)', 'ftp://x.example/'])(
    'blocks a subframe navigating to a non-https address (%s) without ending the request',
    (url) => {
      const win = openWindow();
      expect(authPage(win).navigate('will-frame-navigate', url, { isMainFrame: false }).defaultPrevented).toBe(true);
      expect(events).toEqual([]);
      expect(controller.isOpen()).toBe(true);
    },
  );

  it('the safety net ignores anything but a top-level document request (an iframe, an image, no Fetch metadata)', async () => {
    const win = openWindow();
    const ses = authPage(win).session;
    const cases: Array<Record<string, string>> = [
      { 'Sec-Fetch-Dest': 'iframe', 'Sec-Fetch-Mode': 'navigate' },
      { 'Sec-Fetch-Dest': 'image', 'Sec-Fetch-Mode': 'no-cors' },
      {},
    ];
    for (const headers of cases) {
      const response = await ses.protocol.request(`${REDIRECT}?error=access_denied`, headers);
      expect(response.status).toBe(404);
    }
    expect(events).toEqual([]);
    expect(controller.isOpen()).toBe(true);
  });

  it('refuses every download on the auth partition', () => {
    const win = openWindow();
    expect(authPage(win).session.download('https://api.getjobber.com/file.exe').defaultPrevented).toBe(true);
  });

  it('answers a client-certificate request with no certificate (instead of the first one)', () => {
    const win = openWindow();
    const answer = authPage(win).requestClientCertificate('https://api.getjobber.com/', [{ subjectName: 'me' }]);
    expect(answer).toEqual({ prevented: true, answered: [] });
  });

  it.each(['will-frame-navigate', 'will-redirect'] as const)(
    'a subframe navigating to the redirect URI (%s) is blocked and is not the callback; the main frame still is',
    (kind) => {
      const win = openWindow();
      // A third-party iframe could otherwise cancel the Connect as "denied" (no parameters).
      expect(authPage(win).navigate(kind, REDIRECT, { isMainFrame: false }).defaultPrevented).toBe(true);
      expect(authPage(win).navigate(kind, `${REDIRECT}?code=1&state=2`, { isMainFrame: false }).defaultPrevented).toBe(true);
      expect(events).toEqual([]);
      expect(win.destroyed).toBe(false);
      expect(authPage(win).navigate(kind, `${REDIRECT}?code=1&state=2`).defaultPrevented).toBe(true);
      expect(events).toEqual([`callback ${REDIRECT}?code=1&state=2`]);
    },
  );

  it('tells the requester (host only, once per host) when a main-frame navigation is blocked', () => {
    const blocked: string[] = [];
    const win = openWindow({ onBlocked: (host) => blocked.push(host) });
    authPage(win).navigate('will-navigate', 'https://accounts.google.com/o/oauth2/auth?client_id=x&state=secret-state');
    authPage(win).navigate('will-redirect', 'https://accounts.google.com/signin?continue=y');
    authPage(win).navigate('will-navigate', 'https://appleid.apple.com/auth/authorize');
    // Subframes and allowed pages are not reported.
    authPage(win).navigate('will-frame-navigate', 'https://www.google.com/recaptcha/api2/anchor', { isMainFrame: false });
    authPage(win).navigate('will-navigate', 'https://secure.getjobber.com/login');
    expect(blocked).toEqual(['accounts.google.com', 'appleid.apple.com']);
    expect(events).toEqual([]);
    expect(win.destroyed).toBe(false);
  });

  it('denies pop-ups, sending only Jobber help links to the browser', () => {
    const win = openWindow();
    expect(authPage(win).openWindow('https://help.getjobber.com/article')).toEqual({ action: 'deny' });
    expect(authPage(win).openWindow('https://evil.example/')).toEqual({ action: 'deny' });
    expect(authPage(win).openWindow('https://getjobber.com.evil.example/')).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://help.getjobber.com/article']);
  });

  it('closing the window cancels once', () => {
    const win = openWindow();
    win.close();
    expect(events).toEqual(['cancel closed']);
    expect(authPage(win).session.clearedStorage).toBe(1);
  });

  it('times out at the request expiry', async () => {
    const win = openWindow();
    await clock.advance(10 * 60_000 - 1);
    expect(events).toEqual([]);
    await clock.advance(1);
    expect(events).toEqual(['cancel timeout']);
    expect(win.destroyed).toBe(true);
  });

  it('reports a failed main-frame load (offline) but ignores our own aborted navigations and subframes', () => {
    const win = openWindow();
    authPage(win).emit('did-fail-load', new FakeEvent(), -3, 'ERR_ABORTED', AUTHORIZE, true, 1, 1);
    authPage(win).emit('did-fail-load', new FakeEvent(), -106, 'ERR_INTERNET_DISCONNECTED', 'https://x/', false, 1, 1);
    expect(events).toEqual([]);
    authPage(win).emit('did-fail-load', new FakeEvent(), -106, 'ERR_INTERNET_DISCONNECTED', AUTHORIZE, true, 1, 1);
    expect(events).toEqual([`cancel load-failed: ${describeLoadFailure(-106, 'ERR_INTERNET_DISCONNECTED')}`]);
    expect(events[0]).toContain('offline');
    expect(events[0]).not.toContain('state=');
    expect(win.destroyed).toBe(true);
  });

  it('a second open focuses the existing window instead of opening another', () => {
    const win = openWindow();
    controller.open(request());
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(win.focusCount).toBe(1);
  });

  it('close() ends the window without reporting a cancel', () => {
    const win = openWindow();
    controller.close();
    expect(win.destroyed).toBe(true);
    expect(events).toEqual([]);
    expect(session.fromPartition(String(authPageView(win).options.webPreferences?.partition)).clearedStorage).toBe(1);
  });
});

describe('auth window origin header (RFC 8252 §8.12: the person sees where they type)', () => {
  it('is a local header above Jobber\'s page, which is the window\'s one child view, laid out below it and resized with the window', () => {
    const win = openWindow();
    expect(win.contentView.children).toHaveLength(1);
    const page = authPageView(win);
    expect(page).toBeInstanceOf(WebContentsView);
    expect(page.webContents).not.toBe(win.webContents);
    expect(page.getBounds()).toEqual({ x: 0, y: AUTH_HEADER_HEIGHT, width: 520, height: 760 - AUTH_HEADER_HEIGHT });
    win.setBounds({ width: 900, height: 1000 });
    expect(page.getBounds()).toEqual({ x: 0, y: AUTH_HEADER_HEIGHT, width: 900, height: 1000 - AUTH_HEADER_HEIGHT });
    // Before the first page commits, the header says so rather than naming any address.
    expect(authHeaderText(win)).toBe('Loading…');
    // Shown with the keyboard in Jobber's page, not in the header.
    win.emit('ready-to-show');
    expect(page.webContents.focusCount).toBe(1);
  });

  it('shows the origin after every top-level navigation (initial load, redirect to another origin, in-page), never the path, query or fragment', () => {
    const win = openWindow();
    const page = authPage(win);
    page.commitNavigation(AUTHORIZE);
    expect(authHeaderText(win)).toBe('Secure (https) https://api.getjobber.com');
    // A redirect to Jobber's login page: did-navigate reports the final URL. Plant a code and state.
    page.commitNavigation('https://secure.getjobber.com/login/PLANTED-PATH?code=PLANTED-CODE&state=PLANTED-STATE#PLANTED-FRAGMENT');
    expect(authHeaderText(win)).toBe('Secure (https) https://secure.getjobber.com');
    // An in-page navigation (pushState, a fragment) is followed too.
    page.commitNavigation('https://secure.getjobber.com/login/step-2?state=PLANTED-STATE#PLANTED-FRAGMENT', { inPage: true });
    expect(authHeaderText(win)).toBe('Secure (https) https://secure.getjobber.com');
    expect(page.listenerCount('did-navigate-in-page')).toBeGreaterThan(0);
    // Whatever commits in the main frame is named as it is (here an origin the policy would refuse).
    page.commitNavigation('https://www.google.com/recaptcha/api2/anchor?k=x');
    expect(authHeaderText(win)).toBe('Secure (https) https://www.google.com');
    // Subframes (captcha) never change what the header says.
    page.commitNavigation('https://secure.getjobber.com/consent');
    page.commitNavigation('https://www.google.com/recaptcha/api2/anchor?k=x', { isMainFrame: false });
    page.commitNavigation('https://www.google.com/recaptcha/api2/anchor#x', { isMainFrame: false, inPage: true });
    expect(authHeaderText(win)).toBe('Secure (https) https://secure.getjobber.com');
    for (const url of win.webContents.loadedUrls) {
      const html = decodeURIComponent(url);
      for (const secret of ['PLANTED', 'state=', 'code=', 'client_id', '/api/oauth', '/login', 'step-2', 'consent', 'recaptcha']) expect(html).not.toContain(secret);
    }
  });

  it('says "Not secure" for http, and "this computer" for the loopback sandbox', () => {
    const sandbox = 'http://127.0.0.1:45678';
    const win = openWindow({
      authorizeUrl: `${sandbox}/api/oauth/authorize?state=s`,
      rules: { allowedOrigins: authAllowedOrigins('sandbox', sandbox), redirectUri: REDIRECT },
    });
    authPage(win).commitNavigation(`${sandbox}/api/oauth/authorize?state=s`);
    expect(authHeaderText(win)).toBe(`Not secure · this computer ${sandbox}`);
    expect(authHeaderDocument(win)).toContain('class="badge insecure"');
    expect(describePageOrigin('http://jobber.example:8080/login?code=x')).toEqual({ origin: 'http://jobber.example:8080', secure: false, label: 'Not secure' });
    expect(describePageOrigin('http://[::1]:4000/')).toMatchObject({ origin: 'http://[::1]:4000', label: 'Not secure · this computer' });
    expect(describePageOrigin('https://api.getjobber.com:443/x')).toEqual({ origin: 'https://api.getjobber.com', secure: true, label: 'Secure (https)' });
    expect(describePageOrigin('https://user:hunter2@api.getjobber.com/')).toMatchObject({ origin: 'https://api.getjobber.com' });
    expect(describePageOrigin('about:blank')).toEqual({ origin: 'about:', secure: false, label: 'Not secure' });
    expect(describePageOrigin('data:text/html,<b>code=1</b>')).toEqual({ origin: 'data:', secure: false, label: 'Not secure' });
    expect(describePageOrigin('not a url')).toMatchObject({ secure: false, label: 'Not secure' });
  });

  it('the header is hardened: no preload, sandboxed, isolated, no Node; a local document whose CSP allows no script; it navigates nowhere and opens nothing', () => {
    const win = openWindow();
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true });
    expect(prefs.preload).toBeUndefined();
    authPage(win).commitNavigation(AUTHORIZE);
    for (const url of win.webContents.loadedUrls) expect(url).toMatch(/^data:text\/html;charset=utf-8,/);
    const html = authHeaderDocument(win);
    expect(html).not.toMatch(/<script|\son\w+=|<link|<img|src=|href=/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? '';
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.has('script-src')).toBe(false);
    // The one inline style is allowed by its hash, not by 'unsafe-inline'.
    const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] ?? '';
    expect(directives.get('style-src')).toEqual([`'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`]);
    expect(win.webContents.navigate('will-navigate', 'https://evil.example/').defaultPrevented).toBe(true);
    expect(win.webContents.navigate('will-frame-navigate', 'https://evil.example/').defaultPrevented).toBe(true);
    expect(win.webContents.openWindow('https://help.getjobber.com/article')).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual([]);
  });

  it('the header cannot be injected: markup in a URL or in the text comes out as text', () => {
    const win = openWindow();
    authPage(win).commitNavigation('https://api.getjobber.com/"><script>alert(1)</script>?q=<img src=x onerror=alert(1)>#<b>x</b>');
    expect(authHeaderText(win)).toBe('Secure (https) https://api.getjobber.com');
    expect(authHeaderDocument(win)).not.toMatch(/<script|<img|onerror|<b>/i);
    // A hostname cannot carry markup (the URL parser refuses it), but the renderer escapes anyway.
    const html = authHeaderHtml({ origin: '<img src=x onerror=alert(1)>', secure: false, label: '"><script>alert(1)</script>' });
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
  });

  it('closing the window also closes Jobber\'s page view', () => {
    const win = openWindow();
    const page = authPage(win);
    win.close();
    expect(page.isDestroyed()).toBe(true);
    expect(events).toEqual(['cancel closed']);
  });
});
