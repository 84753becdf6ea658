/**
 * The two parts of an auth window as the stub shows them: the window's own webContents is the
 * local origin header, and Jobber's page is its one child WebContentsView (see auth-window.ts).
 */
import { WebContentsView, type BrowserWindow, type FakeWebContents } from './electron-stub';

/** The child view that shows Jobber's pages. */
export function authPageView(win: BrowserWindow): WebContentsView {
  const views = win.contentView.children.filter((v): v is WebContentsView => v instanceof WebContentsView);
  if (views.length !== 1 || views[0] === undefined) throw new Error(`expected one page view, found ${views.length}`);
  return views[0];
}

/** Jobber's page: the remote webContents every navigation rule applies to. */
export function authPage(win: BrowserWindow): FakeWebContents {
  return authPageView(win).webContents;
}

/** The header document the window shows now (its last loaded data: URL, decoded). */
export function authHeaderDocument(win: BrowserWindow): string {
  const url = win.webContents.loadedUrls.at(-1) ?? '';
  const prefix = 'data:text/html;charset=utf-8,';
  if (!url.startsWith(prefix)) throw new Error(`the header is not a local data: document: ${url.slice(0, 40)}`);
  return decodeURIComponent(url.slice(prefix.length));
}

/** The header's visible text (tags stripped, entities decoded). */
export function authHeaderText(win: BrowserWindow): string {
  const body = /<body>([\s\S]*)<\/body>/.exec(authHeaderDocument(win))?.[1] ?? '';
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/\s+/g, ' ')
    .trim();
}
