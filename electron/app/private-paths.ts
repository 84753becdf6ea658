/**
 * Folders and files only this user may read (0700 / 0600 on POSIX), whatever the umask: userData
 * holds the sealed tokens, the settings and the log, and another account on the machine has no
 * business listing or reading them. On Windows, modes mean nothing; the profile's ACL applies.
 */
import fs from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and its parents) if needed and makes it 0700. */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is filtered by the umask and skipped for a folder that already exists.
  if (process.platform !== 'win32') fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates `file` empty if needed and makes it 0600 (an existing file keeps its content). */
export function makePrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  if (process.platform !== 'win32') fs.chmodSync(file, PRIVATE_FILE_MODE);
}
