/**
 * Whether the current safeStorage backend may hold secrets. Linux's `basic_text` backend only
 * obfuscates with a hard-coded key, so it counts as unavailable unless the person opted in.
 */

export type VaultBehaviour =
  | { kind: 'use'; weak: boolean }
  | { kind: 'refuse'; reason: 'unavailable' | 'basic-text'; message: string };

export const WEAK_BACKEND = 'basic_text';

/** Decides from the backend name, availability and the person's "allow weak storage" setting. */
export function chooseVaultBehaviour(backend: string, available: boolean, allowWeak: boolean): VaultBehaviour {
  // basic_text first: without the opt-in Electron may also report it as unavailable, and the
  // person must hear the message that names the opt-in, not "no keyring".
  if (backend === WEAK_BACKEND && !allowWeak) {
    return {
      kind: 'refuse',
      reason: 'basic-text',
      message:
        'This system has no keyring, only plain-text storage. Install or unlock a keyring, or allow weak storage in Settings.',
    };
  }
  if (!available || backend === 'unknown') {
    return {
      kind: 'refuse',
      reason: 'unavailable',
      message: 'No system keyring is available, so the connection cannot be stored securely.',
    };
  }
  return { kind: 'use', weak: backend === WEAK_BACKEND };
}
