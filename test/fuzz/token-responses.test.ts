/**
 * Fuzzing the token client's reading of Jobber's token endpoint: 10,000 generated answers through
 * an injected HTTP function (the client's own parsing, classification and expiry logic, without
 * sockets), then a 500-case sample through a real node:http server on 127.0.0.1 so the axios
 * layer (decoding, dropped and truncated connections) is covered too. Seeded with FUZZ_SEED.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobberConfig } from '../../electron/auth/config-types';
import { AuthError, type AuthErrorKind } from '../../electron/core/errors';
import type { Clock } from '../../electron/core/clock';
import type { Logger } from '../../electron/core/logger';
import { clearRegisteredSecrets } from '../../electron/core/redact';
import { createTokenClient, DEFAULT_ACCESS_TOKEN_LIFETIME_MS } from '../../electron/auth/token-client';
import type { TokenSet } from '../../electron/auth/token-model';
import { count, fuzzParameters, fuzzSeed, newStats, printSummary, type FuzzStats } from '../support/fuzz/fuzz-run';
import {
  CLIENT_SECRET,
  expectedJwtExpiry,
  expectTokens,
  renderResponse,
  responseRecipe,
  type ResponseCase,
  type ThrownRecipe,
} from '../support/fuzz/token-response-arbitraries';

const NOW = Date.UTC(2025, 5, 2, 9, 0, 0);
const clock: Clock = { now: () => NOW, setTimer: () => 0, clearTimer: () => undefined };
/** A refused sign-in code is a verdict, or a transient invalid-response when the body is no OAuth answer. */
const FOUR_XX_EXCHANGE: ReadonlySet<AuthErrorKind> = new Set(['rejected-grant', 'misconfigured', 'invalid-response']);
/** A refused renewal is a verdict, or 'refused' (kept, retried, counted) when it does not say the grant is gone. */
const FOUR_XX_REFRESH: ReadonlySet<AuthErrorKind> = new Set(['rejected-grant', 'misconfigured', 'refused']);
const TRANSPORT: ReadonlySet<AuthErrorKind> = new Set(['network', 'timeout', 'invalid-response']);

function config(apiBaseUrl: string): JobberConfig {
  return {
    environment: 'jobber',
    clientId: 'fuzz-client-id',
    clientSecret: CLIENT_SECRET,
    redirectUri: 'com.jobberconnect.app:/oauth/callback',
    apiBaseUrl,
    graphqlVersion: '2025-04-16',
    authMode: 'app-window',
  };
}

function capturingLogger(lines: string[]): Logger {
  const push = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  };
  return { info: push('info'), warn: push('warn'), error: push('error') };
}

function leakable(values: string[]): string[] {
  return [...new Set(values)].filter((v) => v.length >= 8 && v.trim() !== '');
}

function thrownValue(recipe: ThrownRecipe): unknown {
  if (recipe.nonError) return recipe.code === undefined ? recipe.message : { code: recipe.code, message: recipe.message };
  const error = Object.assign(new Error(recipe.message), { code: recipe.code });
  if (recipe.responseStatus !== undefined) Object.assign(error, { response: { status: recipe.responseStatus } });
  return error;
}

/**
 * The kinds each status may produce. Fixed classes for 2xx-without-tokens, 1xx/3xx, 408, 429 and
 * 5xx; any other 4xx depends on the grant (see FOUR_XX_EXCHANGE and FOUR_XX_REFRESH).
 */
function kindsForStatus(status: number, grant: 'exchange' | 'refresh'): ReadonlySet<AuthErrorKind> {
  if (status >= 200 && status < 300) return new Set(['invalid-response']);
  if (status === 429) return new Set(['rate-limited']);
  if (status === 408) return new Set(['timeout']);
  if (status >= 500) return new Set(['server-error']);
  if (status < 400) return new Set(['invalid-response']);
  return grant === 'exchange' ? FOUR_XX_EXCHANGE : FOUR_XX_REFRESH;
}

