/**
 * The "safe-storage-wrapper": a small port over Electron's `safeStorage`, so the vault logic can be
 * tested with a fake. Prefers the async API (Electron 42+) and falls back to the sync one. Only
 * valid after the app's `ready` event.
 */
import type { SafeStorage } from 'electron';

export interface SafeStoragePort {
  /** Name of the encryption backend in use: Linux reports its keyring, others a fixed name. */
  backend(): string;
  /**
   * Whether secrets can be encrypted now. `allowPlainText` is the person's "allow weak storage"
   * choice: on Linux without a keyring, Electron reports encryption as unavailable unless plain-text
   * (basic_text) encryption was explicitly allowed first.
   */
  isAvailable(allowPlainText: boolean): Promise<boolean>;
  encrypt(plainText: string): Promise<Buffer>;
  /** Throws when the data cannot be decrypted (other key, other backend, damaged bytes). */
  decrypt(cipher: Buffer): Promise<{ text: string; shouldReEncrypt: boolean }>;
}

/** Backend names for platforms where Electron does not report one. */
const PLATFORM_BACKENDS: Record<string, string> = { darwin: 'keychain', win32: 'dpapi' };

/** Adapts Electron's `safeStorage` for `platform` (process.platform). */
export function electronSafeStorage(safeStorage: SafeStorage, platform: NodeJS.Platform): SafeStoragePort {
  const hasAsync =
    typeof safeStorage.encryptStringAsync === 'function' &&
    typeof safeStorage.decryptStringAsync === 'function' &&
    typeof safeStorage.isAsyncEncryptionAvailable === 'function';
  return {
    backend: () =>
      platform === 'linux' ? safeStorage.getSelectedStorageBackend() : (PLATFORM_BACKENDS[platform] ?? platform),
    isAvailable: async (allowPlainText) => {
      if (platform === 'linux' && typeof safeStorage.setUsePlainTextEncryption === 'function') {
        safeStorage.setUsePlainTextEncryption(allowPlainText);
      }
      return hasAsync ? await safeStorage.isAsyncEncryptionAvailable() : safeStorage.isEncryptionAvailable();
    },
    encrypt: async (plainText) =>
      hasAsync ? await safeStorage.encryptStringAsync(plainText) : safeStorage.encryptString(plainText),
    decrypt: async (cipher) => {
      if (hasAsync) {
        const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(cipher);
        return { text: result, shouldReEncrypt };
      }
      return { text: safeStorage.decryptString(cipher), shouldReEncrypt: false };
    },
  };
}
