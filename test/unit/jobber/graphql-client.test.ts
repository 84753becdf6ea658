import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobberConfig } from '../../../electron/auth/config-types';
import { AuthError } from '../../../electron/core/errors';
import { JobberGraphqlClient, type TokenProvider } from '../../../electron/jobber/graphql-client';
import { classifyTransportError, graphqlUrl } from '../../../electron/jobber/graphql-post';
import { interpretGraphqlResponse } from '../../../electron/jobber/graphql-response';
import { FakeClock } from '../../support/fake-clock';
import { type GraphqlTestServer, costExtension, startGraphqlServer, testClientConfig, untilTimerPending } from '../../support/jobber/graphql-server';

class FakeTokens implements TokenProvider {
  token = 'access-token-1-abcdef';
  readonly unauthorized: string[] = [];
  disconnected = 0;
  private n = 1;
  async getAccessToken(): Promise<string> {
    return this.token;
  }
  async reportUnauthorized(tokenUsed: string): Promise<string> {
    this.unauthorized.push(tokenUsed);
    this.n += 1;
    this.token = `access-token-${this.n}-abcdef`;
    return this.token;
  }
  reportDisconnectedInJobber(): void {
    this.disconnected += 1;
  }
}

let server: GraphqlTestServer;
let clock: FakeClock;
let tokens: FakeTokens;
let client: JobberGraphqlClient;
let logLines: string[];

function config(): JobberConfig {
  return testClientConfig(server.baseUrl);
}

const ACCOUNT = { data: { account: { id: 'acc-1', name: "Pat's Plumbing" } }, extensions: costExtension(9_990) };
const THROTTLED = (available: number, requested: number) => ({
  errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
  extensions: { cost: { requestedQueryCost: requested, actualQueryCost: 0, throttleStatus: { maximumAvailable: 10_000, currentlyAvailable: available, restoreRate: 500 } } },
});

beforeEach(async () => {
  server = await startGraphqlServer();
  clock = new FakeClock();
  tokens = new FakeTokens();
  logLines = [];
  const logger = { info: (m: string) => logLines.push(m), warn: (m: string) => logLines.push(m), error: (m: string) => logLines.push(m) };
  client = new JobberGraphqlClient({ config: config(), tokens, clock, timeoutMs: 5_000, logger, random: () => 0 });
});

afterEach(async () => {
  await server.close();
});

/** Waits (in real time, polling) until the client parks on a fake-clock timer. */
function untilWaiting(): Promise<void> {
  return untilTimerPending(clock);
}