/** Checks one outcome against the oracle; returns the tally key. Throws (failing the property) on a violation. */
function check(c: ResponseCase, bodyAsSeen: string, status: number, outcome: unknown, logs: string[], stats: FuzzStats, transportFault: boolean): string {
  const expectation = transportFault ? ({ ok: false } as const) : expectTokens(status, bodyAsSeen);
  const mustNotLeak = leakable([...c.secrets, ...c.bodyTokens]);

  if (!(outcome instanceof AuthError)) {
    const tokens = outcome as TokenSet | null;
    if (typeof tokens !== 'object' || tokens === null || !('accessToken' in tokens)) {
      stats.crashes += 1;
      throw new Error(`not an AuthError nor a TokenSet: ${String(outcome).slice(0, 200)}`);
    }
    if (!expectation.ok) {
      stats.acceptedInvalid += 1;
      throw new Error(`tokens accepted from HTTP ${status} body ${JSON.stringify(bodyAsSeen.slice(0, 300))}`);
    }
    expect(tokens.accessToken).toBe(expectation.accessToken);
    expect(tokens.refreshToken).toBe(expectation.refreshToken);
    expect(tokens.accessTokenIssuedAt).toBe(NOW);
    // Where the expiry came from must match what the body offered. The exact instant is policy
    // (lifetime measured on Jobber's clock, see token-expiry.ts), so only its bounds are checked:
    // a fresh token set never starts out expired.
    expect(Number.isFinite(tokens.accessTokenExpiresAt)).toBe(true);
    expect(tokens.accessTokenExpiresAt).toBeGreaterThan(NOW);
    const jwtMs = c.accessJwt ? expectedJwtExpiry(c.accessJwt) : null;
    const fellBack = tokens.expiredOnArrival === true;
    if (tokens.expirySource === 'jwt-exp') expect(jwtMs, 'jwt-exp claimed for a token without a usable exp').not.toBeNull();
    // Order of sources: the JWT's exp, then expires_in (a lifetime), then expires_at, then the default.
    if (tokens.expirySource === 'expires-in') {
      expect(jwtMs).toBeNull();
      expect(c.expiresInSec).not.toBeNull();
    }
    if (tokens.expirySource === 'expires-at') {
      expect(jwtMs).toBeNull();
      expect(c.expiresInSec).toBeNull();
      expect(c.expiresAtEpoch).not.toBeNull();
    }
    if (jwtMs !== null && !fellBack) expect(tokens.expirySource).toBe('jwt-exp');
    if (jwtMs === null && c.expiresInSec !== null && !fellBack) expect(tokens.expirySource).toBe('expires-in');
    if (jwtMs === null && c.expiresInSec === null && c.expiresAtEpoch !== null && !fellBack) expect(tokens.expirySource).toBe('expires-at');
    if (jwtMs === null && c.expiresInSec === null && c.expiresAtEpoch === null) expect(tokens.expirySource).toBe('default');
    if (tokens.expirySource === 'default') expect(tokens.accessTokenExpiresAt).toBe(NOW + DEFAULT_ACCESS_TOKEN_LIFETIME_MS);
    for (const secret of leakable([CLIENT_SECRET, c.recipe.sent, tokens.accessToken, tokens.refreshToken])) {
      if (logs.some((line) => line.includes(secret))) throw new Error('a log line holds a token or the client secret');
    }
    return 'tokens';
  }

  const error = outcome;
  if (expectation.ok) {
    stats.rejectedValid += 1;
    throw new Error(`valid tokens refused (${error.kind}): HTTP ${status} ${JSON.stringify(bodyAsSeen.slice(0, 300))}`);
  }
  const thrown = c.recipe.thrown;
  const allowed: ReadonlySet<AuthErrorKind> = !transportFault
    ? kindsForStatus(status, c.recipe.grant)
    : thrown?.code === 'ERR_CANCELED'
      ? new Set([...TRANSPORT, 'cancelled'])
      : TRANSPORT;
  if (!allowed.has(error.kind)) throw new Error(`kind ${error.kind} for HTTP ${status}${thrown ? ` / thrown ${thrown.code}` : ''}`);
  expect(error.message.length).toBeGreaterThan(0);
  if (error.retryAfterMs !== undefined) expect(error.retryAfterMs).toBeGreaterThanOrEqual(0);
  for (const secret of mustNotLeak) {
    if (error.message.includes(secret)) throw new Error(`the ${error.kind} message repeats a credential-looking input`);
    if (logs.some((line) => line.includes(secret))) throw new Error(`a log line repeats a credential-looking input (${error.kind})`);
  }
  return error.kind;
}

