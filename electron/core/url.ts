/**
 * The one URL parser. Every room that reads a URL it did not build (a redirect, a callback, a
 * setting, a frame's address) goes through `parseUrl` instead of its own `try { new URL }`, and
 * origins are compared in one spelling. Pure and browser-safe.
 */

/** The parsed URL, or null when `text` is not an absolute URL. Never throws. */
export function parseUrl(text: string, base?: string): URL | null {
  try {
    return new URL(text, base);
  } catch {
    return null;
  }
}

/**
 * `scheme://host[:port]` of a URL, for any scheme (WHATWG gives `"null"` as the origin of
 * non-special schemes like `app:`, which would make every such URL look alike). Null if unparsable.
 */
export function originOf(url: string): string | null {
  const parsed = parseUrl(url);
  if (parsed === null || parsed.host === '') return null;
  return `${parsed.protocol}//${parsed.host}`.toLowerCase();
}

/** Whether `url` is on `origin` (`scheme://host[:port]`, compared case-insensitively). */
export function isOnOrigin(url: string, origin: string): boolean {
  return originOf(url) === origin.toLowerCase();
}

/** The origin of an http(s) URL without credentials, or null for anything else. */
export function httpOrigin(url: string): string | null {
  const parsed = parseUrl(url);
  if (parsed === null) return null;
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  return parsed.origin;
}

/** The custom scheme of a redirect URI (to register with the OS), or null for http(s) and nonsense. */
export function customScheme(redirectUri: string): string | null {
  const parsed = parseUrl(redirectUri);
  if (parsed === null) return null;
  const protocol = parsed.protocol.replace(/:$/, '');
  return protocol === 'http' || protocol === 'https' ? null : protocol;
}

/** `${apiBaseUrl}${path}` with trailing slashes of the base stripped, so they never double. */
export function apiUrl(config: { readonly apiBaseUrl: string }, path: string): string {
  return `${config.apiBaseUrl.replace(/\/+$/, '')}${path}`;
}
