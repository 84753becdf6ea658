/**
 * Logging: electron-log's file transport in userData/logs, behind the engine's redacting logger so
 * no token, code, state or secret reaches the file. The folder is 0700 and the file 0600 (POSIX).
 * The console transport is kept for development.
 */
import path from 'node:path';
import log from 'electron-log/main';
import { PRIVATE_FILE_MODE, makePrivateDir, makePrivateFile } from './private-paths';
import { createRedactingLogger } from '../core/redact';
import type { Logger } from '../core/logger';

/** The folder the "Open Logs Folder" menu item opens. */
export function logsFolder(userDataDir: string): string {
  return path.join(userDataDir, 'logs');
}

/** Configures electron-log (file in `logsFolder`, 5 MB rotation) and returns a redacting Logger. */
export function createAppLogger(userDataDir: string): Logger {
  const file = path.join(logsFolder(userDataDir), 'main.log');
  makePrivateDir(logsFolder(userDataDir));
  // Created here, so an existing file from an older version is made private too; the transport's
  // own mode covers the file it recreates after rotating.
  makePrivateFile(file);
  log.transports.file.writeOptions = { ...log.transports.file.writeOptions, mode: PRIVATE_FILE_MODE };
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.maxSize = 5 * 1024 * 1024;
  return createRedactingLogger({
    info: (message, fields) => (fields ? log.info(message, fields) : log.info(message)),
    warn: (message, fields) => (fields ? log.warn(message, fields) : log.warn(message)),
    error: (message, fields) => (fields ? log.error(message, fields) : log.error(message)),
  });
}
