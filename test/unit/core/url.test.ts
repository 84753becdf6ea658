import { describe, expect, it } from 'vitest';
import { apiUrl, customScheme, httpOrigin, isOnOrigin, originOf, parseUrl } from '../../../electron/core/url';

describe('parseUrl', () => {
  it('gives null for what is not an absolute URL, instead of throwing', () => {
    expect(parseUrl('nonsense')).toBeNull();
    expect(parseUrl('')).toBeNull();
    expect(parseUrl('/relative/path')).toBeNull();
    expect(parseUrl('https://api.getjobber.com/api/graphql')?.pathname).toBe('/api/graphql');
  });
});

describe('originOf', () => {
  it('keeps custom-scheme hosts distinct (WHATWG would say "null" for both)', () => {
    expect(originOf('app://jobber-connect/index.html')).toBe('app://jobber-connect');
    expect(originOf('app://evil/index.html')).toBe('app://evil');
    expect(originOf('http://127.0.0.1:5173/')).toBe('http://127.0.0.1:5173');
    expect(originOf('nonsense')).toBeNull();
  });
  it('spells origins in lower case, so a comparison never depends on how a URL was typed', () => {
    expect(originOf('APP://Jobber-Connect/x')).toBe('app://jobber-connect');
  });
  it('is null for a URL without a host', () => {
    expect(originOf('com.jobberconnect.app:/oauth/callback')).toBeNull();
  });
});

describe('isOnOrigin', () => {
  it('compares a URL’s origin with an origin, whatever their case; never a lookalike host or port', () => {
    expect(isOnOrigin('app://jobber-connect/index.html', 'app://Jobber-Connect')).toBe(true);
    expect(isOnOrigin('app://jobber-connect.evil/index.html', 'app://jobber-connect')).toBe(false);
    expect(isOnOrigin('http://127.0.0.1:5174/', 'http://127.0.0.1:5173')).toBe(false);
    expect(isOnOrigin('nonsense', 'app://jobber-connect')).toBe(false);
  });
});

describe('httpOrigin', () => {
  it('is the origin of http(s) URLs only, and never of one carrying credentials', () => {
    expect(httpOrigin('https://api.getjobber.com/api/oauth/token')).toBe('https://api.getjobber.com');
    expect(httpOrigin('http://127.0.0.1:4010/x')).toBe('http://127.0.0.1:4010');
    expect(httpOrigin('https://user:pw@api.getjobber.com/')).toBeNull();
    expect(httpOrigin('app://jobber-connect/')).toBeNull();
    expect(httpOrigin('nonsense')).toBeNull();
  });
});

describe('customScheme', () => {
  it('is the scheme to register with the OS, and null for http(s) and nonsense', () => {
    expect(customScheme('com.jobberconnect.app:/oauth/callback')).toBe('com.jobberconnect.app');
    expect(customScheme('https://example.com/cb')).toBeNull();
    expect(customScheme('http://127.0.0.1:8765/callback')).toBeNull();
    expect(customScheme('not a url')).toBeNull();
  });
});

describe('apiUrl', () => {
  it('joins a base with or without trailing slashes to a path without doubling them', () => {
    expect(apiUrl({ apiBaseUrl: 'https://api.getjobber.com' }, '/api/graphql')).toBe('https://api.getjobber.com/api/graphql');
    expect(apiUrl({ apiBaseUrl: 'https://api.getjobber.com//' }, '/api/graphql')).toBe('https://api.getjobber.com/api/graphql');
  });
});
