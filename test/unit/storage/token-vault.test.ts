import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/core/logger';
import type { StoredConnection } from '../../../electron/auth/token-model';
import { MAX_JSON_FILE_BYTES, openJsonFile } from '../../../electron/storage/json-file';
import { electronSafeStorage } from '../../../electron/storage/safe-storage-port';
import { createTokenVault } from '../../../electron/storage/token-vault';
import { resetElectronStub, safeStorage, safeStorageControl } from '../../support/electron/electron-stub';
import type { SafeStorage } from 'electron';

const connection: StoredConnection = {
  version: 1,
  tokens: {
    accessToken: 'access-token-value-123',
    refreshToken: 'refresh-token-value-456',
    accessTokenIssuedAt: 1_000,
    accessTokenExpiresAt: 3_601_000,
    expirySource: 'jwt-exp',
  },
  account: { id: 'acc-1', name: 'Acme Lawn Care' },
  connectedAt: 1_000,
  lastRefresh: null,
  refreshInFlight: null,
};

let dir: string;
let allowWeak = false;

function makeVault() {
  const file = openJsonFile({ dir, name: 'connection-test', now: () => 42 });
  const port = electronSafeStorage(safeStorage as unknown as SafeStorage, 'linux');
  return { file, vault: createTokenVault({ file, safeStorage: port, allowWeakStorage: () => allowWeak, logger: silentLogger }) };
}

