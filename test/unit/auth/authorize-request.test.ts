import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl } from '../../../electron/auth/authorize-request';
import { apiUrl } from '../../../electron/core/url';
import type { JobberConfig } from '../../../electron/auth/config-types';

const config: JobberConfig = {
  environment: 'jobber',
  clientId: 'client id/with&odd=chars',
  clientSecret: 'never-in-the-url',
  redirectUri: 'com.jobberconnect.app:/oauth/callback',
  apiBaseUrl: 'https://api.getjobber.com',
  graphqlVersion: '2025-04-16',
  authMode: 'app-window',
};

describe('buildAuthorizeUrl', () => {
  it('builds the documented URL with every parameter encoded, in order', () => {
    const url = buildAuthorizeUrl(config, 'state-value_-', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(url).toBe(
      'https://api.getjobber.com/api/oauth/authorize?response_type=code' +
        '&client_id=client+id%2Fwith%26odd%3Dchars' +
        '&redirect_uri=com.jobberconnect.app%3A%2Foauth%2Fcallback' +
        '&state=state-value_-' +
        '&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256',
    );
  });

  it('round-trips through URL parsing with exactly six parameters and no scope or secret', () => {
    const parsed = new URL(buildAuthorizeUrl(config, 'abc', 'challenge'));
    expect(parsed.origin + parsed.pathname).toBe('https://api.getjobber.com/api/oauth/authorize');
    expect([...parsed.searchParams.keys()]).toEqual([
      'response_type',
      'client_id',
      'redirect_uri',
      'state',
      'code_challenge',
      'code_challenge_method',
    ]);
    expect(parsed.searchParams.get('client_id')).toBe(config.clientId);
    expect(parsed.searchParams.get('redirect_uri')).toBe(config.redirectUri);
    expect(parsed.searchParams.get('state')).toBe('abc');
    expect(parsed.searchParams.has('scope')).toBe(false);
    expect(parsed.href).not.toContain('never-in-the-url');
  });

  it('uses the sandbox base URL and tolerates a trailing slash', () => {
    const url = buildAuthorizeUrl({ ...config, apiBaseUrl: 'http://127.0.0.1:4567/' }, 's', 'c');
    expect(url.startsWith('http://127.0.0.1:4567/api/oauth/authorize?')).toBe(true);
  });
});

describe('apiUrl', () => {
  it('joins without doubling slashes', () => {
    expect(apiUrl({ apiBaseUrl: 'https://x.test//' }, '/api/graphql')).toBe('https://x.test/api/graphql');
  });
});
