/**
 * The allowlist of app return addresses: the app's custom scheme callback, and loopback http with
 * an explicit port (RFC 8252 §7.1 and §7.3). Parsed with URL, compared by parts, never by prefix.
 */
import { DEFAULT_REDIRECT_URI } from '../electron/ipc/settings-schema';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** True when `returnTo` is an address the broker may send a handoff code to. */
export function isAllowedReturnTo(returnTo: string, extra: readonly string[] = []): boolean {
  if (returnTo === DEFAULT_REDIRECT_URI || extra.includes(returnTo)) return true;
  let url: URL;
  try {
    url = new URL(returnTo);
  } catch {
    return false;
  }
  return (
    url.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.port !== '' &&
    url.username === '' &&
    url.password === '' &&
    url.hash === '' &&
    url.search === '' &&
    // the literal text must be what URL understood (no backslashes or encoded tricks)
    url.href === returnTo
  );
}

/** `base` with query parameters appended (the allowlist guarantees it has none of its own). */
export function withParams(base: string, params: Record<string, string>): string {
  return `${base}?${new URLSearchParams(params).toString()}`;
}
