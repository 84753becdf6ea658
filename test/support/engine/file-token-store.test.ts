import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTokenStore, MAX_TOKEN_FILE_BYTES } from './file-token-store';
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

  it('reports a file over the size cap as corrupt without parsing it, and leaves it in place', async () => {
    // A valid record padded with whitespace: only the size makes it unacceptable.
    const json = JSON.stringify(record);
    const tooBig = json + ' '.repeat(MAX_TOKEN_FILE_BYTES + 1 - json.length);
    await fs.writeFile(file, tooBig);
    const result = await new FileTokenStore(file).load();
    expect(result).toMatchObject({ kind: 'unreadable', reason: 'corrupt' });
    expect(result.kind === 'unreadable' ? result.message : '').toMatch(/larger than 1 MiB/);
    expect((await fs.stat(file)).size).toBe(MAX_TOKEN_FILE_BYTES + 1);
  });

  it('still loads a record of exactly the size cap', async () => {
    const json = JSON.stringify(record);
    await fs.writeFile(file, json + ' '.repeat(MAX_TOKEN_FILE_BYTES - json.length));
    expect(await new FileTokenStore(file).load()).toEqual({ kind: 'loaded', connection: record });
  });
});

describe('FileTokenStore stale temp files', () => {
  /** The id of a process that has exited (a writer killed mid-save). */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', '']);
    if (child.pid === undefined) throw new Error('could not start a child process');
    return child.pid;
  }

  it('load removes temp files left by a save that died mid-write, in this process or a dead one', async () => {
    const store = new FileTokenStore(file);
    await store.save(record);
    const ownStale = `connection.json.tmp-${process.pid}-999999`;
    const deadStale = `connection.json.tmp-${deadPid()}-3`;
    for (const name of [ownStale, deadStale]) await fs.writeFile(path.join(dir, name), JSON.stringify(record));
    expect(await store.load()).toEqual({ kind: 'loaded', connection: record });
    expect(await fs.readdir(dir)).toEqual(['connection.json']);
  });

  it('removes stale temp files even when there is no token file', async () => {
    await fs.writeFile(path.join(dir, `connection.json.tmp-${process.pid}-7`), '{"version":1,"tok');
    expect(await new FileTokenStore(file).load()).toEqual({ kind: 'empty' });
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('leaves every other file alone, including a live process\'s temp file', async () => {
    const store = new FileTokenStore(file);
    await store.save(record);
    const untouched = [
      `connection.json.tmp-${process.ppid}-1`, // a writer in another live process
      'connection.json.tmp-abc',
      `connection.json.tmp-${process.pid}-1-2`,
      `connection.json.tmp-${process.pid}-`,
      'connection.json.tmp-0-1',
      'connection.json.bak',
      `other.json.tmp-${process.pid}-1`,
      `xconnection.json.tmp-${process.pid}-1`,
      `connection.jsonx.tmp-${process.pid}-1`,
    ];
    for (const name of untouched) await fs.writeFile(path.join(dir, name), 'keep me');
    // A directory with the pattern's name is not a file this store wrote.
    await fs.mkdir(path.join(dir, `connection.json.tmp-${process.pid}-424242`));
    expect(await store.load()).toEqual({ kind: 'loaded', connection: record });
    expect((await fs.readdir(dir)).sort()).toEqual(['connection.json', `connection.json.tmp-${process.pid}-424242`, ...untouched].sort());
    for (const name of untouched) expect(await fs.readFile(path.join(dir, name), 'utf8')).toBe('keep me');
  });

  it('never removes the temp file of a save still in progress', async () => {
    const store = new FileTokenStore(file);
    const saves: Promise<void>[] = [];
    const loads: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i += 1) {
      saves.push(store.save({ ...record, connectedAt: i }));
      loads.push(new FileTokenStore(file).load());
    }
    await Promise.all([...saves, ...loads]);
    expect(await store.load()).toMatchObject({ kind: 'loaded' });
    expect(await fs.readdir(dir)).toEqual(['connection.json']);
  });
});
