/**
 * A stand-in for Electron's safeStorage behind the app's own SafeStoragePort, for the crash-test
 * child: a keyring backend that is always available, and a reversible keyed transform instead of
 * the OS keyring, the same in every process (the restart must read what the killed child sealed).
 * Not encryption; test-only.
 */
import type { SafeStoragePort } from '../../../electron/storage/safe-storage-port';

const KEY = Buffer.from('crash-harness-stand-in-key');

function transform(bytes: Buffer): Buffer {
  return Buffer.from(bytes.map((byte, i) => byte ^ (KEY[i % KEY.length] ?? 0)));
}

export const safeStorageStandIn: SafeStoragePort = {
  backend: () => 'gnome_libsecret',
  isAvailable: async () => true,
  encrypt: async (plainText) => transform(Buffer.from(plainText, 'utf8')),
  decrypt: async (cipher) => ({ text: transform(cipher).toString('utf8'), shouldReEncrypt: false }),
};
