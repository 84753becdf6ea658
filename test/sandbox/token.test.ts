import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followConsent } from '../../sandbox/consent-driver';
import { SANDBOX_CLIENT, type Sandbox } from '../../sandbox/server';
import {
  ACCOUNT_QUERY,
  authorizeUrl,
  callbackParams,
  connect,
  exchangeCode,
  graphql,
  jwtClaims,
  postForm,
  refresh,
  START,
  startTestSandbox,
  type Tokens,
} from './fixtures';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startTestSandbox({ codeLifetimeSec: 60, accessTokenLifetimeSec: 3600 });
});
afterEach(() => sandbox.close());

async function newCode(): Promise<string> {
  return callbackParams(await followConsent(authorizeUrl(sandbox), 'allow')).get('code') ?? '';
}

describe('token endpoint: request format and client', () => {
  it('rejects a JSON body with a clear invalid_request error', async () => {
    const response = await fetch(`${sandbox.url}/api/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: SANDBOX_CLIENT.clientId, client_secret: SANDBOX_CLIENT.clientSecret, grant_type: 'authorization_code', code: await newCode() }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('invalid_request');
    expect(body.message).toMatch(/x-www-form-urlencoded/);
    expect(sandbox.control.counters().tokenRequests.rejected).toBe(1);
  });

  it('rejects a wrong client secret with 401 invalid_client', async () => {
    const response = await exchangeCode(sandbox, await newCode(), { client_secret: 'wrong' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client', message: expect.any(String) });
  });

  it('rejects an unknown grant type', async () => {
    const response = await postForm(`${sandbox.url}/api/oauth/token`, {
      client_id: SANDBOX_CLIENT.clientId,
      client_secret: SANDBOX_CLIENT.clientSecret,
      grant_type: 'password',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('answers with no-store caching', async () => {
    const response = await exchangeCode(sandbox, await newCode());
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('authorization_code grant', () => {
  it('answers Jobber-shaped tokens: a JWT with sub/iat/exp/jti/grant and an opaque refresh token', async () => {
    const response = await exchangeCode(sandbox, await newCode());
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'refresh_token']);
    const claims = jwtClaims(String(body.access_token));
    expect(claims.sub).toBe('sandbox-account-1');
    expect(claims.iat).toBe(START / 1000);
    expect(claims.exp).toBe(START / 1000 + 3600);
    expect(typeof claims.jti).toBe('string');
    expect(typeof claims.grant).toBe('string');
    expect(String(body.refresh_token)).not.toContain('.');
    expect(sandbox.control.counters().tokenRequests.authorization_code).toBe(1);
    expect(sandbox.control.counters().liveRefreshTokens).toBe(1);
  });

  it('a code is single use, and its reuse kills the grant it created', async () => {
    const code = await newCode();
    const first = (await (await exchangeCode(sandbox, code)).json()) as Tokens;
    const again = await exchangeCode(sandbox, code);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await refresh(sandbox, first.refresh_token)).status).toBe(400);
    expect((await graphql(sandbox, first.access_token, ACCOUNT_QUERY)).status).toBe(401);
    expect(sandbox.control.counters().liveRefreshTokens).toBe(0);
  });

  it('a code expires after codeLifetimeSec by the sandbox clock', async () => {
    const code = await newCode();
    sandbox.control.shiftClock(60_000);
    const response = await exchangeCode(sandbox, code);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant', message: 'The authorization code has expired' });
  });

  it('a code is still good just before it expires', async () => {
    const code = await newCode();
    sandbox.control.shiftClock(59_000);
    expect((await exchangeCode(sandbox, code)).status).toBe(200);
  });

  it('the redirect_uri must equal the one used at authorize', async () => {
    const response = await exchangeCode(sandbox, await newCode(), { redirect_uri: 'com.jobberconnect.app:/other' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('an unknown code is invalid_grant and counted as rejected', async () => {
    const response = await exchangeCode(sandbox, 'not-a-code');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
    expect(sandbox.control.counters().tokenRequests).toEqual({ authorization_code: 1, refresh_token: 0, rejected: 1 });
  });
});

describe('refresh_token grant (rotation)', () => {
  it('answers a new refresh token and kills the previous one at once', async () => {
    const first = await connect(sandbox);
    const rotated = await refresh(sandbox, first.refresh_token);
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as Tokens & { expires_at: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(sandbox.control.liveRefreshTokens()).toEqual([second.refresh_token]);

    const old = await refresh(sandbox, first.refresh_token);
    expect(old.status).toBe(400);
    expect(await old.json()).toEqual({ error: 'invalid_grant', message: 'The provided refresh token is not valid' });

    expect((await refresh(sandbox, second.refresh_token)).status).toBe(200);
    expect(sandbox.control.counters().tokenRequests).toEqual({ authorization_code: 1, refresh_token: 3, rejected: 1 });
    expect(sandbox.control.counters().liveRefreshTokens).toBe(1);
  });

  it('includes expires_at as "YYYY-MM-DD HH:MM:SS UTC" matching the JWT exp', async () => {
    const first = await connect(sandbox);
    sandbox.control.shiftClock(10 * 60_000);
    const body = (await (await refresh(sandbox, first.refresh_token)).json()) as Tokens & { expires_at: string };
    expect(body.expires_at).toBe('2025-01-15 13:10:00 UTC');
    expect(jwtClaims(body.access_token).exp).toBe(Date.UTC(2025, 0, 15, 13, 10, 0) / 1000);
  });

  it('uses the lifetime set through the control API', async () => {
    const first = await connect(sandbox);
    sandbox.control.setAccessTokenLifetime(120);
    const body = (await (await refresh(sandbox, first.refresh_token)).json()) as Tokens;
    const claims = jwtClaims(body.access_token);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
  });

  it('revokeGrant kills the refresh token and the access token', async () => {
    const tokens = await connect(sandbox);
    sandbox.control.revokeGrant();
    expect((await refresh(sandbox, tokens.refresh_token)).status).toBe(400);
    const api = await graphql(sandbox, tokens.access_token, ACCOUNT_QUERY);
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ message: 'Unauthorized' });
    expect(sandbox.control.counters().liveRefreshTokens).toBe(0);
  });

  it('a second authorization adds a grant without killing the first', async () => {
    const a = await connect(sandbox);
    const b = await connect(sandbox);
    expect(sandbox.control.liveRefreshTokens().sort()).toEqual([a.refresh_token, b.refresh_token].sort());
  });
});
