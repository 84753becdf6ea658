import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectSandboxControl, type SandboxControlClient } from '../../sandbox/control-client';
import type { Sandbox } from '../../sandbox/server';
import { ACCOUNT_QUERY, connect, graphql, jwtClaims, refresh, startTestSandbox, type Tokens } from '../support/sandbox/fixtures';

let sandbox: Sandbox;
let remote: SandboxControlClient;
beforeEach(async () => {
  // The refresh-token route exists only with this test-only option (host-check.test.ts).
  sandbox = await startTestSandbox({ testOnlyServeRefreshTokens: true });
  remote = connectSandboxControl(sandbox.url);
});
afterEach(() => sandbox.close());

describe('HTTP control API under /__sandbox', () => {
  it('injects and clears faults', async () => {
    const { access_token } = await connect(sandbox);
    await remote.injectFault('graphql', { kind: 'status', status: 502 }, 2);
    expect((await graphql(sandbox, access_token, ACCOUNT_QUERY)).status).toBe(502);
    await remote.clearFaults();
    expect((await graphql(sandbox, access_token, ACCOUNT_QUERY)).status).toBe(200);
  });

  it('reports counters and live refresh tokens, and resets counters', async () => {
    const tokens = await connect(sandbox);
    expect(await remote.counters()).toEqual({
      tokenRequests: { authorization_code: 1, refresh_token: 0, rejected: 0 },
      liveRefreshTokens: 1,
      graphqlCalls: 0,
      appDisconnects: 0,
      authorizeRequests: 1,
    });
    expect(await remote.liveRefreshTokens()).toEqual([tokens.refresh_token]);
    await remote.resetCounters();
    expect((await remote.counters()).authorizeRequests).toBe(0);
  });

  it('revokes and disconnects', async () => {
    const a = await connect(sandbox);
    await remote.revokeGrant();
    expect((await refresh(sandbox, a.refresh_token)).status).toBe(400);
    const b = await connect(sandbox);
    await remote.disconnectFromJobber();
    expect(JSON.stringify(await (await graphql(sandbox, b.access_token, ACCOUNT_QUERY)).json())).toContain('User has disconnected');
  });

  it('shifts the clock and sets the access token lifetime', async () => {
    const tokens = await connect(sandbox);
    await remote.setAccessTokenLifetime(30);
    await remote.shiftClock(5_000);
    const body = (await (await refresh(sandbox, tokens.refresh_token)).json()) as Tokens;
    // Jobber's tokens carry no iat: the first lived 3600 s from the start, the second 30 s from 5 s later.
    expect(Number(jwtClaims(body.access_token).exp)).toBe(Number(jwtClaims(tokens.access_token).exp) - 3600 + 5 + 30);
  });

  it('answers raw JSON requests', async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ shiftMs: 1000 }),
    });
    expect(await response.json()).toMatchObject({ ok: true, offsetMs: 1000 });
    const counters = await fetch(`${sandbox.url}/__sandbox/counters`);
    expect(counters.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('refuses invalid input, unknown operations, non-JSON bodies and browser origins', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
      fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers, body });
    expect((await post('/faults', JSON.stringify({ endpoint: 'nowhere', fault: { kind: 'drop' } }))).status).toBe(400);
    expect((await post('/faults', JSON.stringify({ endpoint: 'token', fault: { kind: 'explode' } }))).status).toBe(400);
    expect((await post('/clock', '{not json')).status).toBe(400);
    expect((await post('/nothing', '{}')).status).toBe(404);
    expect((await post('/clock', 'shiftMs=5', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post('/revoke', '', { Origin: 'https://evil.example' })).status).toBe(403);
    expect(sandbox.control.counters().liveRefreshTokens).toBe(0);
  });

  it('a refused revoke from a browser origin leaves the grant alive', async () => {
    const tokens = await connect(sandbox);
    await fetch(`${sandbox.url}/__sandbox/revoke`, { method: 'POST', headers: { Origin: 'https://evil.example' } });
    expect((await refresh(sandbox, tokens.refresh_token)).status).toBe(200);
  });
});
