import { describe, expect, it } from 'vitest';
import { codeChallengeS256 } from '../../../electron/auth/pkce';

describe('PKCE (RFC 7636)', () => {
  it('S256 of the RFC 7636 appendix B verifier is its published challenge', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});
