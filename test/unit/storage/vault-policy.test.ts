import { describe, expect, it } from 'vitest';
import { chooseVaultBehaviour } from '../../../electron/storage/vault-policy';

describe('chooseVaultBehaviour', () => {
  it('uses a real keyring, refuses basic_text unless allowed, refuses when unavailable', () => {
    expect(chooseVaultBehaviour('gnome_libsecret', true, false)).toEqual({ kind: 'use', weak: false });
    expect(chooseVaultBehaviour('basic_text', true, false)).toMatchObject({ kind: 'refuse', reason: 'basic-text' });
    expect(chooseVaultBehaviour('basic_text', true, true)).toEqual({ kind: 'use', weak: true });
    expect(chooseVaultBehaviour('keychain', false, true)).toMatchObject({ kind: 'refuse', reason: 'unavailable' });
    expect(chooseVaultBehaviour('unknown', true, true)).toMatchObject({ kind: 'refuse', reason: 'unavailable' });
  });
});