describe('fuzz: token responses', () => {
  const NUM_RUNS = 10_000;

  it(`reads ${NUM_RUNS} generated token-endpoint answers into a TokenSet or a typed AuthError`, async () => {
    const seed = fuzzSeed();
    const stats = newStats();
    try {
      await fc.assert(
        fc.asyncProperty(responseRecipe, async (recipe) => {
          stats.cases += 1;
          // A fresh redaction registry per case (a process per case); see redact-huge-secret.test.ts.
          clearRegisteredSecrets();
          const c = renderResponse(recipe);
          const logs: string[] = [];
          const headers: Record<string, unknown> = {};
          if (recipe.contentType !== undefined) headers['content-type'] = recipe.contentType;
          if (recipe.retryAfter !== undefined) headers['retry-after'] = recipe.retryAfter;
          const fakeHttp = {
            request: async () => {
              if (recipe.thrown !== null) throw thrownValue(recipe.thrown);
              return { status: recipe.status, statusText: '', headers, data: c.body, config: {} };
            },
          } as unknown as Parameters<typeof createTokenClient>[0]['http'];
          const client = createTokenClient({ config: config('https://api.getjobber.com'), clock, logger: capturingLogger(logs), http: fakeHttp });
          let outcome: unknown;
          try {
            outcome = recipe.grant === 'exchange' ? await client.exchangeCode(recipe.sent) : await client.refresh(recipe.sent);
          } catch (error) {
            outcome = error;
          }
          count(stats, check(c, c.body, recipe.status, outcome, logs, stats, recipe.thrown !== null));
        }),
        fuzzParameters(NUM_RUNS, seed),
      );
    } finally {
      printSummary('token responses', stats, seed);
    }
    expect(stats.crashes).toBe(0);
    expect(stats.acceptedInvalid).toBe(0);
    expect(stats.rejectedValid).toBe(0);
    expect(stats.tally.get('tokens') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
    expect(stats.tally.get('invalid-response') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
  });

  describe('over real HTTP', () => {
    const HTTP_RUNS = 500;
    type Fault = 'none' | 'drop' | 'cut';
    let current: { status: number; headers: Record<string, string | string[]>; body: Buffer; fault: Fault } | null = null;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const answer = current;
        if (answer === null) {
          res.writeHead(500).end();
          return;
        }
        if (answer.fault === 'drop') {
          req.socket.destroy();
          return;
        }
        for (const [name, value] of Object.entries(answer.headers)) {
          try {
            res.setHeader(name, value);
          } catch {
            // A generated header value Node refuses to send: the answer goes out without it.
          }
        }
        if (answer.fault === 'cut') {
          res.writeHead(answer.status, { 'content-length': String(answer.body.length + 100) });
          res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => res.socket?.destroy());
          return;
        }
        res.writeHead(answer.status);
        res.end(answer.body);
      });
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let baseUrl = '';

    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it(`handles ${HTTP_RUNS} generated answers sent over a socket, including dropped and cut-off ones`, async () => {
      const seed = fuzzSeed();
      const stats = newStats();
      const httpCase = fc.record({
        recipe: responseRecipe.map((r) => ({ ...r, thrown: null, status: r.status < 200 ? 200 + (r.status % 100) : r.status })),
        fault: fc.constantFrom<Fault>('none', 'none', 'none', 'none', 'none', 'none', 'none', 'none', 'drop', 'cut'),
      });
      const axiosInstance = axios.create({ httpAgent: agent });
      try {
        await fc.assert(
          fc.asyncProperty(httpCase, async ({ recipe, fault }) => {
            stats.cases += 1;
            clearRegisteredSecrets();
            const c = renderResponse(recipe);
            const bytes = recipe.body.kind === 'bytes' ? Buffer.from(recipe.body.bytes) : Buffer.from(c.body, 'utf8');
            const headers: Record<string, string | string[]> = {};
            if (recipe.contentType !== undefined) headers['content-type'] = recipe.contentType;
            if (recipe.retryAfter !== undefined) headers['retry-after'] = recipe.retryAfter;
            current = { status: recipe.status, headers, body: bytes, fault };
            // What the client receives: no body for 204/304, UTF-8 decoded, a leading BOM dropped by axios.
            const bodyAsSeen = recipe.status === 204 || recipe.status === 304 ? '' : bytes.toString('utf8').replace(/^\ufeff/, '');
            const logs: string[] = [];
            const client = createTokenClient({ config: config(baseUrl), clock, logger: capturingLogger(logs), http: axiosInstance, timeoutMs: 5_000 });
            let outcome: unknown;
            try {
              outcome = recipe.grant === 'exchange' ? await client.exchangeCode(recipe.sent) : await client.refresh(recipe.sent);
            } catch (error) {
              outcome = error;
            }
            count(stats, check(c, bodyAsSeen, recipe.status, outcome, logs, stats, fault !== 'none'));
          }),
          fuzzParameters(HTTP_RUNS, seed),
        );
      } finally {
        current = null;
        printSummary('token responses over HTTP', stats, seed);
      }
      expect(stats.crashes).toBe(0);
      expect(stats.acceptedInvalid).toBe(0);
      expect(stats.rejectedValid).toBe(0);
      expect(stats.tally.get('tokens') ?? 0).toBeGreaterThan(0);
    });
  });
});
