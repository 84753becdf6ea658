/**
 * One small JSON file in userData, through electron-store: mode 0600, atomic writes (write to a
 * temporary file, fsync, rename), `clearInvalidConfig` off. A file that is not a JSON object (bad
 * JSON, an array, a number…) or is larger than MAX_JSON_FILE_BYTES is never parsed into data,
 * never wiped and never crashes the app: it is renamed aside (`<name>.json.corrupt-<time>`) and
 * reported. The first read also removes this file's own stale temp files (a crash mid-write).
 */
import fs from 'node:fs';
import path from 'node:path';
import Store from 'electron-store';

/**
 * The largest store or settings file read at load. Real files are well under 10 KB; anything
 * bigger is damage, and parsing a huge one would block the main process.
 */
export const MAX_JSON_FILE_BYTES = 1024 * 1024;

/** Why a file counted as corrupt (for logs; never shown with the file's content). */
export type JsonFileProblem = 'not-json' | 'not-an-object' | 'too-large' | 'unreadable';

export type JsonFileRead =
  | { kind: 'ok'; data: Record<string, unknown> }
  | { kind: 'corrupt'; movedTo: string | null; problem: JsonFileProblem };

export interface JsonFile {
  readonly path: string;
  read(): JsonFileRead;
  /** Replaces the whole file atomically. Throws on I/O failure. */
  write(data: Record<string, unknown>): void;
  /** Renames the current file aside (for content that parses but fails its schema). */
  moveAside(): string | null;
}

type Inspection = { kind: 'missing' } | { kind: 'object' } | { kind: 'corrupt'; problem: JsonFileProblem };

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Reads at most `limit + 1` bytes, so an oversized file is recognised without reading all of it. */
function readCapped(filePath: string, limit: number): Buffer | 'too-large' {
  const fd = fs.openSync(filePath, 'r');
  try {
    if (fs.fstatSync(fd).size > limit) return 'too-large';
    const buffer = Buffer.alloc(limit + 1);
    let total = 0;
    while (total < buffer.length) {
      const got = fs.readSync(fd, buffer, total, buffer.length - total, null);
      if (got === 0) break;
      total += got;
    }
    // The file can grow between fstat and read.
    return total > limit ? 'too-large' : buffer.subarray(0, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** Checks the file before electron-store sees it: electron-store would turn `[…]` or `7` into `{}`. */
function inspect(filePath: string): Inspection {
  let bytes: Buffer | 'too-large';
  try {
    bytes = readCapped(filePath, MAX_JSON_FILE_BYTES);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', problem: 'unreadable' };
  }
  if (bytes === 'too-large') return { kind: 'corrupt', problem: 'too-large' };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { kind: 'corrupt', problem: 'not-json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'corrupt', problem: 'not-an-object' };
  return { kind: 'object' };
}

/**
 * Removes `<base>.tmp-<10 digits><6 hex>` siblings: the temp names electron-store's atomic writer
 * (atomically) uses. Writes are synchronous and the app holds a single-instance lock, so a file
 * with that name seen here belongs to a write that died with an earlier process. Best effort.
 */
function removeStaleTempFiles(filePath: string): void {
  const dir = path.dirname(filePath);
  const prefix = `${path.basename(filePath)}.tmp-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d{10}[a-f0-9]{6}$/.test(name.slice(prefix.length))) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
    } catch {
      // Not ours to fight over (permissions, a directory of that name): leave it.
    }
  }
}

/** Opens (lazily) `<dir>/<name>.json`. `now` names the moved-aside copy. */
export function openJsonFile(options: { dir: string; name: string; now: () => number }): JsonFile {
  const filePath = path.join(options.dir, `${options.name}.json`);
  let store: Store<Record<string, unknown>> | null = null;
  let tempFilesSwept = false;

  function moveAside(): string | null {
    const target = `${filePath}.corrupt-${options.now()}`;
    try {
      fs.renameSync(filePath, target);
      return target;
    } catch {
      return null;
    } finally {
      store = null;
    }
  }

  function getStore(): Store<Record<string, unknown>> {
    store ??= new Store<Record<string, unknown>>({
      cwd: options.dir,
      name: options.name,
      configFileMode: 0o600,
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
      watch: false,
    });
    return store;
  }

  return {
    path: filePath,
    read() {
      if (!tempFilesSwept) {
        tempFilesSwept = true;
        removeStaleTempFiles(filePath);
      }
      const inspection = inspect(filePath);
      if (inspection.kind === 'missing') return { kind: 'ok', data: {} };
      if (inspection.kind === 'corrupt') return { kind: 'corrupt', movedTo: moveAside(), problem: inspection.problem };
      try {
        const data = { ...getStore().store };
        return { kind: 'ok', data };
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return { kind: 'ok', data: {} };
        return { kind: 'corrupt', movedTo: moveAside(), problem: 'unreadable' };
      }
    },
    write(data) {
      // Whatever is on disk and unreadable is kept aside rather than overwritten blindly.
      if (inspect(filePath).kind === 'corrupt') moveAside();
      let target: Store<Record<string, unknown>>;
      try {
        target = getStore();
      } catch {
        moveAside();
        target = getStore();
      }
      target.store = data;
      // Atomic rename can keep the old file's mode on some systems; make sure it is owner-only.
      if (process.platform !== 'win32') fs.chmodSync(filePath, 0o600);
    },
    moveAside,
  };
}
