/**
 * DNS rebinding: every sandbox route checks `Host` against the sandbox's own loopback address and
 * port. Refresh tokens are served by the control API only with the explicit test-only option, and
 * the embedded (in-app) sandbox has no control routes at all.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedSandbox } from '../../sandbox/embedded';
import type { Sandbox } from '../../sandbox/server';
import { connect, startTestSandbox } from '../support/sandbox/fixtures';

const started: Sandbox[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.close();
});
async function sandboxWith(options: Parameters<typeof startTestSandbox>[0] = {}): Promise<Sandbox> {
  const s = await startTestSandbox(options);
  started.push(s);
  return s;
}

/** A GET with a chosen Host header (fetch does not allow setting it). */
function getWithHost(port: number, pathname: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('sandbox Host check', () => {
  it.each(['/__sandbox/counters', '/__sandbox/health', '/api/oauth/authorize?client_id=x', '/api/graphql'])(
    'refuses %s for a rebound host name, serves it for its own address',
    async (pathname) => {
      const s = await sandboxWith();
      expect(await getWithHost(s.port, pathname, `attacker.example:${s.port}`)).toBe(421);
      expect(await getWithHost(s.port, pathname, `localhost:${s.port}`)).toBe(421);
      expect(await getWithHost(s.port, pathname, `127.0.0.1:${s.port + 1}`)).toBe(421);
      expect(await getWithHost(s.port, pathname, `127.0.0.1:${s.port}`)).not.toBe(421);
    },
  );
});

describe('refresh tokens over the control API', () => {
  it('are not served by default', async () => {
    const s = await sandboxWith();
    await connect(s);
    const response = await fetch(`${s.url}/__sandbox/refresh-tokens`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/tokens/);
  });

  it('are served only with the explicit test-only option', async () => {
    const s = await sandboxWith({ testOnlyServeRefreshTokens: true });
    const tokens = await connect(s);
    expect(await (await fetch(`${s.url}/__sandbox/refresh-tokens`)).json()).toEqual({ tokens: [tokens.refresh_token] });
  });
});

describe('the embedded sandbox (the one the app starts)', () => {
  it('has no control routes', async () => {
    const s = await startEmbeddedSandbox({ port: 0, redirectUris: ['com.jobberconnect.app:/oauth/callback'] });
    started.push(s as Sandbox);
    for (const pathname of ['/__sandbox/counters', '/__sandbox/refresh-tokens', '/__sandbox/health']) {
      expect((await fetch(`${s.url}${pathname}`)).status, pathname).toBe(404);
    }
    expect((await fetch(`${s.url}/__sandbox/revoke`, { method: 'POST' })).status).toBe(404);
  });
});
