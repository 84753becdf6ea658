/**
 * A TokenStore that keeps the connection as plain JSON in one file. Not encrypted: it serves
 * tests, benchmarks and the crash harness (the Electron vault encrypts). Writes are atomic and
 * durable: temp file, fsync, rename over the target, fsync the directory; mode 0600. Bad data
 * on load is reported as `unreadable`/`corrupt` and left in place, never deleted.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AuthError } from './errors';
import type { StoreLoadResult, TokenStore } from './ports';
import { describeError } from './redact';
import { parseStoredConnection } from './stored-connection-schema';
import type { StoredConnection } from './token-model';

const FILE_MODE = 0o600;
let tempCounter = 0;

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export class FileTokenStore implements TokenStore {
  constructor(private readonly filePath: string) {}

  async load(): Promise<StoreLoadResult> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { kind: 'empty' };
      // An I/O failure is not bad data: the caller decides (the session shows "storage unavailable").
      throw new AuthError('storage', `Could not read the token file: ${describeError(error)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'unreadable', reason: 'corrupt', message: 'The token file is not valid JSON; it was left in place.' };
    }
    const parsed = parseStoredConnection(json);
    if (!parsed.ok) return { kind: 'unreadable', reason: 'corrupt', message: `${parsed.message} The file was left in place.` };
    return { kind: 'loaded', connection: parsed.connection };
  }

  async save(connection: StoredConnection): Promise<void> {
    const parsed = parseStoredConnection(connection);
    if (!parsed.ok) throw new AuthError('storage', `Refusing to save: ${parsed.message}`);
    tempCounter += 1;
    const tempPath = `${this.filePath}.tmp-${process.pid}-${tempCounter}`;
    try {
      const handle = await fs.open(tempPath, 'w', FILE_MODE);
      try {
        await handle.writeFile(JSON.stringify(parsed.connection), 'utf8');
        // The umask may have widened nothing, but a pre-existing temp name could carry other bits.
        await handle.chmod(FILE_MODE);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tempPath, this.filePath);
      await this.syncDirectory();
    } catch (error) {
      await fs.rm(tempPath, { force: true }).catch(() => undefined);
      throw new AuthError('storage', `Could not save the token file: ${describeError(error)}`);
    }
  }

  async clear(): Promise<void> {
    try {
      await fs.rm(this.filePath, { force: true });
      await this.syncDirectory();
    } catch (error) {
      throw new AuthError('storage', `Could not remove the token file: ${describeError(error)}`);
    }
  }

  /** Makes the rename itself durable. Some platforms (Windows) cannot open a directory: best effort there. */
  private async syncDirectory(): Promise<void> {
    let dir: fs.FileHandle | undefined;
    try {
      dir = await fs.open(path.dirname(this.filePath), 'r');
      await dir.sync();
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
    } finally {
      await dir?.close();
    }
  }
}
