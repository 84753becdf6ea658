import { describe, expect, it } from 'vitest';
import { connectSandboxControl } from '../../sandbox/control-client';
import type { Sandbox } from '../../sandbox/server';
import { ACCOUNT_QUERY, connect, DISCONNECT_MUTATION, graphql, graphqlJson, refresh, sandboxPerTest, START } from '../support/sandbox/fixtures';

const start = sandboxPerTest();
const body = graphqlJson;

/** Returns a function that moves the sandbox clock (starting at START) to a date, UTC midnight. */
function dateSetter(s: Sandbox): (iso: string) => void {
  let current = START;
  return (iso) => {
    const target = Date.parse(`${iso}T00:00:00Z`);
    s.control.shiftClock(target - current);
    current = target;
  };
}

describe('query cost by Jobber rules', () => {
  it('a connection costs its fields × first; the actual cost counts the nodes returned', async () => {
    const s = await start({ account: { id: 'acct-small', name: 'Small Co.', clients: 4 } });
    const { access_token } = await connect(s);
    const answer = await body(await graphql(s, access_token, 'query { clients(first: 10) { nodes { id name } } }'));
    expect((answer.data?.clients as { nodes: unknown[] }).nodes).toHaveLength(4);
    // requested 1 + 10 × 2 = 21; actual 1 + 4 × 2 = 9, and only 9 leave the bucket.
    expect(answer.extensions?.cost).toMatchObject({ requestedQueryCost: 21, actualQueryCost: 9, throttleStatus: { currentlyAvailable: 9991 } });
  });

  it('edges and node are free; a connection without first counts 100', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    const edges = await body(await graphql(s, access_token, 'query { clients(first: 5) { edges { node { id } } } }'));
    expect(edges.extensions?.cost.requestedQueryCost).toBe(6);
    const unbounded = await body(await graphql(s, access_token, 'query { clients { nodes { id } } }'));
    expect(unbounded.extensions?.cost.requestedQueryCost).toBe(101);
  });

  it('THROTTLED is sent with HTTP 200 by default and with 429 when configured (a guess)', async () => {
    const s = await start({ throttle: { maximumAvailable: 2, restoreRate: 1 } });
    const { access_token } = await connect(s);
    const first = await graphql(s, access_token, ACCOUNT_QUERY);
    expect(first.status).toBe(200);
    expect((await body(first)).errors?.[0]?.extensions?.code).toBe('THROTTLED');
    s.control.setApiAnswers({ throttledStatus: 429 });
    const second = await graphql(s, access_token, ACCOUNT_QUERY);
    expect(second.status).toBe(429);
    expect((await body(second)).errors?.[0]?.extensions?.code).toBe('THROTTLED');
  });
});

describe('versioning', () => {
  it('answers the version asked for, without a warning far from its end', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    const answer = await body(await graphql(s, access_token, ACCOUNT_QUERY, { 'X-JOBBER-GRAPHQL-VERSION': '2025-04-16' }));
    expect(answer.extensions?.versioning).toEqual({ version: '2025-04-16' });
  });

  it('warns within 3 months of the end of support (12 months) and after it, naming the removal (18 months)', async () => {
    const s = await start({ accessTokenLifetimeSec: 10 ** 9 });
    const { access_token } = await connect(s);
    const setDate = dateSetter(s);
    setDate('2026-01-15'); // support of 2025-04-16 ends 2026-04-16: not yet within 3 months
    expect((await body(await graphql(s, access_token, ACCOUNT_QUERY))).extensions?.versioning).toEqual({ version: '2025-04-16' });
    setDate('2026-01-16');
    const warned = (await body(await graphql(s, access_token, ACCOUNT_QUERY))).extensions?.versioning;
    expect(warned?.version).toBe('2025-04-16');
    expect(warned?.warning).toContain('2026-10-16');
    setDate('2026-07-01'); // past the end of support, still reachable
    expect((await body(await graphql(s, access_token, ACCOUNT_QUERY))).extensions?.versioning.warning).toContain('2026-10-16');
  });

  it('silently upgrades a removed version to the oldest supported one', async () => {
    const s = await start({ accessTokenLifetimeSec: 10 ** 9 });
    const { access_token } = await connect(s);
    dateSetter(s)('2026-11-01'); // 2025-04-16 removed after 2026-10-16; 2025-10-01 is past its support
    const answer = await body(await graphql(s, access_token, ACCOUNT_QUERY));
    expect(answer.data).toBeDefined();
    expect(answer.extensions?.versioning).toEqual({ version: '2026-04-01' });
  });
});

