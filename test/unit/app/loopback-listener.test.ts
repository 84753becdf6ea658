import { describe, expect, it } from 'vitest';
import { loopbackHosts, loopbackPort, startLoopbackListener } from '../../../electron/app/loopback-listener';
import { checkRedirectForAuthMode } from '../../../electron/ipc/settings-schema';
import { freePort } from '../../support/free-port';

describe('loopbackPort', () => {
  it('listens only for explicit-port loopback http redirect URIs', () => {
    expect(loopbackPort('http://127.0.0.1:8765/callback')).toBe(8765);
    expect(loopbackPort('http://localhost:3000/auth')).toBe(3000);
    expect(loopbackPort('http://127.0.0.1/callback')).toBeNull();
    expect(loopbackPort('https://127.0.0.1:8765/callback')).toBeNull();
    expect(loopbackPort('http://example.com:8765/callback')).toBeNull();
    expect(loopbackPort('com.jobberconnect.app:/oauth/callback')).toBeNull();
  });
});

async function ipv6Loopback(): Promise<boolean> {
  return freePort('::1').then(
    () => true,
    () => false,
  );
}

const hasIpv6 = await ipv6Loopback();

describe('loopback listener binds the redirect URI\'s own host', () => {
  it('[::1] redirect: listens on ::1 only', async ({ skip }) => {
    if (!hasIpv6) skip('no IPv6 loopback on this machine');
    const port = await freePort('::1');
    const seen: string[] = [];
    const redirect = `http://[::1]:${port}/oauth/callback`;
    const listener = await startLoopbackListener({ redirectUri: redirect, port, onCallback: (url) => seen.push(url), expects: () => true });
    try {
      expect((await fetch(`${redirect}?code=c&state=s`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${port}/oauth/callback?code=c&state=s`)).rejects.toThrow();
      expect(seen).toEqual([`${redirect}?code=c&state=s`]);
    } finally {
      await listener.close();
    }
  });

  it('localhost redirect: listens on both 127.0.0.1 and ::1 (when available), URL spelt with localhost', async () => {
    const port = await freePort('127.0.0.1');
    const seen: string[] = [];
    const redirect = `http://localhost:${port}/cb`;
    const listener = await startLoopbackListener({ redirectUri: redirect, port, onCallback: (url) => seen.push(url), expects: () => true });
    try {
      expect((await fetch(`http://127.0.0.1:${port}/cb?code=a&state=s`)).status).toBe(200);
      if (hasIpv6) expect((await fetch(`http://[::1]:${port}/cb?code=b&state=s`)).status).toBe(200);
      expect(seen).toEqual([`${redirect}?code=a&state=s`, ...(hasIpv6 ? [`${redirect}?code=b&state=s`] : [])]);
    } finally {
      await listener.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/cb`)).rejects.toThrow();
  });

  it('names the hosts to bind, and refuses portless loopback redirects with a reason', () => {
    const portlessLoopbackProblem = (uri: string) => checkRedirectForAuthMode(uri, 'system-browser');
    expect(loopbackHosts('http://127.0.0.1:1/x')).toEqual(['127.0.0.1']);
    expect(loopbackHosts('http://[::1]:1/x')).toEqual(['::1']);
    expect(loopbackHosts('http://localhost:1/x')).toEqual(['127.0.0.1', '::1']);
    expect(loopbackHosts('https://localhost:1/x')).toEqual([]);
    expect(portlessLoopbackProblem('http://127.0.0.1/cb')).toMatch(/port/);
    expect(portlessLoopbackProblem('http://[::1]/cb')).toMatch(/port/);
    expect(portlessLoopbackProblem('http://localhost:8080/cb')).toBeNull();
    expect(portlessLoopbackProblem('https://example.com/cb')).toBeNull();
    expect(portlessLoopbackProblem('com.jobberconnect.app:/oauth/callback')).toBeNull();
  });
});