beforeEach(() => {
  resetElectronStub();
  allowWeak = false;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-vault-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('token vault', () => {
  it('starts empty, round-trips a connection, and clears it', async () => {
    const { vault } = makeVault();
    expect(await vault.load()).toEqual({ kind: 'empty' });
    await vault.save(connection);
    expect(await vault.load()).toEqual({ kind: 'loaded', connection });
    await vault.clear();
    expect(await vault.load()).toEqual({ kind: 'empty' });
  });

  it('writes an owner-only file holding only the backend name and ciphertext', async () => {
    const { vault, file } = makeVault();
    await vault.save(connection);
    const text = fs.readFileSync(file.path, 'utf8');
    expect(text).not.toContain('access-token-value-123');
    expect(text).not.toContain('refresh-token-value-456');
    expect(text).not.toContain('Acme');
    const data = JSON.parse(text);
    expect(data.connection).toEqual({ version: 1, backend: 'gnome_libsecret', ciphertext: expect.any(String) });
    if (process.platform !== 'win32') expect(fs.statSync(file.path).mode & 0o777).toBe(0o600);
  });

  it('uses the sync API when the async one is absent', async () => {
    safeStorageControl.asyncApi = false;
    const { vault } = makeVault();
    await vault.save(connection);
    expect(await vault.load()).toEqual({ kind: 'loaded', connection });
  });

  it('refuses basic_text by default: save throws a storage error, load reports basic-text', async () => {
    const { vault } = makeVault();
    await vault.save(connection);
    safeStorageControl.backend = 'basic_text';
    await expect(vault.save(connection)).rejects.toMatchObject({ kind: 'storage' });
    expect(await vault.load()).toMatchObject({ kind: 'unreadable', reason: 'basic-text' });
  });

  it('reports basic-text even before anything was saved', async () => {
    safeStorageControl.backend = 'basic_text';
    const { vault } = makeVault();
    expect(await vault.load()).toMatchObject({ kind: 'unreadable', reason: 'basic-text' });
  });

  it('uses basic_text when the person allowed weak storage', async () => {
    safeStorageControl.backend = 'basic_text';
    allowWeak = true;
    const { vault, file } = makeVault();
    await vault.save(connection);
    expect(await vault.load()).toEqual({ kind: 'loaded', connection });
    expect(JSON.parse(fs.readFileSync(file.path, 'utf8')).connection.backend).toBe('basic_text');
  });

  it('reports unavailable when no keyring is available, keeping the blob', async () => {
    const { vault, file } = makeVault();
    await vault.save(connection);
    const before = fs.readFileSync(file.path, 'utf8');
    safeStorageControl.available = false;
    expect(await vault.load()).toMatchObject({ kind: 'unreadable', reason: 'unavailable' });
    await expect(vault.save(connection)).rejects.toMatchObject({ kind: 'storage' });
    expect(fs.readFileSync(file.path, 'utf8')).toBe(before);
  });

  it('a decrypt failure reports decrypt-failed and keeps the old blob', async () => {
    const { vault, file } = makeVault();
    await vault.save(connection);
    const before = fs.readFileSync(file.path, 'utf8');
    safeStorageControl.key = 'key-2';
    const result = await vault.load();
    expect(result).toMatchObject({ kind: 'unreadable', reason: 'decrypt-failed' });
    expect(JSON.stringify(result)).not.toContain('token-value');
    expect(fs.readFileSync(file.path, 'utf8')).toBe(before);
  });

  it('a backend change reports backend-changed and keeps the old blob', async () => {
    const { vault, file } = makeVault();
    await vault.save(connection);
    const before = fs.readFileSync(file.path, 'utf8');
    safeStorageControl.backend = 'kwallet6';
    expect(await vault.load()).toMatchObject({ kind: 'unreadable', reason: 'backend-changed' });
    expect(fs.readFileSync(file.path, 'utf8')).toBe(before);
  });

  it('a corrupt file is moved aside and reported, never thrown, and a new save works', async () => {
    const { vault, file } = makeVault();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file.path, '{"connection": {"version": 1, "backe');
    const result = await vault.load();
    expect(result).toMatchObject({ kind: 'unreadable', reason: 'corrupt' });
    expect(fs.existsSync(`${file.path}.corrupt-42`)).toBe(true);
    expect(fs.readFileSync(`${file.path}.corrupt-42`, 'utf8')).toContain('"backe');
    expect(await vault.load()).toEqual({ kind: 'empty' });
    await vault.save(connection);
    expect(await vault.load()).toEqual({ kind: 'loaded', connection });
  });

  it('a well-formed file with a malformed record is treated as corrupt', async () => {
    const { vault, file } = makeVault();
    fs.writeFileSync(file.path, JSON.stringify({ connection: { version: 2, backend: 'x', ciphertext: '!!' } }));
    expect(await vault.load()).toMatchObject({ kind: 'unreadable', reason: 'corrupt' });
    expect(fs.existsSync(`${file.path}.corrupt-42`)).toBe(true);
  });

  it('a decrypted payload that fails the schema is treated as corrupt', async () => {
    const { vault, file } = makeVault();
    await vault.save({ ...connection, tokens: { ...connection.tokens, refreshToken: '' } } as StoredConnection);
    expect(await vault.load()).toMatchObject({ kind: 'unreadable', reason: 'corrupt' });
    expect(fs.existsSync(file.path)).toBe(false);
  });

  it('re-encrypts when the keyring asks for it', async () => {
    const { vault } = makeVault();
    await vault.save(connection);
    safeStorageControl.shouldReEncrypt = true;
    const calls = safeStorageControl.encryptCalls;
    expect(await vault.load()).toEqual({ kind: 'loaded', connection });
    expect(safeStorageControl.encryptCalls).toBe(calls + 1);
  });

  it.each([
    ['a number', '1712696671'],
    ['an array', '[{"connection":{"version":1}}]'],
    ['a string', '"connection"'],
    ['null', 'null'],
  ])('a file whose top level is %s is corrupt: moved aside and reported, not loaded as empty', async (_label, text) => {
    const { vault, file } = makeVault();
    fs.writeFileSync(file.path, text);
    const result = await vault.load();
    expect(result).toMatchObject({ kind: 'unreadable', reason: 'corrupt' });
    expect(result.kind === 'unreadable' ? result.message : '').toContain('connection-test.json.corrupt-42');
    expect(fs.readFileSync(`${file.path}.corrupt-42`, 'utf8')).toBe(text);
    expect(fs.existsSync(file.path)).toBe(false);
    await vault.save(connection);
    expect(await vault.load()).toEqual({ kind: 'loaded', connection });
  });

  it('a file over the size cap is corrupt and moved aside unparsed, even when it is a valid object', async () => {
    const { vault, file } = makeVault();
    const text = `{"padding":"${'x'.repeat(MAX_JSON_FILE_BYTES)}"}`;
    fs.writeFileSync(file.path, text);
    expect(await vault.load()).toMatchObject({ kind: 'unreadable', reason: 'corrupt' });
    expect(fs.statSync(`${file.path}.corrupt-42`).size).toBe(Buffer.byteLength(text));
    expect(fs.existsSync(file.path)).toBe(false);
  });

  it('a saved file just under the size cap still loads', async () => {
    const { vault, file } = makeVault();
    await vault.save(connection);
    const saved = JSON.parse(fs.readFileSync(file.path, 'utf8')) as Record<string, unknown>;
    const base = JSON.stringify({ ...saved, padding: '' });
    fs.writeFileSync(file.path, JSON.stringify({ ...saved, padding: 'x'.repeat(MAX_JSON_FILE_BYTES - base.length) }));
    expect(fs.statSync(file.path).size).toBe(MAX_JSON_FILE_BYTES);
    expect(await vault.load()).toEqual({ kind: 'loaded', connection });
  });

  it('clear over a non-object file keeps it aside instead of overwriting it', async () => {
    const { vault, file } = makeVault();
    fs.writeFileSync(file.path, '[1,2,3]');
    await vault.clear();
    expect(fs.readFileSync(`${file.path}.corrupt-42`, 'utf8')).toBe('[1,2,3]');
    expect(await vault.load()).toEqual({ kind: 'empty' });
  });
});

describe('json file stale temp files', () => {
  // electron-store's atomic writer names its temp file `<file>.tmp-<10 digits><6 hex>`.
  const STALE = ['connection-test.json.tmp-1712696671a1b2c3', 'connection-test.json.tmp-0000000000000000'];

  it('the first read removes temp files of this file left by a write that died', async () => {
    const { vault, file } = makeVault();
    await vault.save(connection);
    for (const name of STALE) fs.writeFileSync(path.join(dir, name), '{"connection":{"version":1');
    const fresh = makeVault();
    expect(await fresh.vault.load()).toEqual({ kind: 'loaded', connection });
    expect(fs.readdirSync(dir)).toEqual([path.basename(file.path)]);
  });

  it('leaves every other file in the directory alone', async () => {
    const { vault, file } = makeVault();
    await vault.save(connection);
    const untouched = [
      'settings.json.tmp-1712696671a1b2c3', // another store's temp
      'connection-other.json.tmp-1712696671a1b2c3',
      'connection-test.json.tmp-1712696671a1b2', // not the pattern
      'connection-test.json.tmp-1712696671A1B2C3',
      'connection-test.json.tmp-1712696671a1b2c3.bak',
      `connection-test.json.tmp-${process.pid}-1`,
      'connection-test.json.corrupt-41',
      'connection-test.json.bak',
    ];
    for (const name of untouched) fs.writeFileSync(path.join(dir, name), 'keep me');
    expect(await makeVault().vault.load()).toEqual({ kind: 'loaded', connection });
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(file.path), ...untouched].sort());
    for (const name of untouched) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe('keep me');
  });
});