describe('account states and app-and-account grants', () => {
  it('Application has an author', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    const answer = await body(await graphql(s, access_token, 'mutation { appDisconnect { app { name author } } }'));
    expect(answer.data).toEqual({ appDisconnect: { app: { name: 'Jobber Connect', author: 'Jobber Connect developers' } } });
  });

  it('an inactive account answers {"error":{"message":"This account is not active"}}', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    s.control.setAccountActive('sandbox-account-1', false);
    const response = await graphql(s, access_token, ACCOUNT_QUERY);
    expect(await response.json()).toEqual({ error: { message: 'This account is not active' } });
    s.control.setAccountActive('sandbox-account-1', true);
    expect((await graphql(s, access_token, ACCOUNT_QUERY)).status).toBe(200);
  });

  it('"Service temporarily unavailable" as 503 text', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    s.control.setApiAnswers({ serviceUnavailable: true });
    const response = await graphql(s, access_token, ACCOUNT_QUERY);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('Service temporarily unavailable');
  });

  it("appDisconnect from one install ends the other install's tokens on the same account, not another account's", async () => {
    const s = await start({ moreAccounts: [{ id: 'sandbox-account-2', name: 'Second Co.' }] });
    const first = await connect(s);
    // Jobber's access token names the app, user and account, not the install: a second apart, the
    // two installs hold different strings, as two computers connecting would.
    s.control.shiftClock(1_000);
    const second = await connect(s);
    s.control.signInAs('sandbox-account-2');
    const elsewhere = await connect(s);
    expect((await graphql(s, first.access_token, DISCONNECT_MUTATION)).status).toBe(200);
    expect((await graphql(s, first.access_token, ACCOUNT_QUERY)).status).toBe(401);
    const secondAnswer = await graphql(s, second.access_token, ACCOUNT_QUERY);
    expect(secondAnswer.status).toBe(401);
    expect((await body(secondAnswer)).errors?.[0]?.message).toBe('User has disconnected this app from their account. Please delete this token');
    expect((await refresh(s, second.refresh_token)).status).toBe(400);
    const other = await body(await graphql(s, elsewhere.access_token, ACCOUNT_QUERY));
    expect(other.data).toEqual({ account: { id: 'sandbox-account-2', name: 'Second Co.' } });
  });

  it('disconnectFromJobber(accountId) ends only that account’s grants', async () => {
    const s = await start({ moreAccounts: [{ id: 'sandbox-account-2', name: 'Second Co.' }] });
    const first = await connect(s);
    s.control.signInAs('sandbox-account-2');
    const elsewhere = await connect(s);
    s.control.disconnectFromJobber('sandbox-account-1');
    expect((await graphql(s, first.access_token, ACCOUNT_QUERY)).status).toBe(401);
    expect((await graphql(s, elsewhere.access_token, ACCOUNT_QUERY)).status).toBe(200);
  });
});

describe('the same controls over HTTP (control-client)', () => {
  it('api-answers, account-active, sign-in-as and disconnect by account', async () => {
    const s = await start({ throttle: { maximumAvailable: 2, restoreRate: 1 }, moreAccounts: [{ id: 'sandbox-account-2', name: 'Second Co.' }] });
    const control = connectSandboxControl(s.url);
    const first = await connect(s);
    await control.setApiAnswers({ throttledStatus: 429 });
    expect((await graphql(s, first.access_token, ACCOUNT_QUERY)).status).toBe(429);
    await control.setAccountActive('sandbox-account-1', false);
    expect(await (await graphql(s, first.access_token, ACCOUNT_QUERY)).json()).toEqual({ error: { message: 'This account is not active' } });
    await control.signInAs('sandbox-account-2');
    const second = await connect(s);
    await control.disconnectFromJobber('sandbox-account-2');
    expect((await body(await graphql(s, second.access_token, ACCOUNT_QUERY))).errors?.[0]?.message).toMatch(/User has disconnected/);
    await expect(control.signInAs('no-such-account')).rejects.toThrow(/HTTP 400/);
  });
});
