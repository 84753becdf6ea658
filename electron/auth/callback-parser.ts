/**
 * Recognises and parses the OAuth callback: the address Jobber sends the browser to after consent.
 * Input is untrusted (any page can navigate anywhere), so everything is parsed with WHATWG `URL`,
 * never compared by prefix, and nothing from the URL's query is echoed into a message.
 *
 * Custom-scheme callbacks (RFC 8252 §7.1, e.g. `com.jobberconnect.app:/oauth/callback`): the
 * `scheme:/oauth/callback` and `scheme://oauth/callback` spellings are treated as the same callback.
 * Jobber redirects to the exact registered string, but Chromium rewrites a custom scheme registered
 * as "standard" (protocol.registerSchemesAsPrivileged) into the `scheme://host/path` form, moving the
 * first path segment into the host. Accepting both does not widen the check: the scheme, every path
 * segment and the port still have to match, and the `state` check is what binds a callback to a
 * request. The first segment is compared case-insensitively for the same reason (hosts are
 * lower-cased by that rewrite); the rest of the path is case-sensitive.
 */
import { AuthError } from '../core/errors';
import type { PendingRequests } from './pending-requests';
import { redact, registerSecret } from '../core/redact';
import { parseUrl } from '../core/url';

// Schemes the URL standard parses with an authority; everything else is a custom scheme here.
const SPECIAL_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:']);

function tryParse(raw: string): URL | null {
  return typeof raw === 'string' ? parseUrl(raw) : null;
}

