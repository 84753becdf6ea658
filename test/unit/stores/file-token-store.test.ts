import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTokenStore } from '../../../electron/auth/file-token-store';
import type { StoredConnection } from '../../../electron/auth/token-model';

const record: StoredConnection = {
  version: 1,
  tokens: {
    accessToken: 'access-token-value-1',
    refreshToken: 'refresh-token-value-1',
    accessTokenIssuedAt: 1_700_000_000_000,
    accessTokenExpiresAt: 1_700_003_600_000,
    expirySource: 'jwt-exp',
  },
  account: { id: 'acc-1', name: "Pat's Plumbing" },
  connectedAt: 1_700_000_000_000,
  lastRefresh: { at: 1_700_000_000_000, result: 'ok' },
  refreshInFlight: null,
};

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jc-file-store-'));
  file = path.join(dir, 'connection.json');
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('FileTokenStore', () => {
  it('reports empty when the file does not exist', async () => {
    expect(await new FileTokenStore(file).load()).toEqual({ kind: 'empty' });
  });

  it('round-trips a record, mode 0600, no temp files left behind', async () => {
    const store = new FileTokenStore(file);
    await store.save(record);
    expect(await store.load()).toEqual({ kind: 'loaded', connection: record });
    const next = { ...record, refreshInFlight: { startedAt: 1, refreshTokenFingerprint: 'sha256:abcdef012345' } };
    await store.save(next);
    expect(await new FileTokenStore(file).load()).toEqual({ kind: 'loaded', connection: next });
    if (process.platform !== 'win32') expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(dir)).toEqual(['connection.json']);
  });

  it('reports invalid JSON as corrupt and leaves the file in place', async () => {
    await fs.writeFile(file, '{"version":1,"tokens":');
    const result = await new FileTokenStore(file).load();
    expect(result).toMatchObject({ kind: 'unreadable', reason: 'corrupt' });
    expect(await fs.readFile(file, 'utf8')).toBe('{"version":1,"tokens":');
  });

  it('reports a schema mismatch as corrupt without echoing values', async () => {
    await fs.writeFile(file, JSON.stringify({ ...record, version: 2 }));
    const result = await new FileTokenStore(file).load();
    expect(result).toMatchObject({ kind: 'unreadable', reason: 'corrupt' });
    expect(JSON.stringify(result)).not.toContain('access-token-value-1');
    expect(await fs.stat(file)).toBeTruthy();
  });

  it('refuses to save an invalid record', async () => {
    const bad = { ...record, tokens: { ...record.tokens, refreshToken: '' } };
    await expect(new FileTokenStore(file).save(bad)).rejects.toMatchObject({ kind: 'storage' });
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('clear removes the file and is idempotent', async () => {
    const store = new FileTokenStore(file);
    await store.save(record);
    await store.clear();
    await store.clear();
    expect(await store.load()).toEqual({ kind: 'empty' });
  });

  it('a failed write leaves the previous record intact', async () => {
    const store = new FileTokenStore(file);
    await store.save(record);
    // A directory where the temp file would go cannot be opened for writing.
    const blocked = new FileTokenStore(path.join(dir, 'missing-dir', 'connection.json'));
    await expect(blocked.save(record)).rejects.toMatchObject({ kind: 'storage' });
    expect(await store.load()).toEqual({ kind: 'loaded', connection: record });
  });

  it('concurrent saves leave one complete record', async () => {
    const store = new FileTokenStore(file);
    const variants = Array.from({ length: 20 }, (_, i) => ({ ...record, connectedAt: i }));
    await Promise.all(variants.map((variant) => store.save(variant)));
    const result = await store.load();
    expect(result.kind).toBe('loaded');
    expect(await fs.readdir(dir)).toEqual(['connection.json']);
  });
});
