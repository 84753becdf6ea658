/**
 * The broker adapter's error mapping, over real HTTP on 127.0.0.1: each answer of the broker
 * contract (v1) becomes the AuthError kind the session turns into a state. Statuses, codes and
 * Retry-After values are the contract's, written as literals.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/core/clock';
import { createBrokerClient } from '../../../electron/broker/broker-client';
import { createBrokerTokenEndpoint } from '../../../electron/broker/broker-token-endpoint';

type Answer = (res: ServerResponse, body: string, authorization: string | undefined) => void;

let server: Server | null = null;
const seen: Array<{ path: string; body: string; authorization: string | undefined }> = [];

async function brokerAnswering(answer: Answer): Promise<string> {
  seen.length = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', body, authorization: req.headers.authorization });
      answer(res, body, req.headers.authorization);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

afterEach(async () => {
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = null;
});

const CREDENTIAL = 'dev-cred-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

async function refreshWith(answer: Answer, timeoutMs = 2_000) {
  const origin = await brokerAnswering(answer);
  const client = createBrokerClient({ origin, clock: systemClock, timeoutMs });
  const endpoint = createBrokerTokenEndpoint({ client, clock: systemClock });
  return endpoint.refresh(CREDENTIAL).then(
    () => {
      throw new Error('expected the refresh to fail');
    },
    (error: unknown) => error as { kind: string; message: string; retryAfterMs?: number },
  );
}

describe('broker adapter: POST /v1/token errors', () => {
  it('401 unknown_device → rejected-grant (needs reconnect), naming the broker', async () => {
    const error = await refreshWith(json(401, { error: 'unknown_device', message: 'Unknown device.' }));
    expect(error.kind).toBe('rejected-grant');
    expect(error.message).toMatch(/no longer knows this computer \(HTTP 401, unknown_device\)/);
  });

  it('410 grant_rejected → rejected-grant (the sign-in ended)', async () => {
    const error = await refreshWith(json(410, { error: 'grant_rejected', message: 'Refused.' }));
    expect(error.kind).toBe('rejected-grant');
    expect(error.message).toMatch(/sign-in has ended/);
  });

  it('410 grant_disconnected → disconnected-in-jobber', async () => {
    const error = await refreshWith(json(410, { error: 'grant_disconnected', message: 'Disconnected.' }));
    expect(error.kind).toBe('disconnected-in-jobber');
  });

  it('502 jobber_unavailable → server-error, worded "Jobber or the broker is having trouble"', async () => {
    const error = await refreshWith(json(502, { error: 'jobber_unavailable', message: 'Cannot reach Jobber.' }));
    expect(error.kind).toBe('server-error');
    expect(error.message).toMatch(/Jobber or the broker is having trouble \(HTTP 502, jobber_unavailable\)/);
  });

  it('503 with Retry-After: 7 → server-error retried after 7000 ms', async () => {
    const error = await refreshWith(json(503, { error: 'jobber_unavailable', message: 'Busy.' }, { 'Retry-After': '7' }));
    expect(error.kind).toBe('server-error');
    expect(error.retryAfterMs).toBe(7000);
  });

  it('429 rate_limited with Retry-After: 30 → rate-limited after 30000 ms', async () => {
    const error = await refreshWith(json(429, { error: 'rate_limited', message: 'Slow down.' }, { 'Retry-After': '30' }));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(30000);
  });

  it('an unknown 4xx (or a proxy page) is never grounds to drop the grant: invalid-response, transient', async () => {
    const error = await refreshWith((res) => res.writeHead(403, { 'Content-Type': 'text/html' }).end('<html>blocked</html>'));
    expect(error.kind).toBe('invalid-response');
  });

  it('a 200 missing fields → invalid-response', async () => {
    const error = await refreshWith(json(200, { accessToken: 'x' }));
    expect(error.kind).toBe('invalid-response');
  });

  it('connection refused → network, "cannot reach the broker"; the message says the sign-in is kept', async () => {
    const origin = await brokerAnswering(json(200, {}));
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    const client = createBrokerClient({ origin, clock: systemClock, timeoutMs: 2_000 });
    const error = await createBrokerTokenEndpoint({ client, clock: systemClock }).refresh(CREDENTIAL).then(
      () => ({ kind: 'none', message: '' }),
      (e: unknown) => e as { kind: string; message: string },
    );
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/cannot reach the broker at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. The sign-in is kept/);
  });

  it('no answer within the timeout → timeout, "cannot reach the broker"', async () => {
    const error = await refreshWith(() => undefined, 200);
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/cannot reach the broker at 127\.0\.0\.1:\d+: no answer within 0 s/);
  });

  it('never repeats the credential or the broker free text', async () => {
    const error = await refreshWith(json(401, { error: 'unknown_device', message: `leak ${CREDENTIAL}` }));
    expect(error.message).not.toContain(CREDENTIAL);
    expect(error.message).not.toContain('leak');
  });
});

describe('broker adapter: requests', () => {
  it('POST /v1/token sends the device credential as a bearer and keeps it as the "refresh token" (no rotation)', async () => {
    const expiresAt = Date.now() + 3_600_000;
    const origin = await brokerAnswering(json(200, { accessToken: 'access-token-aaaaaaaaaaaaaaaa', accessTokenExpiresAt: expiresAt, account: { id: 'a1', name: 'A' } }));
    const client = createBrokerClient({ origin, clock: systemClock });
    const tokens = await createBrokerTokenEndpoint({ client, clock: systemClock }).refresh(CREDENTIAL);
    expect(seen[0]).toMatchObject({ path: '/v1/token', authorization: `Bearer ${CREDENTIAL}` });
    expect(tokens.refreshToken).toBe(CREDENTIAL);
    expect(tokens.accessToken).toBe('access-token-aaaaaaaaaaaaaaaa');
    // The broker's instant, read on our clock (to the millisecond only if both clocks agree exactly).
    expect(Math.abs(tokens.accessTokenExpiresAt - expiresAt)).toBeLessThan(2_000);
  });

  it('exchangeCode(handoff, verifier) → POST /v1/connect/redeem { handoff, codeVerifier }', async () => {
    const origin = await brokerAnswering(
      json(200, {
        deviceCredential: CREDENTIAL,
        account: { id: 'a1', name: 'A' },
        accessToken: 'access-token-bbbbbbbbbbbbbbbb',
        accessTokenExpiresAt: Date.now() + 3_600_000,
      }),
    );
    const client = createBrokerClient({ origin, clock: systemClock });
    const tokens = await createBrokerTokenEndpoint({ client, clock: systemClock }).exchangeCode('handoff-code-1234567890', 'verifier-0123456789012345678901234567890123');
    expect(seen[0]?.path).toBe('/v1/connect/redeem');
    expect(JSON.parse(seen[0]!.body)).toEqual({ handoff: 'handoff-code-1234567890', codeVerifier: 'verifier-0123456789012345678901234567890123' });
    expect(tokens.refreshToken).toBe(CREDENTIAL);
  });

  it('400 invalid_handoff on redeem → rejected-grant, asking to connect again', async () => {
    const origin = await brokerAnswering(json(400, { error: 'invalid_handoff', message: 'No.' }));
    const client = createBrokerClient({ origin, clock: systemClock });
    const error = await createBrokerTokenEndpoint({ client, clock: systemClock })
      .exchangeCode('handoff-code-1234567890', 'verifier-0123456789012345678901234567890123')
      .then(
      () => ({ kind: 'none', message: '' }),
      (e: unknown) => e as { kind: string; message: string },
    );
    expect(error.kind).toBe('rejected-grant');
    expect(error.message).toMatch(/Click Connect to try again/);
  });

  it('connect/start: S256 and the app return address; 400 return_to_not_allowed → misconfigured', async () => {
    const origin = await brokerAnswering(json(400, { error: 'return_to_not_allowed', message: 'No.' }));
    const client = createBrokerClient({ origin, clock: systemClock });
    const error = await client
      .startConnect({ codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', returnTo: 'https://evil.example/cb', appState: 's' })
      .then(
      () => ({ kind: 'none' }),
      (e: unknown) => e as { kind: string },
    );
    expect(JSON.parse(seen[0]!.body)).toEqual({
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      returnTo: 'https://evil.example/cb',
      appState: 's',
      codeChallengeMethod: 'S256',
    });
    expect(error.kind).toBe('misconfigured');
  });

  it('does not follow a redirect with the credential', async () => {
    const elsewhere = await brokerAnswering((res) => res.writeHead(307, { Location: 'http://127.0.0.1:9/steal' }).end());
    const client = createBrokerClient({ origin: elsewhere, clock: systemClock });
    const error = await client.token(CREDENTIAL).then(
      () => ({ kind: 'none' }),
      (e: unknown) => e as { kind: string },
    );
    expect(error.kind).toBe('invalid-response');
    expect(seen).toHaveLength(1);
  });
});
