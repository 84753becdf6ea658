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
