import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followConsent } from '../../sandbox/consent-driver';
import type { Fault, Sandbox, SandboxEndpoint } from '../../sandbox/server';
import { ACCOUNT_QUERY, authorizeUrl, connect, graphql, refresh, startTestSandbox, type Tokens } from '../support/sandbox/fixtures';

let sandbox: Sandbox;
let tokens: Tokens;
beforeEach(async () => {
  sandbox = await startTestSandbox();
  tokens = await connect(sandbox);
});
afterEach(() => sandbox.close());

function hit(endpoint: SandboxEndpoint): Promise<Response> {
  if (endpoint === 'authorize') return fetch(authorizeUrl(sandbox));
  if (endpoint === 'token') return refresh(sandbox, tokens.refresh_token);
  return graphql(sandbox, tokens.access_token, ACCOUNT_QUERY);
}

const endpoints: SandboxEndpoint[] = ['authorize', 'token', 'graphql'];

describe.each(endpoints)('faults on %s', (endpoint) => {
  it('status: answers the given status, body and headers, once', async () => {
    sandbox.control.injectFault(endpoint, { kind: 'status', status: 503, body: 'down for maintenance', headers: { 'Retry-After': '7' } });
    const faulted = await hit(endpoint);
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('7');
    expect(await faulted.text()).toBe('down for maintenance');
    expect((await hit(endpoint)).status).toBe(200);
  });

  it('status without body: a JSON error body', async () => {
    sandbox.control.injectFault(endpoint, { kind: 'status', status: 500 });
    const faulted = await hit(endpoint);
    expect(faulted.status).toBe(500);
    expect(faulted.headers.get('content-type')).toMatch(/application\/json/);
    await faulted.json();
  });

  it('drop: the socket closes without a response', async () => {
    sandbox.control.injectFault(endpoint, { kind: 'drop' });
    await expect(hit(endpoint)).rejects.toThrow();
    expect((await hit(endpoint)).status).toBe(200);
  });

  it('malformed-json: 200 application/json that does not parse', async () => {
    sandbox.control.injectFault(endpoint, { kind: 'malformed-json' });
    const faulted = await hit(endpoint);
    expect(faulted.status).toBe(200);
    expect(faulted.headers.get('content-type')).toMatch(/application\/json/);
    await expect(faulted.json()).rejects.toThrow(SyntaxError);
  });

  it('truncated: headers promise more body than arrives', async () => {
    sandbox.control.injectFault(endpoint, { kind: 'truncated' });
    const faulted = await hit(endpoint);
    expect(faulted.status).toBe(200);
    await expect(faulted.text()).rejects.toThrow();
    expect((await hit(endpoint)).status).toBe(200);
  });

  it('wrong-content-type: 200 text/html', async () => {
    sandbox.control.injectFault(endpoint, { kind: 'wrong-content-type' });
    const faulted = await hit(endpoint);
    expect(faulted.status).toBe(200);
    expect(faulted.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await faulted.text()).toMatch(/<html/);
  });

  it('delay: answers normally afterwards', async () => {
    sandbox.control.injectFault(endpoint, { kind: 'delay', ms: 20 });
    expect((await hit(endpoint)).status).toBe(200);
  });
});

describe('missing-fields', () => {
  it('token: a 200 without refresh_token, and no rotation happened', async () => {
    sandbox.control.injectFault('token', { kind: 'missing-fields' });
    const faulted = await refresh(sandbox, tokens.refresh_token);
    expect(faulted.status).toBe(200);
    const body = (await faulted.json()) as Record<string, unknown>;
    expect(typeof body.access_token).toBe('string');
    expect(body.refresh_token).toBeUndefined();
    expect(sandbox.control.liveRefreshTokens()).toEqual([tokens.refresh_token]);
  });

  it('graphql: a 200 without data', async () => {
    sandbox.control.injectFault('graphql', { kind: 'missing-fields' });
    const body = (await (await graphql(sandbox, tokens.access_token, ACCOUNT_QUERY)).json()) as Record<string, unknown>;
    expect(body.data).toBeUndefined();
    expect(body.errors).toBeUndefined();
  });

  it('authorize: a page without the consent form', async () => {
    sandbox.control.injectFault('authorize', { kind: 'missing-fields' });
    await expect(followConsent(authorizeUrl(sandbox), 'allow')).rejects.toThrow(/no POST form/);
  });
});

