/**
 * PKCE (RFC 7636, S256) on every authorization request and code exchange, and the sandbox's check
 * of it. Expected values are RFC 7636 Appendix B's: the 32 octets below encode to the verifier
 * dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk, whose S256 challenge is
 * E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildAuthorizeUrl } from '../../electron/auth/authorize-request';
import { PendingRequests } from '../../electron/auth/pending-requests';
import { codeChallengeS256 } from '../../electron/auth/pkce';
import type { Clock } from '../../electron/core/clock';
import { createTokenClient } from '../../electron/auth/token-client';
import { followConsent } from '../../sandbox/consent-driver';
import type { Sandbox } from '../../sandbox/server';
import { authorizeUrl, callbackParams, exchangeCode, startTestSandbox } from '../support/sandbox/fixtures';
import { CONFIG, callbackUrl, createHarness, stateOf } from '../support/engine/session-harness';

const RFC_OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83,
  132, 141, 121,
];
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const clock: Clock = { now: () => 1_000_000, setTimer: () => undefined, clearTimer: () => undefined };

describe('PKCE in the app', () => {
  it('computes the S256 challenge of RFC 7636 Appendix B', () => {
    expect(codeChallengeS256(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
  });

  it('each pending request keeps a 32-octet verifier and hands it back only with its own state', () => {
    const calls: number[] = [];
    const pending = new PendingRequests(clock, {
      randomBytes: (size) => {
        calls.push(size);
        return calls.length === 2 ? Uint8Array.from(RFC_OCTETS) : new Uint8Array(size).fill(7);
      },
    });
    const created = pending.create();
    expect(calls).toEqual([32, 32]);
    expect(created.codeChallenge).toBe(RFC_CHALLENGE);
    expect(pending.consume('forged-state')).toEqual({ ok: false, kind: 'state-mismatch' });
    expect(pending.consume(created.state)).toEqual({ ok: true, codeVerifier: RFC_VERIFIER });
  });

  it('the authorize URL carries code_challenge and code_challenge_method=S256', () => {
    const url = new URL(buildAuthorizeUrl({ ...CONFIG, apiBaseUrl: 'https://api.getjobber.com' }, 'the-state', RFC_CHALLENGE));
    expect(url.searchParams.get('code_challenge')).toBe(RFC_CHALLENGE);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });

  it('a Connect sends a challenge, then exchanges the code with the verifier that matches it', async () => {
    const h = createHarness();
    const seen: Array<string | undefined> = [];
    const exchange = h.endpoint.exchangeCode.bind(h.endpoint);
    h.endpoint.exchangeCode = (code: string, verifier?: string) => {
      seen.push(verifier);
      return exchange(code);
    };
    const { authorizeUrl: url } = h.session.beginConnect();
    const challenge = new URL(url).searchParams.get('code_challenge');
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
    await h.session.completeConnect(callbackUrl(stateOf(url)));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // RFC 7636 §4.2, computed here without the app's code: BASE64URL(SHA256(verifier)).
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(seen[0] ?? '').digest('base64url')).toBe(challenge);
  });

  it('the token client sends code_verifier with the code exchange', async () => {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"invalid_grant"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const apiBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = createTokenClient({ config: { ...CONFIG, apiBaseUrl }, clock, timeoutMs: 5000 });
      await client.exchangeCode('the-code', RFC_VERIFIER).catch(() => undefined);
      expect(new URLSearchParams(bodies[0]).get('code_verifier')).toBe(RFC_VERIFIER);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('PKCE in the sandbox', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startTestSandbox({ codeLifetimeSec: 60, accessTokenLifetimeSec: 3600 });
  });
  afterEach(() => sandbox.close());

  async function codeFor(params: Record<string, string>): Promise<string> {
    return callbackParams(await followConsent(authorizeUrl(sandbox, params), 'allow')).get('code') ?? '';
  }
  const S256 = { code_challenge: RFC_CHALLENGE, code_challenge_method: 'S256' };

  it('accepts the exchange with the verifier of the challenge', async () => {
    const response = await exchangeCode(sandbox, await codeFor(S256), { code_verifier: RFC_VERIFIER });
    expect(response.status).toBe(200);
  });

  it.each([
    ['missing', {}],
    ['wrong', { code_verifier: 'a-different-verifier-of-43-characters-abcdef' }],
  ])('refuses a %s verifier with invalid_grant', async (_label, extra: Record<string, string>) => {
    const response = await exchangeCode(sandbox, await codeFor(S256), extra);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('without a challenge in the authorize request, no verifier is needed (as Jobber documents)', async () => {
    expect((await exchangeCode(sandbox, await codeFor({}))).status).toBe(200);
  });

  it('refuses a challenge method other than S256 on the authorize page', async () => {
    const response = await fetch(authorizeUrl(sandbox, { code_challenge: RFC_VERIFIER, code_challenge_method: 'plain' }));
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/S256/);
  });
});
