/**
 * The log file and the userData folder are created private on POSIX (0600 / 0700), whatever the
 * umask, with real files. electron-log's Node build stands in for its Electron entry (see
 * logging.test.ts for why).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron-log/main', async () => {
  const node = await vi.importActual<{ default: unknown }>('electron-log/node');
  return { default: node.default };
});

const { createAppLogger, logsFolder } = await import('../../../electron/app/logging');
const { makePrivateDir } = await import('../../../electron/app/private-paths');
const log = (await import('electron-log/main')).default;
log.transports.console.level = false;

const posix = process.platform !== 'win32';
const dirs: string[] = [];
let savedUmask: number | null = null;

afterEach(() => {
  if (savedUmask !== null) process.umask(savedUmask);
  savedUmask = null;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function permissive(): string {
  // A umask of 0 is the worst case: without explicit modes everything would be world-readable.
  savedUmask = process.umask(0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-private-'));
  dirs.push(dir);
  return dir;
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe.runIf(posix)('private files on POSIX', () => {
  it('the log file is created 0600 in a 0700 logs folder', () => {
    const userData = permissive();
    createAppLogger(userData).info('first line');
    const file = path.join(logsFolder(userData), 'main.log');
    expect(fs.readFileSync(file, 'utf8')).toContain('first line');
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(logsFolder(userData))).toBe(0o700);
  });

  it('an existing world-readable log file is made private again', () => {
    const userData = permissive();
    fs.mkdirSync(logsFolder(userData), { mode: 0o755 });
    const file = path.join(logsFolder(userData), 'main.log');
    fs.writeFileSync(file, 'old\n', { mode: 0o644 });
    createAppLogger(userData).info('next line');
    expect(modeOf(file)).toBe(0o600);
  });

  it('the userData folder is made 0700, created or existing', () => {
    const parent = permissive();
    const fresh = path.join(parent, 'fresh', 'Jobber Connect');
    makePrivateDir(fresh);
    expect(modeOf(fresh)).toBe(0o700);
    const existing = path.join(parent, 'existing');
    fs.mkdirSync(existing, { mode: 0o777 });
    makePrivateDir(existing);
    expect(modeOf(existing)).toBe(0o700);
  });
});
