/**
 * The auth window (the default sign-in mode): a BrowserWindow on a throwaway partition that shows
 * Jobber's sign-in and consent pages and catches the OAuth redirect before it loads. Decisions come
 * from navigation-policy.ts; this adapter only wires Electron events to them. One window at a time:
 * a second `open` focuses the existing one.
 *
 * Layout (RFC 8252 §8.12, the person must see where they type their password): the window's own
 * webContents shows a local header (auth-header.ts: the page's origin and a secure / not-secure
 * label, no script, no preload), and Jobber's page is a child WebContentsView laid out below it.
 * Why this way round: a BrowserWindow's own webContents always fills the window (its content view
 * is laid out by the window, so it cannot be offset), while a child view can be placed anywhere
 * and is drawn on top. Keeping a BrowserWindow (rather than a BaseWindow with two views) keeps
 * `ready-to-show` and every existing window lookup; the remote page cannot draw over the header,
 * which lives in another view and another renderer.
 */
import { randomBytes } from 'node:crypto';
import { BrowserWindow, WebContentsView, session } from 'electron';
import type { Certificate, Event as ElectronEvent } from 'electron';
import type { Clock, TimerHandle } from '../core/clock';
import type { Logger } from '../core/logger';
import { redact } from '../core/redact';
import { customScheme, parseUrl } from '../core/url';
import { decideNavigation, decideSubframeNavigation, isJobberHelpLink, type NavigationRules } from './navigation-policy';
import { AUTH_HEADER_HEIGHT, authHeaderDataUrl, describePageOrigin } from './auth-header';
import { authPageViewOptions, authWindowOptions } from './window-options';

export type AuthWindowCancelReason = 'closed' | 'timeout' | 'load-failed';

export interface AuthWindowRequest {
  authorizeUrl: string;
  /** Epoch ms when the pending request expires; the window closes and cancels then. */
  expiresAt: number;
  rules: NavigationRules;
  /** The callback URL, caught before it loaded. Called at most once. */
  onCallback: (callbackUrl: string) => void;
  /** The person closed the window, it timed out, or the page failed to load. Called at most once. */
  onCancel: (reason: AuthWindowCancelReason, detail?: string) => void;
  /**
   * A top-level navigation was blocked (for example Google or Apple single sign-on). Gets the host
   * only, never the URL (its query may carry a state value). Called once per host per window.
   */
  onBlocked?: (host: string) => void;
}

export interface AuthWindowDeps {
  clock: Clock;
  logger: Logger;
  openExternal: (url: string) => void;
  /** Allow DevTools in the auth window (development only: main passes `!app.isPackaged`). */
  devTools?: boolean;
}

/** Chromium's net error for a navigation we cancelled ourselves (preventDefault). */
const ERR_ABORTED = -3;

/** Offline-type Chromium net errors, for a clearer message. */
const OFFLINE_ERRORS = new Set([-106, -105, -109, -118, -21]);

/** A short, human description of a failed page load (no URL: it may carry query parameters). */
export function describeLoadFailure(errorCode: number, errorDescription: string): string {
  const code = /^[A-Z_]+$/.test(errorDescription) ? errorDescription : `error ${errorCode}`;
  if (OFFLINE_ERRORS.has(errorCode)) return `Jobber's sign-in page could not be reached: you appear to be offline (${code}).`;
  return `Jobber's sign-in page failed to load (${code}).`;
}

type NavigationDetails = ElectronEvent<{ url: string; isMainFrame: boolean }>;

/** The host of a URL for a person-facing message (no path or query), or null. */
function hostOf(url: string): string | null {
  return parseUrl(url)?.hostname || null;
}

/** A top-level navigation, by its Fetch metadata (Sec-Fetch-Dest / Sec-Fetch-Mode). */
function isTopLevelDocument(req: Request): boolean {
  return req.headers.get('Sec-Fetch-Dest') === 'document' && req.headers.get('Sec-Fetch-Mode') === 'navigate';
}

export class AuthWindowController {
  private window: BrowserWindow | null = null;
  /** The view showing Jobber's page (the window's own webContents is the header). */
  private page: WebContentsView | null = null;

  constructor(private readonly deps: AuthWindowDeps) {}

