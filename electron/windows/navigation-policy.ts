/**
 * Navigation rules for the auth window and the app window, as pure functions: which URL may load,
 * which one is our OAuth callback (caught before it loads), which links may go to the system
 * browser. The Electron adapters (auth-window.ts, app-window.ts) only apply these answers.
 */
import { matchesRedirectUri } from '../auth/callback-parser';
import type { Environment } from '../ipc/settings-schema';
import { httpOrigin, parseUrl } from '../core/url';

/**
 * Origins Jobber's sign-in and consent pages are served from. One list, compared by parsed
 * `URL().origin` (never by prefix), so `https://api.getjobber.com.evil.example` is refused.
 * - api.getjobber.com: the authorize endpoint and consent screen.
 * - secure.getjobber.com / app.getjobber.com / auth.getjobber.com: Jobber's login pages the
 *   authorize endpoint sends a signed-out person to.
 * Third-party single sign-on pages (Google, Apple) are deliberately not listed: a person who signs
 * in that way uses the system-browser mode.
 */
export const JOBBER_AUTH_ORIGINS: readonly string[] = Object.freeze([
  'https://api.getjobber.com',
  'https://secure.getjobber.com',
  'https://app.getjobber.com',
  'https://auth.getjobber.com',
]);

/** What the auth window does with a navigation target. */
export type NavigationDecision = 'allow' | 'callback' | 'block';

export interface NavigationRules {
  /** Exact origins (`scheme://host[:port]`) the window may load. */
  allowedOrigins: readonly string[];
  /** The registered OAuth callback; a match is handed to the session instead of loading. */
  redirectUri: string;
}

/**
 * The auth window's allowlist: Jobber's https origins, plus the sandbox origin only in sandbox
 * mode (the sandbox serves its consent page over loopback http). In broker mode also the broker's
 * origin (Jobber returns to the broker's /oauth/callback, which redirects to the app) and the
 * configured API origin the broker's authorize URL must lead to (Jobber's, or a local sandbox
 * behind a development broker).
 */
export function authAllowedOrigins(environment: Environment, apiBaseUrl: string, brokerOrigin?: string): string[] {
  if (brokerOrigin !== undefined) {
    const extra = [httpOrigin(brokerOrigin), httpOrigin(apiBaseUrl)].filter((origin): origin is string => origin !== null);
    return [...new Set([...JOBBER_AUTH_ORIGINS, ...extra])];
  }
  if (environment !== 'sandbox') return [...JOBBER_AUTH_ORIGINS];
  const sandboxOrigin = httpOrigin(apiBaseUrl);
  return sandboxOrigin === null ? [...JOBBER_AUTH_ORIGINS] : [...JOBBER_AUTH_ORIGINS, sandboxOrigin];
}

/** Decides one navigation of the auth window. Never throws: anything unparsable is blocked. */
export function decideNavigation(url: string, rules: NavigationRules): NavigationDecision {
  if (matchesRedirectUri(url, rules.redirectUri)) return 'callback';
  const origin = httpOrigin(url);
  if (origin === null) return 'block';
  return rules.allowedOrigins.includes(origin) ? 'allow' : 'block';
}

/**
 * Decides one subframe navigation of the auth window: https anywhere (captcha, Jobber's own
 * frames), the empty documents a page builds frames from (about:blank, about:srcdoc), and the
 * window's own allowed origins (the sandbox's loopback http in sandbox mode). Anything else
 * (http, file:, data:, javascript:, custom schemes) is blocked. Never 'callback': only the main
 * frame's redirect is the answer.
 */
export function decideSubframeNavigation(url: string, rules: NavigationRules): 'allow' | 'block' {
  if (url === 'about:blank' || url === 'about:srcdoc') return 'allow';
  const parsed = parseUrl(url);
  if (parsed === null || parsed.username !== '' || parsed.password !== '') return 'block';
  if (parsed.protocol === 'https:') return 'allow';
  const origin = httpOrigin(url);
  return origin !== null && rules.allowedOrigins.includes(origin) ? 'allow' : 'block';
}

/**
 * What the person reads when the auth window refused a page (typically Google or Apple single sign-on,
 * deliberately not on the allowlist). Names the host only, and the way out: the system-browser mode.
 */
export function describeBlockedSignIn(host: string): string {
  return (
    `Jobber's sign-in tried to open ${host}, which the app's sign-in window does not allow. ` +
    'To sign in with Google or Apple, open Settings, set "Sign in with" to "System browser", then connect again.'
  );
}

/**
 * True for https links to Jobber's own sites (help pages, terms) that may be opened in the
 * person's browser. Hostname compared exactly or as a dot-suffix; no credentials allowed.
 */
export function isJobberHelpLink(url: string): boolean {
  const parsed = parseUrl(url);
  if (parsed === null || parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  const host = parsed.hostname.toLowerCase();
  return host === 'getjobber.com' || host.endsWith('.getjobber.com');
}
