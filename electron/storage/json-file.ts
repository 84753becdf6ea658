/**
 * One small JSON file in userData, through electron-store: mode 0600, atomic writes (write to a
 * temporary file, fsync, rename), `clearInvalidConfig` off. A file that cannot be parsed is never
 * wiped and never crashes the app: it is renamed aside (`<name>.json.corrupt-<time>`) and reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import Store from 'electron-store';

export type JsonFileRead =
  | { kind: 'ok'; data: Record<string, unknown> }
  | { kind: 'corrupt'; movedTo: string | null };

export interface JsonFile {
  readonly path: string;
  read(): JsonFileRead;
  /** Replaces the whole file atomically. Throws on I/O failure. */
  write(data: Record<string, unknown>): void;
  /** Renames the current file aside (for content that parses but fails its schema). */
  moveAside(): string | null;
}

/** Opens (lazily) `<dir>/<name>.json`. `now` names the moved-aside copy. */
export function openJsonFile(options: { dir: string; name: string; now: () => number }): JsonFile {
  const filePath = path.join(options.dir, `${options.name}.json`);
  let store: Store<Record<string, unknown>> | null = null;

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
      try {
        const data = { ...getStore().store };
        return { kind: 'ok', data };
      } catch (error) {
        if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return { kind: 'ok', data: {} };
        return { kind: 'corrupt', movedTo: moveAside() };
      }
    },
    write(data) {
      let target: Store<Record<string, unknown>>;
      try {
        target = getStore();
      } catch {
        // The file on disk is unreadable: keep it aside rather than overwrite it blindly.
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