  isOpen(): boolean {
    return this.window !== null && !this.window.isDestroyed();
  }

  /** Brings the open window to the front. */
  focus(): void {
    const win = this.window;
    if (win === null || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    const page = this.page;
    if (page !== null && !page.webContents.isDestroyed()) page.webContents.focus();
  }

  /** Closes the window without cancelling (the callback arrived or the request ended elsewhere). */
  close(): void {
    const win = this.window;
    if (win === null || win.isDestroyed()) return;
    this.settle?.();
    win.close();
  }

  private settle: (() => void) | null = null;

  /** Opens the window on the authorize URL, or focuses the one already open. */
  open(request: AuthWindowRequest): void {
    if (this.isOpen()) {
      this.focus();
      return;
    }
    const { clock, logger } = this.deps;
    if (decideNavigation(request.authorizeUrl, request.rules) !== 'allow') {
      logger.warn('Auth window refused to open: authorize URL is not on an allowed origin');
      request.onCancel('load-failed', 'The sign-in address is not on an allowed Jobber origin.');
      return;
    }

    // Non-persistent (no "persist:" prefix): lives in memory only, and is cleared after use anyway.
    const partition = `auth-${randomBytes(12).toString('hex')}`;
    const ses = session.fromPartition(partition);
    ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    // No page of a sign-in has anything to download; any frame could otherwise raise a save dialog.
    ses.on('will-download', (event) => {
      event.preventDefault();
      logger.warn('Auth window: a download was refused');
    });

    let settled = false;
    let timer: TimerHandle | null = null;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== null) clock.clearTimer(timer);
      timer = null;
      return true;
    };
    this.settle = () => void finish();

    const flavour = { devTools: this.deps.devTools ?? false };
    const win = new BrowserWindow(authWindowOptions(partition, flavour));
    const page = new WebContentsView(authPageViewOptions(partition, flavour));
    win.contentView.addChildView(page);
    this.window = win;
    this.page = page;
    // Everything below hardens Jobber's page: the remote content lives in this view.
    const contents = page.webContents;

    const header = win.webContents;
    // The header is ours and static: it never navigates by itself and opens nothing. (Neither event
    // fires for our own loadURL, so the header's updates still load.)
    header.on('will-navigate', (event) => event.preventDefault());
    header.on('will-frame-navigate', (event) => event.preventDefault());
    header.setWindowOpenHandler(() => ({ action: 'deny' }));
    let shownHeader = '';
    const showHeader = (url: string | null) => {
      const next = authHeaderDataUrl(url === null ? null : describePageOrigin(url));
      if (next === shownHeader || header.isDestroyed()) return;
      shownHeader = next;
      header.loadURL(next).catch(() => undefined);
    };
    showHeader(null);
    // Every committed top-level navigation (redirects end in did-navigate with the final URL).
    contents.on('did-navigate', (_event, url) => showHeader(url));
    contents.on('did-navigate-in-page', (_event, url, isMainFrame) => {
      if (isMainFrame) showHeader(url);
    });

    const layout = () => {
      if (win.isDestroyed()) return;
      const [width = 0, height = 0] = win.getContentSize();
      page.setBounds({ x: 0, y: AUTH_HEADER_HEIGHT, width, height: Math.max(0, height - AUTH_HEADER_HEIGHT) });
    };
    layout();
    // 'resize' covers dragging; the others are listed too since not every platform sends 'resize' for them.
    win.on('resize', layout);
    win.on('maximize', layout);
    win.on('unmaximize', layout);
    win.on('enter-full-screen', layout);
    win.on('leave-full-screen', layout);

    const catchCallback = (url: string) => {
      if (!finish()) return;
      logger.info('OAuth callback caught in the auth window');
      request.onCallback(url);
      if (!win.isDestroyed()) win.close();
    };

    // Safety net: if a custom-scheme callback ever slips past the navigation events, the request
    // still ends here instead of at the OS handler. Only for a top-level document (Fetch metadata
    // says so): an iframe or an image pointing at the callback must not end the sign-in. Where
    // Chromium sends no such headers, nothing is caught here and the navigation events remain.
    const scheme = customScheme(request.rules.redirectUri);
    if (scheme !== null) {
      ses.protocol.handle(scheme, (req) => {
        if (!isTopLevelDocument(req)) {
          logger.warn('Auth window: a non-document request for the sign-in callback was ignored');
          return new Response(null, { status: 404 });
        }
        catchCallback(req.url);
        return new Response('<!doctype html><title>Signed in</title><p>You can close this window.</p>', {
          headers: { 'Content-Type': 'text/html; charset=utf-8' },
        });
      });
    }