describe('JobberGraphqlClient', () => {
  it('posts JSON with the Bearer token and the version header, and returns data with cost', async () => {
    server.answer({ body: ACCOUNT });
    const result = await client.account();
    expect(result.data).toEqual({ id: 'acc-1', name: "Pat's Plumbing" });
    expect(result.cost).toEqual({ requestedQueryCost: 10, actualQueryCost: 10, currentlyAvailable: 9_990, maximumAvailable: 10_000, restoreRate: 500 });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/api/graphql');
    expect(request?.headers['x-jobber-graphql-version']).toBe('2025-04-16');
    expect(request?.headers.authorization).toBe('Bearer access-token-1-abcdef');
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(request?.body).toMatchObject({ query: expect.stringContaining('account') });
  });

  it('sends variables', async () => {
    server.answer({ body: { data: { ok: true } } });
    await client.request('query Q($id: ID!) { node(id: $id) { id } }', { id: 'x1' });
    expect(server.requests[0]?.body).toEqual({ query: 'query Q($id: ID!) { node(id: $id) { id } }', variables: { id: 'x1' } });
  });

  it('401 → exactly one reportUnauthorized and a retry with the new token', async () => {
    server.answer({ status: 401, body: { message: 'Unauthorized' } }, { body: ACCOUNT });
    const result = await client.account();
    expect(result.data.name).toBe("Pat's Plumbing");
    expect(tokens.unauthorized).toEqual(['access-token-1-abcdef']);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer access-token-1-abcdef', 'Bearer access-token-2-abcdef']);
  });

  it('a second 401 → AuthError unauthorized, no further refresh', async () => {
    server.answer({ status: 401, body: {} }, { status: 401, body: {} });
    await expect(client.account()).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(tokens.unauthorized).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('"User has disconnected this app" in a 401 → reportDisconnectedInJobber, no refresh', async () => {
    server.answer({ status: 401, body: { message: 'User has disconnected this app from their account. Please delete this token' } });
    await expect(client.account()).rejects.toMatchObject({ kind: 'disconnected-in-jobber' });
    expect(tokens.disconnected).toBe(1);
    expect(tokens.unauthorized).toEqual([]);
  });

  it('"User has disconnected this app" in a 200 errors array → disconnected-in-jobber', async () => {
    server.answer({ body: { errors: [{ message: 'User has disconnected this app from their account. Please delete this token' }] } });
    await expect(client.account()).rejects.toMatchObject({ kind: 'disconnected-in-jobber' });
    expect(tokens.disconnected).toBe(1);
  });

  it('the phrase inside business data (a client note) is data, not a disconnect', async () => {
    const note = 'User has disconnected this app from their account. Please delete this token';
    server.answer({ body: { data: { account: { id: 'acc-1', name: note } }, extensions: costExtension(9_990) } });
    const result = await client.account();
    expect(result.data.name).toBe(note);
    expect(tokens.disconnected).toBe(0);
  });

  it('the phrase in a top-level error.message → disconnected-in-jobber', async () => {
    server.answer({ status: 403, body: { error: { message: 'User has disconnected this app from their account.' } } });
    await expect(client.account()).rejects.toMatchObject({ kind: 'disconnected-in-jobber' });
    expect(tokens.disconnected).toBe(1);
  });

  it('the phrase in a non-2xx body that is not JSON → disconnected-in-jobber', async () => {
    server.answer({ status: 401, body: 'User has disconnected this app from their account. Please delete this token' });
    await expect(client.account()).rejects.toMatchObject({ kind: 'disconnected-in-jobber' });
    expect(tokens.disconnected).toBe(1);
  });

  it('THROTTLED → waits (needed − available) / restoreRate on the clock, then retries', async () => {
    server.answer({ body: THROTTLED(200, 1_200) }, { body: ACCOUNT });
    const pending = client.account();
    await untilWaiting();
    expect(clock.nextTimerAt()! - clock.now()).toBe(2_000); // (1200 − 200) / 500 s
    expect(server.requests).toHaveLength(1);
    await clock.advance(1_999);
    expect(server.requests).toHaveLength(1);
    await clock.advance(1);
    const result = await pending;
    expect(result.data.id).toBe('acc-1');
    expect(server.requests).toHaveLength(2);
  });

  it('THROTTLED past the time budget → AuthError throttled', async () => {
    client = new JobberGraphqlClient({ config: config(), tokens, clock, maxThrottledMs: 1_000 });
    server.answer({ body: THROTTLED(0, 500) }, { body: THROTTLED(0, 500) });
    const pending = client.account().catch((error: unknown) => error);
    await untilWaiting();
    await clock.advance(1_000);
    const error = await pending;
    expect(error).toBeInstanceOf(AuthError);
    // 500 points at 500/s: the first resend comes at 1 s, the second would end past the budget.
    expect(error).toMatchObject({ kind: 'throttled', retryAfterMs: 1_000 });
    expect(server.requests).toHaveLength(2);
  });

  it('keeps resending within the time budget however often another install wins the race', async () => {
    // Eight THROTTLED answers of 1 s each (another consumer keeps draining the bucket), then data.
    server.answer(...Array.from({ length: 8 }, () => ({ body: THROTTLED(0, 500) })), { body: { data: { account: { id: 'acc-1', name: 'Acme' } } } });
    const pending = client.account();
    for (let i = 0; i < 8; i += 1) {
      await untilWaiting();
      await clock.advance(1_000);
    }
    expect((await pending).data.id).toBe('acc-1');
    expect(server.requests).toHaveLength(9);
  });

  it('a query costlier than the whole bucket fails at once: no wait can make it fit', async () => {
    server.answer({ body: THROTTLED(10_000, 12_000) });
    const error = await client.request('{ a }').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'throttled' });
    expect(server.requests).toHaveLength(1);
  });

  it('paces a request whose expected cost exceeds the estimated budget', async () => {
    server.answer({ body: { data: { a: 1 }, extensions: costExtension(100) } }, { body: { data: { b: 2 } } });
    await client.request('{ a }');
    await clock.advance(1_000); // 100 + 500 restored = 600 available
    const pending = client.request('{ b }', undefined, { expectedCost: 1_100 });
    await untilWaiting();
    expect(clock.nextTimerAt()! - clock.now()).toBe(1_000); // (1100 − 600) / 500 s
    expect(server.requests).toHaveLength(1);
    await clock.advance(1_000);
    await pending;
    expect(server.requests).toHaveLength(2);
  });

  it('does not wait when the estimate covers the expected cost', async () => {
    server.answer({ body: { data: { a: 1 }, extensions: costExtension(5_000) } }, { body: { data: { b: 2 } } });
    await client.request('{ a }');
    await client.request('{ b }', undefined, { expectedCost: 4_000 });
    expect(server.requests).toHaveLength(2);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('429 with Retry-After → waits that long then retries; gives up after three waits, not two', async () => {
    server.answer({ status: 429, body: 'slow down', headers: { 'Retry-After': '3' } }, { body: ACCOUNT });
    const pending = client.account();
    await untilWaiting();
    expect(clock.nextTimerAt()! - clock.now()).toBe(3_000);
    await clock.advance(3_000);
    expect((await pending).data.id).toBe('acc-1');

    const limited = { status: 429, body: '', headers: { 'Retry-After': '1' } };
    server.answer(limited, limited, limited, limited);
    const failing = client.account().catch((error: unknown) => error);
    for (let i = 0; i < 3; i += 1) {
      await untilWaiting();
      await clock.advance(1_000);
    }
    expect(await failing).toMatchObject({ kind: 'rate-limited', retryAfterMs: 1_000 });
    expect(server.requests).toHaveLength(6);
  });

  it("429 as Rack::Attack sends it (text/plain, no Retry-After) → waits for the 300 s window to roll, jittered", async () => {
    // FakeClock starts at 09:00:00 UTC, a window start; 120 s later the window ends 180 s on.
    await clock.advance(120_000);
    client = new JobberGraphqlClient({ config: config(), tokens, clock, random: () => 0.5 });
    server.answer({ status: 429, body: 'Retry later\n', headers: { 'Content-Type': 'text/plain' } }, { body: ACCOUNT });
    const pending = client.account();
    await untilWaiting();
    expect(clock.nextTimerAt()! - clock.now()).toBe(180_000 + 2_500); // window end + half the 5 s jitter
    await clock.advance(182_499);
    expect(server.requests).toHaveLength(1);
    await clock.advance(1);
    expect((await pending).data.id).toBe('acc-1');
  });

  it('an inactive account → account-inactive', async () => {
    server.answer({ status: 403, body: { error: { message: 'This account is not active' } } });
    await expect(client.account()).rejects.toMatchObject({ kind: 'account-inactive' });
    server.answer({ body: { error: { message: 'This account is not active' } } });
    await expect(client.account()).rejects.toMatchObject({ kind: 'account-inactive' });
  });

  it('malformed JSON → invalid-response; unexpected shape → invalid-response', async () => {
    server.answer({ body: '{"data": {' });
    await expect(client.account()).rejects.toMatchObject({ kind: 'invalid-response' });
    server.answer({ body: { data: { account: { id: 5 } } } });
    await expect(client.account()).rejects.toMatchObject({ kind: 'invalid-response' });
    server.answer({ body: { data: null } });
    await expect(client.request('{ x }')).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('5xx → server-error; dropped connection → network; nothing listening → network', async () => {
    server.answer({ status: 502, body: 'bad gateway' });
    await expect(client.account()).rejects.toMatchObject({ kind: 'server-error' });
    server.answer({ body: '', drop: true });
    await expect(client.account()).rejects.toMatchObject({ kind: 'network' });
    const url = server.baseUrl;
    await server.close();
    const offline = new JobberGraphqlClient({ config: { ...config(), apiBaseUrl: url }, tokens, clock });
    await expect(offline.account()).rejects.toMatchObject({ kind: 'network' });
    server = await startGraphqlServer(); // for afterEach
  });

  it('a body cut short after the status line → invalid-response (as the token endpoint says), not network', async () => {
    server.answer({ body: { data: { account: { id: 'acc-1', name: 'A long enough account name' } } }, truncate: true });
    const error = await client.account().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid-response' });
    expect((error as AuthError).message).toContain('HTTP 200');
    expect((error as AuthError).transient).toBe(true);
  });

  it('classifyTransportError: network only when no answer arrived', () => {
    const noAnswer = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(classifyTransportError(noAnswer).kind).toBe('network');
    const midBody = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', response: { status: 200 } });
    expect(classifyTransportError(midBody)).toMatchObject({ kind: 'invalid-response' });
    expect(classifyTransportError(midBody).message).toContain('HTTP 200');
    const aborted = Object.assign(new Error('stream has been aborted'), { code: 'ERR_BAD_RESPONSE' });
    expect(classifyTransportError(aborted).kind).toBe('invalid-response');
    // A stall mid-body is still a timeout, whatever arrived before it.
    const stalled = Object.assign(new Error('timeout of 30000ms exceeded'), { code: 'ECONNABORTED', response: { status: 200 } });
    expect(classifyTransportError(stalled).kind).toBe('timeout');
  });

  it('other GraphQL errors → graphql, with redacted messages', async () => {
    tokens.token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    server.answer({ body: { errors: [{ message: 'Field "nope" does not exist; token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl' }] } });
    const error = await client.request('{ nope }').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'graphql' });
    expect((error as AuthError).message).toContain('Field "nope" does not exist');
    expect((error as AuthError).message).not.toContain('c2lnbmF0dXJl');
    expect(logLines.join('\n')).not.toContain('c2lnbmF0dXJl');
  });
});

describe('interpretGraphqlResponse: where the disconnect marker counts', () => {
  const MARKER = 'User has disconnected this app from their account. Please delete this token';
  it.each([
    ['data of a 200', 200, { data: { job: { title: MARKER, notes: [{ text: MARKER }] } } }],
    ['extensions of a 200', 200, { data: { ok: true }, extensions: { note: MARKER } }],
  ])('ignores it in %s', (_label, status, body) => {
    expect(interpretGraphqlResponse(status, JSON.stringify(body)).kind).toBe('ok');
  });

  it.each([
    ['errors[].message of a 200', 200, JSON.stringify({ errors: [{ message: MARKER }] })],
    ['error (string) of a 200', 200, JSON.stringify({ error: MARKER })],
    ['error.message of a 400', 400, JSON.stringify({ error: { message: MARKER } })],
    ['message of a 401', 401, JSON.stringify({ message: MARKER })],
    ['a top-level message of a 200 (documented without a status)', 200, JSON.stringify({ message: MARKER })],
    ['an HTML 403', 403, `<html><body>${MARKER}</body></html>`],
  ])('honours it in %s', (_label, status, text) => {
    expect(() => interpretGraphqlResponse(status, text)).toThrow(expect.objectContaining({ kind: 'disconnected-in-jobber' }));
  });
});

describe('graphqlUrl', () => {
  it('joins like every other API URL (one helper)', () => {
    expect(graphqlUrl({ ...config(), apiBaseUrl: 'https://x.test//' })).toBe('https://x.test/api/graphql');
  });
});
