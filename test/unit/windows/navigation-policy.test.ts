import { describe, expect, it } from 'vitest';
import {
  authAllowedOrigins,
  decideNavigation,
  isJobberHelpLink,
  JOBBER_AUTH_ORIGINS,
} from '../../../electron/windows/navigation-policy';

const jobberRules = { allowedOrigins: authAllowedOrigins('jobber', 'https://api.getjobber.com'), redirectUri: 'com.jobberconnect.app:/oauth/callback' };

describe('decideNavigation', () => {
  it('allows Jobber authorize and login pages by exact origin', () => {
    expect(decideNavigation('https://api.getjobber.com/api/oauth/authorize?client_id=x', jobberRules)).toBe('allow');
    expect(decideNavigation('https://secure.getjobber.com/login', jobberRules)).toBe('allow');
  });

  it('treats the configured custom-scheme callback as the callback', () => {
    expect(decideNavigation('com.jobberconnect.app:/oauth/callback?code=c&state=s', jobberRules)).toBe('callback');
  });

  it('treats an https callback as the callback even though its origin is not allowlisted', () => {
    const rules = { ...jobberRules, redirectUri: 'https://example.com/jobber/callback' };
    expect(decideNavigation('https://example.com/jobber/callback?code=c&state=s', rules)).toBe('callback');
    expect(decideNavigation('https://example.com/other', rules)).toBe('block');
  });

  it.each([
    'https://api.getjobber.com.evil.example/api/oauth/authorize',
    'https://evilgetjobber.com/',
    'https://api.getjobber.com@evil.example/',
    'https://user:pw@api.getjobber.com/',
    'http://api.getjobber.com/api/oauth/authorize',
    'https://api.getjobber.com:8443/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'about:blank',
    'data:text/html,hi',
    'not a url',
    'com.jobberconnect.app:/other/path?code=c',
    'com.jobberconnect.evil:/oauth/callback?code=c',
  ])('blocks %s', (url) => {
    expect(decideNavigation(url, jobberRules)).toBe('block');
  });

  it('allows the sandbox origin only in sandbox mode', () => {
    const sandbox = 'http://127.0.0.1:43123';
    const sandboxRules = { allowedOrigins: authAllowedOrigins('sandbox', sandbox), redirectUri: jobberRules.redirectUri };
    expect(decideNavigation(`${sandbox}/api/oauth/authorize`, sandboxRules)).toBe('allow');
    expect(decideNavigation(`${sandbox}/api/oauth/authorize`, jobberRules)).toBe('block');
    expect(decideNavigation('http://127.0.0.1:43124/api/oauth/authorize', sandboxRules)).toBe('block');
    expect(authAllowedOrigins('jobber', sandbox)).toEqual([...JOBBER_AUTH_ORIGINS]);
  });
});

describe('isJobberHelpLink', () => {
  it('accepts https links on getjobber.com and its subdomains', () => {
    expect(isJobberHelpLink('https://help.getjobber.com/hc/en-us')).toBe(true);
    expect(isJobberHelpLink('https://getjobber.com/terms')).toBe(true);
  });
  it.each([
    'http://help.getjobber.com/',
    'https://getjobber.com.evil.example/',
    'https://evilgetjobber.com/',
    'https://user@help.getjobber.com/',
    'mailto:help@getjobber.com',
    '::',
  ])('refuses %s', (url) => {
    expect(isJobberHelpLink(url)).toBe(false);
  });
});