    // Electron would otherwise pick the first matching certificate for any server that asks.
    contents.on('select-client-certificate', (event, _url, _certificates, callback) => {
      event.preventDefault();
      (callback as (certificate?: Certificate) => void)();
      logger.warn('Auth window: a client certificate request was answered with none');
    });

    const reportedHosts = new Set<string>();
    const onNavigation = (kind: string) => (details: NavigationDetails) => {
      const url = details.url;
      // will-navigate has always meant the main frame; the others say which frame they are about.
      const mainFrame = details.isMainFrame !== false;
      if (!mainFrame && decideNavigation(url, request.rules) !== 'callback' && decideSubframeNavigation(url, request.rules) === 'block') {
        details.preventDefault();
        logger.warn('Auth window: a subframe navigation to a non-https address was blocked', { event: kind });
        return;
      }
      const decision = decideNavigation(url, request.rules);
      if (decision === 'callback' && mainFrame) {
        details.preventDefault();
        catchCallback(url);
      } else if (decision === 'callback') {
        // A third-party iframe (captcha, analytics) could otherwise end the Connect as "denied" by
        // loading the bare redirect URI. Only Jobber's own top-level redirect is the answer.
        details.preventDefault();
        logger.warn('Auth window: a subframe tried to load the sign-in callback; blocked', { event: kind });
      } else if (decision === 'block' && mainFrame) {
        // https subframes (captcha, analytics) are left alone: they cannot replace the page, have
        // no preload and run sandboxed. Only top-level navigation is held to the allowlist.
        details.preventDefault();
        logger.warn('Auth window navigation blocked', { event: kind, url: redact(url) });
        const host = hostOf(url);
        if (host !== null && !reportedHosts.has(host)) {
          reportedHosts.add(host);
          request.onBlocked?.(host);
        }
      }
    };
    contents.on('will-navigate', onNavigation('will-navigate'));
    contents.on('will-redirect', onNavigation('will-redirect'));
    contents.on('will-frame-navigate', onNavigation('will-frame-navigate'));

    contents.setWindowOpenHandler(({ url }) => {
      if (isJobberHelpLink(url)) this.deps.openExternal(url);
      else logger.warn('Auth window pop-up blocked', { url: redact(url) });
      return { action: 'deny' };
    });

    contents.on('did-fail-load', (_event, errorCode, errorDescription, _url, isMainFrame) => {
      if (!isMainFrame || errorCode === ERR_ABORTED) return;
      if (!finish()) return;
      const detail = describeLoadFailure(errorCode, errorDescription);
      logger.warn('Auth window failed to load', { errorCode });
      request.onCancel('load-failed', detail);
      if (!win.isDestroyed()) win.close();
    });

    win.once('ready-to-show', () => {
      if (win.isDestroyed()) return;
      win.show();
      if (!contents.isDestroyed()) contents.focus();
    });

    win.on('closed', () => {
      // A child view's webContents is not destroyed with the window: close Jobber's page ourselves.
      if (!contents.isDestroyed()) contents.close();
      if (finish()) request.onCancel('closed');
      if (this.window === win) {
        this.window = null;
        this.page = null;
        this.settle = null;
      }
      if (scheme !== null) ses.protocol.unhandle(scheme);
      // Nothing from this sign-in (cookies, cache, local storage) outlives the window.
      void ses.clearStorageData().catch(() => logger.warn('Clearing the auth partition failed'));
      void ses.clearCache().catch(() => undefined);
    });

    timer = clock.setTimer(Math.max(0, request.expiresAt - clock.now()), () => {
      if (!finish()) return;
      logger.info('Sign-in window timed out');
      request.onCancel('timeout');
      if (!win.isDestroyed()) win.close();
    });

    contents.loadURL(request.authorizeUrl).catch(() => {
      // Failures are reported through did-fail-load (ERR_ABORTED when we caught the callback).
    });
  }
}
