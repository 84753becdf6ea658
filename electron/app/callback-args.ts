/**
 * Finds an OAuth callback URL among command-line arguments: the OS hands a custom-scheme URL to
 * a second instance (Windows, Linux) or to the first launch in argv.
 */
import { matchesRedirectUri } from '../auth/callback-parser';

/** The first argument that targets `redirectUri`, or null. Flags and paths never match. */
export function findCallbackUrl(argv: readonly string[], redirectUri: string): string | null {
  for (const arg of argv) {
    if (arg.startsWith('-')) continue;
    if (matchesRedirectUri(arg, redirectUri)) return arg;
  }
  return null;
}

/** The custom scheme to register with the OS for `redirectUri`, or null for http(s). */
export function callbackScheme(redirectUri: string): string | null {
  try {
    const protocol = new URL(redirectUri).protocol.replace(/:$/, '');
    return protocol === 'http' || protocol === 'https' ? null : protocol;
  } catch {
    return null;
  }
}
