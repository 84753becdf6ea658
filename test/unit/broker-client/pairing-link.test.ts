import { describe, expect, it } from 'vitest';
import { findPairingLink, pairingCode } from '../../../electron/broker/pairing-link';

describe('pairing links', () => {
  const CODE = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';

  it('reads the code of com.jobberconnect.app:/oauth/pair?pairing=…, in either scheme spelling', () => {
    expect(pairingCode(`com.jobberconnect.app:/oauth/pair?pairing=${CODE}`)).toBe(CODE);
    expect(pairingCode(`com.jobberconnect.app://oauth/pair?pairing=${CODE}`)).toBe(CODE);
  });

  it.each([
    `com.jobberconnect.app:/oauth/callback?pairing=${CODE}`,
    `com.jobberconnect.app:/oauth/pair?pairing=${CODE}&pairing=${CODE}`,
    'com.jobberconnect.app:/oauth/pair?pairing=short',
    'com.jobberconnect.app:/oauth/pair',
    `https://evil.example/oauth/pair?pairing=${CODE}`,
  ])('refuses %s', (url) => {
    expect(pairingCode(url)).toBeNull();
  });

  it('finds a pairing link among argv, skipping flags and the sign-in callback', () => {
    const link = `com.jobberconnect.app:/oauth/pair?pairing=${CODE}`;
    expect(findPairingLink(['/usr/bin/app', '--flag', 'com.jobberconnect.app:/oauth/callback?code=x', link])).toBe(link);
    expect(findPairingLink(['/usr/bin/app', '--x=com.jobberconnect.app:/oauth/pair'])).toBeNull();
  });
});
