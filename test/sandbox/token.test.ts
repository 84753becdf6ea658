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
} from '../support/sandbox/fixtures';

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
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toMatch(/x-www-form-urlencoded/);
    expect(sandbox.control.counters().tokenRequests.rejected).toBe(1);
  });

  it('rejects a wrong client secret with 401 invalid_client', async () => {
    const response = await exchangeCode(sandbox, await newCode(), { client_secret: 'wrong' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client', error_description: expect.any(String) });
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
  it("answers Jobber-shaped tokens: a JWT with the claims of Jobber's sample (no iat) and an opaque refresh token", async () => {
    const response = await exchangeCode(sandbox, await newCode());
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'refresh_token']);
    const token = String(body.access_token);
    expect(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString())).toEqual({ alg: 'HS256' });
    const claims = jwtClaims(token);
    expect(Object.keys(claims).sort()).toEqual(['account_id', 'app_id', 'client_id', 'exp', 'iss', 'scope', 'sub', 'user_id']);
    expect(claims.iss).toBe('https://api.getjobber.com');
    expect(claims.client_id).toBe(SANDBOX_CLIENT.clientId);
    expect(claims.account_id).toBe('sandbox-account-1');
    expect(claims.sub).toBe(claims.user_id);
    expect(claims.exp).toBe(START / 1000 + 3600);
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
    expect(await response.json()).toMatchObject({ error: 'invalid_grant', error_description: 'The authorization code has expired' });
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
    expect(sandbox.control.liveRefreshTokens()).toEqual([second.refresh_token]);

    const old = await refresh(sandbox, first.refresh_token);
    expect(old.status).toBe(400);
    expect(await old.json()).toEqual({ error: 'invalid_grant', error_description: 'The provided refresh token is not valid' });

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
    expect(jwtClaims(body.access_token).exp).toBe(START / 1000 + 120);
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

describe('Date header', () => {
  it("is stamped by the sandbox's own clock, skew control included", async () => {
    const before = await exchangeCode(sandbox, await newCode());
    expect(before.headers.get('date')).toBe(new Date(START).toUTCString());
    sandbox.control.shiftClock(-2 * 3_600_000);
    const after = await exchangeCode(sandbox, 'not-a-code');
    expect(after.headers.get('date')).toBe(new Date(START - 2 * 3_600_000).toUTCString());
  });
});

describe('refusal shapes (Jobber documents the sentence, not the status or body)', () => {
  const SENTENCE = 'The provided refresh token is not valid';
  it.each([
    ['oauth-json', 400, 'application/json', JSON.stringify({ error: 'invalid_grant', error_description: SENTENCE })],
    ['message-json', 401, 'application/json', JSON.stringify({ message: `${SENTENCE}.` })],
    ['text', 400, 'text/plain', `Error: ${SENTENCE}.`],
  ] as const)('%s: HTTP %i %s with the documented sentence', async (shape, status, type, body) => {
    const tokens = await connect(sandbox);
    await refresh(sandbox, tokens.refresh_token);
    sandbox.control.setRefusalShape(shape);
    const old = await refresh(sandbox, tokens.refresh_token);
    expect(old.status).toBe(status);
    expect(old.headers.get('content-type')).toContain(type);
    expect(await old.text()).toBe(body);
  });

  it('html: a 401 page carrying the sentence', async () => {
    sandbox.control.setRefusalShape('html');
    const old = await refresh(sandbox, 'not-a-refresh-token');
    expect(old.status).toBe(401);
    expect(old.headers.get('content-type')).toContain('text/html');
    expect(await old.text()).toContain(`<p>${SENTENCE}.</p>`);
  });

  it('an unknown shape is refused by the control API', () => {
    expect(() => sandbox.control.setRefusalShape('xml' as never)).toThrow();
  });
});

describe('optional extras on refresh answers', () => {
  it('expires_at can be left out and a warning added', async () => {
    const first = await connect(sandbox);
    sandbox.control.setRefreshExtras({ expiresAt: false, warning: 'Refresh token reuse detected' });
    const body = (await (await refresh(sandbox, first.refresh_token)).json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'refresh_token', 'warning']);
    expect(body.warning).toBe('Refresh token reuse detected');
  });
});

describe('guesses can be switched off', () => {
  it('without the redirect_uri check an exchange without redirect_uri works', async () => {
    sandbox.control.setGuesses({ checkRedirectUriAtExchange: false });
    const response = await exchangeCode(sandbox, await newCode(), { redirect_uri: '' });
    expect(response.status).toBe(200);
  });

  it('without replay revocation a replayed code is refused but the grant lives', async () => {
    sandbox.control.setGuesses({ replayRevokesGrant: false });
    const code = await newCode();
    const first = (await (await exchangeCode(sandbox, code)).json()) as Tokens;
    expect((await exchangeCode(sandbox, code)).status).toBe(400);
    expect((await refresh(sandbox, first.refresh_token)).status).toBe(200);
  });
});
