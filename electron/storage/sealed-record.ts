/**
 * The on-disk form of one encrypted secret: `{ version: 1, backend, ciphertext }` (base64). The
 * backend name is stored beside the bytes so a keyring change is recognised rather than reported
 * as damage. Sealing and opening go through the SafeStoragePort and the vault policy.
 */
import { z } from 'zod';
import type { SafeStoragePort } from './safe-storage-port';
import { chooseVaultBehaviour } from './vault-policy';

export const sealedRecordSchema = z
  .object({
    version: z.literal(1),
    backend: z.string().min(1).max(64),
    ciphertext: z.string().min(1).regex(/^[A-Za-z0-9+/]+={0,2}$/),
  })
  .strict();

export type SealedRecord = z.infer<typeof sealedRecordSchema>;

export type OpenResult =
  | { kind: 'opened'; text: string; shouldReEncrypt: boolean }
  | { kind: 'refused'; reason: 'unavailable' | 'basic-text'; message: string }
  | { kind: 'backend-changed'; message: string }
  | { kind: 'decrypt-failed'; message: string };

/** Thrown by `seal` when the backend may not hold secrets. Message is safe to show. */
export class VaultRefusedError extends Error {
  constructor(
    readonly reason: 'unavailable' | 'basic-text',
    message: string,
  ) {
    super(message);
    this.name = 'VaultRefusedError';
  }
}

/** Encrypts `text` into a record, or throws VaultRefusedError. */
export async function seal(port: SafeStoragePort, text: string, allowWeak: boolean): Promise<SealedRecord> {
  const backend = port.backend();
  const behaviour = chooseVaultBehaviour(backend, await port.isAvailable(allowWeak), allowWeak);
  if (behaviour.kind === 'refuse') throw new VaultRefusedError(behaviour.reason, behaviour.message);
  const cipher = await port.encrypt(text);
  return { version: 1, backend, ciphertext: cipher.toString('base64') };
}

/** Decrypts a record. Never throws: every failure is a typed result, and the record is untouched. */
export async function open(port: SafeStoragePort, record: SealedRecord, allowWeak: boolean): Promise<OpenResult> {
  const backend = port.backend();
  let available: boolean;
  try {
    available = await port.isAvailable(allowWeak);
  } catch {
    available = false;
  }
  const behaviour = chooseVaultBehaviour(backend, available, allowWeak);
  if (behaviour.kind === 'refuse') return { kind: 'refused', reason: behaviour.reason, message: behaviour.message };
  if (record.backend !== backend) {
    return {
      kind: 'backend-changed',
      message: `The system keyring changed (${record.backend} → ${backend}), so the saved connection cannot be read. Reconnect to continue.`,
    };
  }
  try {
    const { text, shouldReEncrypt } = await port.decrypt(Buffer.from(record.ciphertext, 'base64'));
    return { kind: 'opened', text, shouldReEncrypt };
  } catch {
    return {
      kind: 'decrypt-failed',
      message: 'The saved connection could not be decrypted (the keyring or its key changed). Reconnect to continue.',
    };
  }
}
