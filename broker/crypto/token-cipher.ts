/**
 * Encryption at rest for Jobber tokens: AES-256-GCM with a key ring. New writes use the current
 * (first) key; any key still in the ring decrypts. The row id and field name are bound in as
 * associated data, so a ciphertext copied to another row or column fails to decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface EncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** A decrypt that cannot succeed: unknown key id, tampered or truncated ciphertext. */
export class CipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CipherError';
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TokenCipher {
  private readonly byId: Map<string, Buffer>;

  /** @param keys newest first; the first encrypts. */
  constructor(private readonly keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error('At least one encryption key is required');
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`Encryption key "${id}" must be 32 bytes (it is ${key.length})`);
    }
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
    if (this.byId.size !== keys.length) throw new Error('Encryption key ids must be unique');
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  hasKey(id: string): boolean {
    return this.byId.has(id);
  }

  /** base64url(iv ‖ tag ‖ ciphertext), written with the current key. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  decrypt(encoded: string, keyId: string, context: string): string {
    const key = this.byId.get(keyId);
    if (!key) throw new CipherError(`The encryption key "${keyId}" this row was written with is not configured`);
    const bytes = Buffer.from(encoded, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new CipherError('A stored ciphertext is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new CipherError(`A stored ciphertext does not decrypt with key "${keyId}" (tampered or wrong key)`);
    }
  }
}
