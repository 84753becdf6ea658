/**
 * The log file is written by electron-log's real file transport, through createAppLogger's
 * redacting wrapper: a token-shaped string, a registered secret and an OAuth code never reach the
 * file. electron-log/main requires the real `electron` package through Node's own require (which
 * the vitest alias cannot reach, and which would try to download Electron), so the test gives
 * createAppLogger electron-log's Node build instead: the same Logger and the same file transport,
 * without the Electron-only app-path lookups (createAppLogger sets the path itself).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../../../electron/core/redact';

vi.mock('electron-log/main', async () => {
  const node = await vi.importActual<{ default: unknown }>('electron-log/node');
  return { default: node.default };
});

const { createAppLogger, logsFolder } = await import('../../../electron/app/logging');
const log = (await import('electron-log/main')).default;

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEyMyIsImV4cCI6MTc0ODg3NjQwMH0.c2lnbmF0dXJlLXZhbHVlLXRoYXQtaXMtbG9uZw';
const SECRET = 'client-secret-Qw8rT5yU2iO9pA3s';
const CODE = 'auth-code-Zx7Cv4Bn1Mm6';

let userData = '';
let file = '';

beforeAll(() => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-logging-'));
  file = path.join(logsFolder(userData), 'main.log');
  // No console echo: the test reads the file only.
  log.transports.console.level = false;
});

afterAll(() => {
  clearRegisteredSecrets();
  fs.rmSync(userData, { recursive: true, force: true });
});

function readLog(): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

describe('createAppLogger (electron-log file transport)', () => {
  it('writes to userData/logs/main.log, and nothing secret reaches the file', () => {
    registerSecret(SECRET);
    const logger = createAppLogger(userData);
    logger.info(`Token response: {"access_token":"${JWT}"}`);
    logger.warn('Refresh failed', { body: `refresh_token=${JWT}&client_secret=${SECRET}`, code: CODE });
    logger.error(`Callback was com.jobberconnect.app:/oauth/callback?code=${CODE}&state=abc123state456`, {
      header: `Authorization: Bearer ${JWT}`,
    });

    const text = readLog();
    expect(text).toContain('Token response');
    expect(text).toContain('Refresh failed');
    expect(text).toContain('Callback was');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(JWT);
    expect(text).not.toContain(JWT.split('.')[1]);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(CODE);
    expect(text).not.toContain('abc123state456');
  });

  it('the check can fail: the same transport written to directly does keep the token', () => {
    // Proves the file is really being read, so the absence above is the redaction's doing.
    log.info(`unredacted ${JWT}`);
    expect(readLog()).toContain(JWT);
  });
});
