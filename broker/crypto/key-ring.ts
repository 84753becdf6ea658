/**
 * Where the encryption keys come from: `BROKER_ENCRYPTION_KEYS` ("k2:base64,k1:base64", newest
 * first), or in development a generated key kept in the data folder (mode 0600) with a log line
 * saying so. Production configuration without keys is refused by config.ts, not here.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EncryptionKey } from './token-cipher';

/** Parses "id:base64,id:base64"; throws a message naming the bad entry. */
export function parseEncryptionKeys(text: string): EncryptionKey[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, index) => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
        throw new Error(`BROKER_ENCRYPTION_KEYS entry ${index + 1} must look like "id:base64key" (id: letters, digits, _ or -)`);
      }
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (key.length !== 32) {
        throw new Error(`BROKER_ENCRYPTION_KEYS key "${id}" must be 32 bytes of base64 (it decodes to ${key.length})`);
      }
      return { id, key };
    });
}

export const DEV_KEY_FILE = 'encryption-key';

/**
 * The development key in `dataDir`, generated on first use. `announce` is told when a key is
 * created or loaded so the operator sees that tokens are sealed with a local, generated key.
 */
export function loadOrCreateDevKey(dataDir: string, announce: (message: string) => void): EncryptionKey[] {
  const file = path.join(dataDir, DEV_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const line = `dev-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64')}`;
    writeFileSync(file, `${line}\n`, { mode: 0o600, flag: 'wx' });
    announce(`No BROKER_ENCRYPTION_KEYS set: generated a development encryption key in ${file}. Set BROKER_ENCRYPTION_KEYS in production.`);
  } else {
    announce(`No BROKER_ENCRYPTION_KEYS set: using the development encryption key in ${file}.`);
  }
  return parseEncryptionKeys(readFileSync(file, 'utf8'));
}
