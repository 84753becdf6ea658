/**
 * The allowlist of app return addresses (RFC 8252 §7.1 custom scheme, §7.3 loopback with a port),
 * and the PKCE S256 check (RFC 7636 Appendix B's example pair).
 */
import { describe, expect, it } from 'vitest';
import { isAllowedReturnTo } from '../../broker/return-to';
import { pkceMatches } from '../../broker/secrets';

describe('return address allowlist', () => {
  it.each([
    'com.jobberconnect.app:/oauth/callback',
    'http://127.0.0.1:53682/callback',
    'http://[::1]:53682/callback',
    'http://localhost:8080/oauth/done',
  ])('allows %s', (returnTo) => {
    expect(isAllowedReturnTo(returnTo)).toBe(true);
  });

  it.each([
    'https://evil.example/callback',
    'http://127.0.0.1/callback',
    'http://127.0.0.1:53682/callback?x=1',
    'http://127.0.0.1:53682/callback#frag',
    'http://user@127.0.0.1:53682/callback',
    'http://127.0.0.1.evil.example:53682/callback',
    'http://127.0.0.1:53682\\@evil.example/',
    'com.jobberconnect.app:/oauth/other',
    'javascript:alert(1)',
  ])('refuses %s', (returnTo) => {
    expect(isAllowedReturnTo(returnTo)).toBe(false);
  });

  it('allows configured extras by exact match only', () => {
    expect(isAllowedReturnTo('https://app.example/cb', ['https://app.example/cb'])).toBe(true);
    expect(isAllowedReturnTo('https://app.example/cb/', ['https://app.example/cb'])).toBe(false);
  });
});

describe('PKCE S256', () => {
  it("matches RFC 7636 Appendix B's verifier and challenge, and nothing else", () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    expect(pkceMatches(verifier, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
    expect(pkceMatches(`${verifier.slice(0, -1)}l`, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(false);
  });
});
