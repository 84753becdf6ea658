/**
 * Recognises the Marketplace pairing link the broker's page offers,
 * `<app scheme>:/oauth/pair?pairing=<code>`, among OS-delivered URLs (argv, second-instance,
 * macOS open-url). It is a path of its own, apart from the sign-in callback: no `state`, never
 * fed to the callback parser. Pure.
 */
import { matchesRedirectUri } from '../auth/callback-parser';
import { DEFAULT_CALLBACK_SCHEME } from '../ipc/settings-schema';
import { parseUrl } from '../core/url';

export const PAIRING_LINK = `${DEFAULT_CALLBACK_SCHEME}:/oauth/pair`;

/** A pairing code as the broker makes them: base64url of 32 random bytes (bounded, not echoed). */
const PAIRING_CODE = /^[A-Za-z0-9_-]{16,128}$/;

/** True when `url` targets the pairing path, whatever its query (it may still be malformed). */
export function isPairingLink(url: string): boolean {
  return matchesRedirectUri(url, PAIRING_LINK);
}

/** The pairing code of a well-formed link: exactly one `pairing` parameter of the right form; else null. */
export function pairingCode(url: string): string | null {
  if (!isPairingLink(url)) return null;
  const codes = parseUrl(url)?.searchParams.getAll('pairing') ?? [];
  const code = codes[0];
  return codes.length === 1 && code !== undefined && PAIRING_CODE.test(code) ? code : null;
}

/** The first pairing link among command-line arguments, or null. Flags never match. */
export function findPairingLink(argv: readonly string[]): string | null {
  return argv.find((arg) => !arg.startsWith('-') && isPairingLink(arg)) ?? null;
}
