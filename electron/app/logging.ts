/**
 * Logging: electron-log's file transport in userData/logs, behind the engine's redacting logger so
 * no token, code, state or secret reaches the file. The console transport is kept for development.
 */
import path from 'node:path';
import log from 'electron-log/main';
import { createRedactingLogger } from '../auth/redact';
import type { Logger } from '../auth/ports';

/** The folder the "Open Logs Folder" menu item opens. */
export function logsFolder(userDataDir: string): string {
  return path.join(userDataDir, 'logs');
}

/** Configures electron-log (file in `logsFolder`, 5 MB rotation) and returns a redacting Logger. */
export function createAppLogger(userDataDir: string): Logger {
  const file = path.join(logsFolder(userDataDir), 'main.log');
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.maxSize = 5 * 1024 * 1024;
  return createRedactingLogger({
    info: (message, fields) => (fields ? log.info(message, fields) : log.info(message)),
    warn: (message, fields) => (fields ? log.warn(message, fields) : log.warn(message)),
    error: (message, fields) => (fields ? log.error(message, fields) : log.error(message)),
  });
}
