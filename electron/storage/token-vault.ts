/**
 * The TokenStore the session persists its connection through: the StoredConnection JSON, sealed
 * with safeStorage, in its own electron-store file. Loading never throws for bad data: a keyring
 * change or decrypt failure leaves the blob in place and reports `unreadable`; a damaged file (bad
 * JSON, not a JSON object, over the size cap, or a bad record) is moved aside and reported.
 */
import path from 'node:path';
import { AuthError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { StoreLoadResult, TokenStore } from '../auth/ports';
import { storedConnectionSchema } from '../auth/stored-connection-schema';
import type { StoredConnection } from '../auth/token-model';
import type { JsonFile, JsonFileProblem } from './json-file';
import type { SafeStoragePort } from './safe-storage-port';
import { open, seal, sealedRecordSchema, VaultRefusedError } from './sealed-record';
import { chooseVaultBehaviour } from './vault-policy';

const RECORD_KEY = 'connection';

export interface TokenVaultOptions {
  file: JsonFile;
  safeStorage: SafeStoragePort;
  /** Read at every call: the setting can change while the app runs. */
  allowWeakStorage: () => boolean;
  logger: Logger;
}

/** Creates the vault. */
export function createTokenVault(options: TokenVaultOptions): TokenStore {
  const { file, safeStorage, logger } = options;

  function corrupt(movedTo: string | null, problem: JsonFileProblem | 'bad-record' = 'bad-record'): StoreLoadResult {
    const where = movedTo === null ? '' : ` It was kept as ${path.basename(movedTo)}.`;
    logger.warn('Saved connection file is damaged', { movedAside: movedTo !== null, problem });
    return {
      kind: 'unreadable',
      reason: 'corrupt',
      message: `The saved connection file was damaged and could not be read.${where} Reconnect to continue.`,
    };
  }

  async function isAvailable(): Promise<boolean> {
    try {
      return await safeStorage.isAvailable(options.allowWeakStorage());
    } catch {
      return false;
    }
  }

  async function write(connection: StoredConnection): Promise<void> {
    let record;
    try {
      record = await seal(safeStorage, JSON.stringify(connection), options.allowWeakStorage());
    } catch (error) {
      if (error instanceof VaultRefusedError) throw new AuthError('storage', error.message);
      throw new AuthError('storage', 'The connection could not be encrypted for storage.');
    }
    try {
      file.write({ [RECORD_KEY]: record });
    } catch {
      throw new AuthError('storage', 'The connection could not be written to disk.');
    }
  }

  return {
    async load() {
      const read = file.read();
      if (read.kind === 'corrupt') return corrupt(read.movedTo, read.problem);
      // Checked before looking for a record: with a refused backend nothing could be saved either,
      // so the person must hear it now, not after signing in.
      const behaviour = chooseVaultBehaviour(safeStorage.backend(), await isAvailable(), options.allowWeakStorage());
      if (behaviour.kind === 'refuse') {
        return { kind: 'unreadable', reason: behaviour.reason, message: behaviour.message };
      }
      const raw = read.data[RECORD_KEY];
      if (raw === undefined) return { kind: 'empty' };
      const record = sealedRecordSchema.safeParse(raw);
      if (!record.success) return corrupt(file.moveAside());

      const opened = await open(safeStorage, record.data, options.allowWeakStorage());
      switch (opened.kind) {
        case 'refused':
          return { kind: 'unreadable', reason: opened.reason, message: opened.message };
        case 'backend-changed':
          logger.warn('Keyring backend changed since the connection was saved');
          return { kind: 'unreadable', reason: 'backend-changed', message: opened.message };
        case 'decrypt-failed':
          logger.warn('Saved connection could not be decrypted');
          return { kind: 'unreadable', reason: 'decrypt-failed', message: opened.message };
        case 'opened':
          break;
      }

      let json: unknown;
      try {
        json = JSON.parse(opened.text);
      } catch {
        return corrupt(file.moveAside());
      }
      const connection = storedConnectionSchema.safeParse(json);
      if (!connection.success) return corrupt(file.moveAside());
      const value = connection.data as StoredConnection;
      if (opened.shouldReEncrypt) {
        // The keyring rotated its key: re-seal with the new one while we still can read it.
        await write(value).catch(() => logger.warn('Re-encrypting the saved connection failed'));
      }
      return { kind: 'loaded', connection: value };
    },

    save: write,

    async clear() {
      try {
        file.write({});
      } catch {
        throw new AuthError('storage', 'The saved connection could not be removed from disk.');
      }
    },
  };
}
