/**
 * Tokens at rest: AES-256-GCM with the key id beside each row; rotation (new writes use the newest
 * key, old rows still decrypt, re-encryption moves every row to the newest key); tampering and a
 * missing key are refused; the development key is generated once and kept.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateDevKey, parseEncryptionKeys } from '../../broker/crypto/key-ring';
import { CipherError, TokenCipher } from '../../broker/crypto/token-cipher';
import { openStorage } from '../../broker/storage/open-storage';
import { freshSchema, rowReader, SharedPglite, storageTarget } from '../support/broker/databases';

const K1 = { id: 'k1', key: Buffer.alloc(32, 1) };
const K2 = { id: 'k2', key: Buffer.alloc(32, 2) };
const TOKENS = { accessToken: 'access-token-value-1', refreshToken: 'refresh-token-value-1', accessTokenIssuedAt: 1_000, accessTokenExpiresAt: 3_601_000 };
const ACCOUNT = { id: 'acc-1', name: 'Acme' };

const shared = new SharedPglite();
afterAll(() => shared.close());

describe('encryption at rest', () => {
  it('rotation: old rows decrypt, new writes use the newest key, re-encrypt moves every row', async () => {
    const pglite = await shared.open();
    const schema = freshSchema();
    const target = storageTarget('pglite', schema, pglite);
    const db = await rowReader('pglite', schema, pglite);

    const old = await openStorage(target, new TokenCipher([K1]));
    await old.createGrant('g-old', ACCOUNT, TOKENS, 1);
    await old.addDevice('hash-old', 'g-old', 1);
    await old.close();
    const stored = (await db.rows('grants'))[0]!;
    expect(stored.key_id).toBe('k1');
    expect(JSON.stringify(stored)).not.toContain(TOKENS.refreshToken);

    const rotated = await openStorage(target, new TokenCipher([K2, K1]));
    expect((await rotated.grantForDevice('hash-old'))?.tokens).toEqual(TOKENS);
    await rotated.createGrant('g-new', ACCOUNT, TOKENS, 2);
    expect((await db.rows('grants', 'id')).map((row) => [row.id, row.key_id])).toEqual([['g-new', 'k2'], ['g-old', 'k1']]);

    expect(await rotated.reencryptAll()).toBe(1);
    expect(await rotated.reencryptAll()).toBe(0);
    expect((await db.rows('grants', 'id')).map((row) => row.key_id)).toEqual(['k2', 'k2']);
    await rotated.close();

    const newestOnly = await openStorage(target, new TokenCipher([K2]));
    expect((await newestOnly.grantForDevice('hash-old'))?.tokens).toEqual(TOKENS);
    await newestOnly.close();
  });

  it('a row written with a key no longer configured is refused with a message naming the key', async () => {
    const pglite = await shared.open();
    const target = storageTarget('pglite', freshSchema(), pglite);
    const first = await openStorage(target, new TokenCipher([K1]));
    await first.createGrant('g', ACCOUNT, TOKENS, 1);
    await first.addDevice('hash', 'g', 1);
    await first.close();
    const other = await openStorage(target, new TokenCipher([K2]));
    await expect(other.grantForDevice('hash')).rejects.toThrow(/"k1".*not configured/);
    await other.close();
  });

  it('a ciphertext moved to another row or tampered with does not decrypt', () => {
    const cipher = new TokenCipher([K1]);
    const sealed = cipher.encrypt('secret', 'g1:refresh');
    expect(cipher.decrypt(sealed, 'k1', 'g1:refresh')).toBe('secret');
    expect(() => cipher.decrypt(sealed, 'k1', 'g2:refresh')).toThrow(CipherError);
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => cipher.decrypt(bytes.toString('base64url'), 'k1', 'g1:refresh')).toThrow(CipherError);
  });

  it('BROKER_ENCRYPTION_KEYS: newest first; a key that is not 32 bytes is refused by name', () => {
    const keys = parseEncryptionKeys(`k2:${K2.key.toString('base64')},k1:${K1.key.toString('base64')}`);
    expect(keys.map((key) => key.id)).toEqual(['k2', 'k1']);
    expect(() => parseEncryptionKeys(`short:${Buffer.alloc(16).toString('base64')}`)).toThrow(/"short" must be 32 bytes/);
    expect(() => parseEncryptionKeys('nocolon')).toThrow(/entry 1/);
  });

  it('development key: generated once (mode 0600) with a log line, then reused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'broker-devkey-'));
    try {
      const lines: string[] = [];
      const first = loadOrCreateDevKey(dir, (line) => lines.push(line));
      const second = loadOrCreateDevKey(dir, (line) => lines.push(line));
      expect(second).toEqual(first);
      expect(lines[0]).toMatch(/generated a development encryption key/);
      expect(statSync(path.join(dir, 'encryption-key')).mode & 0o777).toBe(0o600);
      expect(readFileSync(path.join(dir, 'encryption-key'), 'utf8')).toMatch(/^dev-[0-9a-f]{8}:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
