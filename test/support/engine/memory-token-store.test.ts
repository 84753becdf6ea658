import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from './memory-token-store';
import { parseStoredConnection, storedConnectionSchema } from '../../../electron/auth/stored-connection-schema';
import type { StoredConnection } from '../../../electron/auth/token-model';

const record: StoredConnection = {
  version: 1,
  tokens: { accessToken: 'a-token-1', refreshToken: 'r-token-1', accessTokenIssuedAt: 1, accessTokenExpiresAt: 2, expirySource: 'default' },
  account: null,
  connectedAt: 1,
  lastRefresh: null,
  refreshInFlight: null,
};

describe('MemoryTokenStore', () => {
  it('stores copies and records history', async () => {
    const store = new MemoryTokenStore();
    expect(await store.load()).toEqual({ kind: 'empty' });
    const mutable = structuredClone(record);
    await store.save(mutable);
    mutable.tokens.accessToken = 'changed';
    expect(await store.load()).toEqual({ kind: 'loaded', connection: record });
    await store.clear();
    expect(store.saved).toBeNull();
    expect(store.history.map((op) => op.op)).toEqual(['load', 'save', 'load', 'clear']);
  });

  it('injects save failures without changing what is stored', async () => {
    const store = new MemoryTokenStore(record);
    store.failNextSave();
    await expect(store.save({ ...record, connectedAt: 5 })).rejects.toMatchObject({ kind: 'storage' });
    expect(store.saved).toEqual(record);
    await store.save({ ...record, connectedAt: 5 });
    expect(store.saved?.connectedAt).toBe(5);
  });

  it('can report an unreadable store', async () => {
    const store = new MemoryTokenStore(record);
    store.setLoadResult({ kind: 'unreadable', reason: 'decrypt-failed', message: 'x' });
    expect((await store.load()).kind).toBe('unreadable');
  });
});

describe('storedConnectionSchema', () => {
  it('accepts a valid record and rejects unknown expiry sources and bad versions', () => {
    expect(storedConnectionSchema.safeParse(record).success).toBe(true);
    expect(parseStoredConnection({ ...record, version: 2 }).ok).toBe(false);
    const bad = parseStoredConnection({ ...record, tokens: { ...record.tokens, expirySource: 'guess' } });
    expect(bad).toMatchObject({ ok: false });
    if (!bad.ok) expect(bad.message).toContain('tokens.expirySource');
    expect(parseStoredConnection('not an object').ok).toBe(false);
  });
});