/** RFC 3986 §6.2.2: decode escapes of unreserved characters, upper-case the rest. */
function normalizePercentEncoding(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/** `scheme:/a/b`, `scheme:///a/b`, `scheme:a/b` and `scheme://a/b` all become `a/b` (first segment lower-cased). */
function customSchemeKey(url: URL): string {
  const path = normalizePercentEncoding(url.pathname);
  const joined = url.hostname !== '' ? `${url.hostname}/${path.replace(/^\/+/, '')}` : path.replace(/^\/+/, '');
  const slash = joined.indexOf('/');
  const first = slash === -1 ? joined : joined.slice(0, slash);
  const rest = slash === -1 ? '' : joined.slice(slash);
  // `scheme://oauth` and `scheme://oauth/` are the same address once the host moves into the path.
  return `${first.toLowerCase()}${rest === '/' ? '' : rest}`;
}

/**
 * True when `candidate` targets the configured redirect URI: same scheme, host, port and path,
 * compared on parsed URLs (never by prefix). Query and fragment are ignored; a candidate carrying
 * userinfo (`https://real.host@evil.host/…`) never matches. Scheme and host compare
 * case-insensitively. See the module header for how custom schemes are handled. Never throws.
 */
export function matchesRedirectUri(candidate: string, redirectUri: string): boolean {
  const target = tryParse(redirectUri);
  const actual = tryParse(candidate);
  if (target === null || actual === null) return false;
  if (actual.username !== '' || actual.password !== '') return false;
  if (actual.protocol !== target.protocol) return false;
  if (actual.port !== target.port) return false;
  if (SPECIAL_SCHEMES.has(target.protocol)) {
    return (
      actual.hostname === target.hostname &&
      normalizePercentEncoding(actual.pathname) === normalizePercentEncoding(target.pathname)
    );
  }
  return customSchemeKey(actual) === customSchemeKey(target);
}

export type CallbackResult = { ok: true; code: string; codeVerifier: string } | { ok: false; error: AuthError };

function fail(kind: ConstructorParameters<typeof AuthError>[0], message: string): CallbackResult {
  return { ok: false, error: new AuthError(kind, message) };
}

const STATE_MESSAGES = {
  'state-mismatch':
    "The sign-in response doesn't match the Connect request this app started, so it was refused for your safety. Click Connect to try again.",
  'unknown-state':
    'A sign-in response arrived, but no Connect request is waiting for one (it was cancelled, timed out or already used). Click Connect to start again.',
  'expired-state': 'The sign-in took too long and the Connect request expired. Click Connect to try again.',
  'stateless-callback':
    "This connection was started from Jobber's App Marketplace, which this desktop app cannot accept safely because the request carries no state to check. Open Jobber Connect and click its Connect button instead.",
} as const;

/** An OAuth error name is short and plain; anything else is not repeated back. */
function safeErrorName(value: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? redact(value) : 'an unrecognised error';
}

/**
 * Where a callback came from. 'auth-window': the app's own sign-in window caught Jobber's top-level
 * redirect before it loaded, so only Jobber's pages can have produced it. 'external': the OS (argv,
 * second-instance, open-url) or the loopback receiver, which any web page or local process can reach.
 */
export type CallbackSource = 'auth-window' | 'external';

/**
 * Parses the URL the browser was sent to after Jobber's consent. State first: checks, in order,
 * parseable and matching the redirect URI (else 'malformed-callback'); no query parameters at all →
 * 'denied' when the auth window caught it (Jobber's deny sends none); otherwise exactly one `state`
 * that a pending request recognises (`pending.consume`, which uses it up): a missing, duplicate or
 * unknown state is a state failure whatever else the URL carries, so a forged `error=` or bare
 * callback can never end a sign-in. Only then an `error` parameter → 'denied' for access_denied,
 * otherwise 'malformed-callback'; a missing or empty `code` (the broker's `handoff` in broker mode) → 'missing-code', a duplicate one →
 * 'malformed-callback'. Messages never contain the code or state.
 */
export function parseCallback(
  rawUrl: string,
  redirectUri: string,
  pending: PendingRequests,
  source: CallbackSource = 'auth-window',
  /** The parameter carrying the code: Jobber's `code`, or the broker's one-time `handoff`. */
  codeParam: 'code' | 'handoff' = 'code',
): CallbackResult {
  const url = tryParse(rawUrl);
  if (url === null) {
    return fail('malformed-callback', "The sign-in finished at an address that isn't a valid URL, so it was ignored.");
  }
  if (!matchesRedirectUri(rawUrl, redirectUri)) {
    return fail(
      'malformed-callback',
      "The sign-in finished at an address that isn't this app's registered callback URL, so it was ignored.",
    );
  }
  const params = url.searchParams;
  if ([...params.keys()].length === 0 && source === 'auth-window') {
    return fail('denied', 'Access was not granted in Jobber. Click Connect when you are ready to try again.');
  }

  const states = params.getAll('state');
  if (states.length > 1) {
    // Never consumed: one of them may be ours, copied by someone who must not end the sign-in.
    return fail('state-mismatch', 'The sign-in response carried more than one state value, so it was refused.');
  }
  if (states.length === 0 && !params.has(codeParam)) {
    return fail('stateless-callback', 'A sign-in response without a state value arrived, so it cannot be for this app and was ignored.');
  }
  const consumed = pending.consume(states[0] ?? null);
  if (!consumed.ok) return fail(consumed.kind, STATE_MESSAGES[consumed.kind]);

  const errors = params.getAll('error');
  if (errors.length > 0) {
    if (errors.length === 1 && errors[0] === 'access_denied') {
      return fail('denied', 'Access was not granted in Jobber. Click Connect when you are ready to try again.');
    }
    return fail(
      'malformed-callback',
      `Jobber returned an error instead of an authorization (${safeErrorName(errors[0] ?? '')}). Click Connect to try again.`,
    );
  }

  const codes = params.getAll(codeParam);
  if (codes.length > 1) {
    return fail('malformed-callback', 'The sign-in response carried more than one authorization code, so it was refused.');
  }
  const code = codes[0];
  if (code === undefined || code === '') {
    return fail('missing-code', 'Jobber sent the sign-in response back without an authorization code. Click Connect to try again.');
  }
  registerSecret(code);
  return { ok: true, code, codeVerifier: consumed.codeVerifier };
}
