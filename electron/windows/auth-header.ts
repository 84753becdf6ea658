/**
 * The auth window's address bar (RFC 8252 §8.12): a small local strip above Jobber's page that
 * names the page's origin and whether the connection is secure, so the person can see where they
 * are typing their password. Pure functions: auth-window.ts shows the result in its header view.
 *
 * Only the origin is ever shown (scheme, host, port): the path, query and fragment can carry the
 * OAuth code and state, and credentials in a URL are dropped by the parser.
 */
import { createHash } from 'node:crypto';
import { parseUrl } from '../core/url';

/** Height of the header strip, in DIPs; Jobber's page is laid out below it. */
export const AUTH_HEADER_HEIGHT = 36;

export interface PageOrigin {
  /** `https://host[:port]` for http(s); the bare scheme (`about:`, `data:`) for anything else. */
  origin: string;
  /** True only for https (Electron refuses invalid certificates: the window has no certificate-error handler). */
  secure: boolean;
  /** The lock / not-secure indicator, in words. */
  label: string;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** What the header says about a page URL. Never throws; never returns the path or query. */
export function describePageOrigin(url: string): PageOrigin {
  const parsed = parseUrl(url);
  if (parsed === null) return { origin: 'Unknown address', secure: false, label: 'Not secure' };
  if (parsed.protocol === 'https:') return { origin: `https://${parsed.host}`, secure: true, label: 'Secure (https)' };
  if (parsed.protocol === 'http:') {
    const local = isLoopbackHost(parsed.hostname);
    return { origin: `http://${parsed.host}`, secure: false, label: local ? 'Not secure · this computer' : 'Not secure' };
  }
  // about:blank, data:, a custom scheme: name the scheme only (the rest may be content or a code).
  return { origin: parsed.protocol, secure: false, label: 'Not secure' };
}

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE =
  'html,body{margin:0;height:100%;overflow:hidden;background:#f1f3f5;color:#1f2933;' +
  'font:13px/1.2 system-ui,-apple-system,"Segoe UI",sans-serif;-webkit-user-select:none;user-select:none}' +
  'body{display:flex;align-items:center;gap:8px;padding:0 10px;box-sizing:border-box;border-bottom:1px solid #cbd2d9}' +
  '.badge{flex:none;padding:2px 6px;border-radius:3px;font-weight:600}' +
  '.secure{background:#e3f9e5;color:#05400a}.insecure{background:#ffe3e3;color:#610404}.loading{color:#616e7c}' +
  '.origin{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;-webkit-user-select:text;user-select:text}';

/** The header's policy: no script, no network, no forms; only the one inline style, by hash. */
export const AUTH_HEADER_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The header's whole document, for a page origin (null while the first page is still loading). */
export function authHeaderHtml(page: PageOrigin | null): string {
  const badge =
    page === null
      ? '<span class="badge loading">Loading…</span>'
      : `<span class="badge ${page.secure ? 'secure' : 'insecure'}">${escapeHtml(page.label)}</span>`;
  const origin = page === null ? '' : `<span class="origin">${escapeHtml(page.origin)}</span>`;
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(AUTH_HEADER_CSP)}">` +
    `<title>Sign in to Jobber</title><style>${STYLE}</style></head>` +
    `<body>${badge}${origin}</body></html>`
  );
}

/**
 * The header as a data: URL. Why regenerate a document rather than patch text in with
 * executeJavaScript: the header then runs no script at all (its CSP forbids any), the only dynamic
 * text is HTML-escaped, and percent-encoding keeps the URL well formed whatever the text.
 */
export function authHeaderDataUrl(page: PageOrigin | null): string {
  return `data:text/html;charset=utf-8,${encodeURIComponent(authHeaderHtml(page))}`;
}
