/**
 * A TokenStore that keeps the connection as plain JSON in one file. Not encrypted: it serves
 * tests, benchmarks and the crash harness (the Electron vault encrypts). Writes are atomic and
 * durable: temp file, fsync, rename over the target, fsync the directory; mode 0600. Bad data
 * on load (including a file over MAX_TOKEN_FILE_BYTES, which is never parsed) is reported as
 * `unreadable`/`corrupt` and left in place, never deleted. Load does remove this store's own stale
 * temp files (`<file>.tmp-<pid>-<n>` from a save killed mid-write): they hold the plain record.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AuthError } from '../../../electron/core/errors';
import type { StoreLoadResult, TokenStore } from '../../../electron/auth/ports';
import { describeError } from '../../../electron/core/redact';
import { parseStoredConnection } from '../../../electron/auth/stored-connection-schema';
import type { StoredConnection } from '../../../electron/auth/token-model';

const FILE_MODE = 0o600;
let tempCounter = 0;
/** Temp files of saves running in this process (any instance): never stale, whatever their age. */
const tempFilesInUse = new Set<string>();

/** The largest token file load() will read; a real one is about 1 KB. */
export const MAX_TOKEN_FILE_BYTES = 1024 * 1024;

const TEMP_SUFFIX = /^(\d{1,10})-\d{1,16}$/;

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** Reads at most `limit + 1` bytes, so an oversized file is recognised without reading all of it. */
async function readCapped(filePath: string, limit: number): Promise<Buffer | 'too-large'> {
  const handle = await fs.open(filePath, 'r');
  try {
    if ((await handle.stat()).size > limit) return 'too-large';
    const buffer = Buffer.alloc(limit + 1);
    let total = 0;
    while (total < buffer.length) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    // The file can grow between stat and read.
    return total > limit ? 'too-large' : buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
}

export class FileTokenStore implements TokenStore {
  constructor(private readonly filePath: string) {}

  async load(): Promise<StoreLoadResult> {
    await this.removeStaleTempFiles();
    let bytes: Buffer | 'too-large';
    try {
      bytes = await readCapped(this.filePath, MAX_TOKEN_FILE_BYTES);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { kind: 'empty' };
      // An I/O failure is not bad data: the caller decides (the session shows "storage unavailable").
      throw new AuthError('storage', `Could not read the token file: ${describeError(error)}`);
    }
    if (bytes === 'too-large') {
      return { kind: 'unreadable', reason: 'corrupt', message: 'The token file is larger than 1 MiB, so it was not read; it was left in place.' };
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
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
    tempFilesInUse.add(tempPath);
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
    } finally {
      tempFilesInUse.delete(tempPath);
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

  /**
   * Deletes `<file>.tmp-<pid>-<n>` siblings left by a save that died mid-write: those of this
   * process that no save is using, and those of processes that no longer exist (a live writer in
   * another process keeps its file). Nothing else in the directory is touched. Best effort.
   */
  private async removeStaleTempFiles(): Promise<void> {
    const dir = path.dirname(this.filePath);
    const prefix = `${path.basename(this.filePath)}.tmp-`;
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const match = TEMP_SUFFIX.exec(name.slice(prefix.length));
      if (match === null) continue;
      const pid = Number(match[1]);
      // Spelled exactly as save() spells it, so the in-use check compares like with like.
      const tempPath = `${this.filePath}.tmp-${name.slice(prefix.length)}`;
      const stale = pid === process.pid ? !tempFilesInUse.has(tempPath) : pid > 0 && !processExists(pid);
      if (!stale) continue;
      // rm without `recursive` refuses a directory of that name: it is left alone.
      await fs.rm(tempPath).catch(() => undefined);
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