describe('fault queue', () => {
  it('applies a fault to the next `count` requests, in injection order, then clears', async () => {
    const faults: Fault[] = [
      { kind: 'status', status: 502 },
      { kind: 'status', status: 504 },
    ];
    sandbox.control.injectFault('graphql', faults[0] as Fault, 2);
    sandbox.control.injectFault('graphql', faults[1] as Fault);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await hit('graphql')).status);
    expect(statuses).toEqual([502, 502, 504, 200]);

    sandbox.control.injectFault('graphql', { kind: 'status', status: 500 }, 5);
    sandbox.control.clearFaults();
    expect((await hit('graphql')).status).toBe(200);
  });

  it('faults only the chosen endpoint', async () => {
    sandbox.control.injectFault('token', { kind: 'status', status: 500 });
    expect((await hit('graphql')).status).toBe(200);
    expect((await hit('token')).status).toBe(500);
  });

  it('counts faulted token requests by grant type, and faulted graphql calls', async () => {
    sandbox.control.resetCounters();
    sandbox.control.injectFault('token', { kind: 'status', status: 500 });
    sandbox.control.injectFault('graphql', { kind: 'drop' });
    await refresh(sandbox, tokens.refresh_token);
    await hit('graphql').catch(() => undefined);
    const counters = sandbox.control.counters();
    expect(counters.tokenRequests.refresh_token).toBe(1);
    expect(counters.tokenRequests.rejected).toBe(0);
    expect(counters.graphqlCalls).toBe(1);
  });

  it('a 5xx on refresh leaves the refresh token valid', async () => {
    sandbox.control.injectFault('token', { kind: 'status', status: 503 });
    expect((await refresh(sandbox, tokens.refresh_token)).status).toBe(503);
    expect((await refresh(sandbox, tokens.refresh_token)).status).toBe(200);
  });
});

describe('close()', () => {
  it('resolves while a delayed request and a keep-alive socket are open', async () => {
    sandbox.control.injectFault('graphql', { kind: 'delay', ms: 600_000 });
    const pending = hit('graphql').then(
      () => 'answered',
      () => 'failed',
    );
    await fetch(`${sandbox.url}/__sandbox/health`);
    await sandbox.close();
    expect(await pending).toBe('failed');
  });
});

describe('faults after the commit point (the pair rotated, then the answer was lost)', () => {
  const lostAnswers: [string, Fault][] = [
    ['5xx', { kind: 'status', status: 503, phase: 'after-commit' }],
    ['connection reset', { kind: 'drop', phase: 'after-commit' }],
    ['truncated 200', { kind: 'truncated', phase: 'after-commit' }],
  ];

  it.each(lostAnswers)('%s: the held refresh token is dead and a new one is live', async (_label, fault) => {
    sandbox.control.injectFault('token', fault);
    await hit('token')
      .then((response) => response.text())
      .catch(() => undefined);
    const live = sandbox.control.liveRefreshTokens();
    expect(live).toHaveLength(1);
    expect(live).not.toContain(tokens.refresh_token);
    const again = await refresh(sandbox, tokens.refresh_token);
    expect(again.status).toBe(400);
  });

  it('stall: the real answer comes only after the delay, by then rotated already', async () => {
    sandbox.control.injectFault('token', { kind: 'delay', ms: 200, phase: 'after-commit' });
    const pending = hit('token');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Rotated before the answer left.
    expect(sandbox.control.liveRefreshTokens()).not.toContain(tokens.refresh_token);
    const body = (await (await pending).json()) as Tokens;
    expect(sandbox.control.liveRefreshTokens()).toEqual([body.refresh_token]);
  });

  it('a before-commit fault (the default) rotates nothing', async () => {
    sandbox.control.injectFault('token', { kind: 'status', status: 503 });
    expect((await hit('token')).status).toBe(503);
    expect(sandbox.control.liveRefreshTokens()).toEqual([tokens.refresh_token]);
  });

  it('the control API accepts the phase over HTTP and refuses an unknown one', async () => {
    const post = (fault: unknown) =>
      fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ endpoint: 'token', fault }) });
    expect((await post({ kind: 'drop', phase: 'after-commit' })).status).toBe(200);
    expect((await post({ kind: 'drop', phase: 'sometime' })).status).toBe(400);
  });
});
