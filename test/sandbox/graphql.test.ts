import { describe, expect, it } from 'vitest';
import { signJwt, type AccessTokenClaims } from '../../sandbox/jwt';
import { ACCOUNT_QUERY, connect, DISCONNECT_MUTATION, graphql, graphqlJson, jwtClaims, refresh, sandboxPerTest, VERSION } from '../support/sandbox/fixtures';

const start = sandboxPerTest();
const json = graphqlJson;

describe('POST /api/graphql', () => {
  it('answers account { id name } with cost and versioning extensions', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    const response = await graphql(s, access_token, ACCOUNT_QUERY);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      data: { account: { id: 'sandbox-account-1', name: 'Sandbox Landscaping Co.' } },
      extensions: {
        // account { id name } costs 3 by Jobber's rules.
        cost: { requestedQueryCost: 3, actualQueryCost: 3, throttleStatus: { maximumAvailable: 10000, currentlyAvailable: 9997, restoreRate: 500 } },
        versioning: { version: VERSION },
      },
    });
    expect(s.control.counters().graphqlCalls).toBe(1);
  });

  it('supports named operations, aliases, comments and __typename', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    const query = `# who am I?
      query WhoAmI($unused: String) { acct: account { __typename name } }`;
    const body = await json(await graphql(s, access_token, query));
    expect(body.data).toEqual({ acct: { __typename: 'Account', name: 'Sandbox Landscaping Co.' } });
  });

  it('requires the X-JOBBER-GRAPHQL-VERSION header', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    const response = await graphql(s, access_token, ACCOUNT_QUERY, { 'X-JOBBER-GRAPHQL-VERSION': undefined });
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.errors?.[0]?.message).toMatch(/X-JOBBER-GRAPHQL-VERSION/);
    expect(body.data).toBeUndefined();
  });

  it('answers an unknown field with a GraphQL error and no data', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    const body = await json(await graphql(s, access_token, 'query { account { id phoneNumber } }'));
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toBe("Field 'phoneNumber' doesn't exist on type 'Account'");
    expect(body.extensions?.cost.actualQueryCost).toBe(0);
  });

  it('refuses a mutation field in a query and a syntax error', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    const wrongRoot = await json(await graphql(s, access_token, 'query { appDisconnect { app { name } } }'));
    expect(wrongRoot.errors?.[0]?.message).toBe("Field 'appDisconnect' doesn't exist on type 'Query'");
    const broken = await json(await graphql(s, access_token, 'query { account { id '));
    expect(broken.errors?.[0]?.message).toMatch(/Parse error/);
    expect(s.control.counters().liveRefreshTokens).toBe(1);
  });

  it('answers 401 Unauthorized without a token, with a bad signature, or with a token for another key', async () => {
    const s = await start();
    const { access_token } = await connect(s);
    const [header, payload] = access_token.split('.');
    const forged = signJwt({ ...(jwtClaims(access_token) as unknown as AccessTokenClaims), exp: 9_999_999_999 }, Buffer.alloc(32, 7));
    for (const token of [undefined, `${header}.${payload}.AAAA`, forged, 'not-a-jwt']) {
      const response = await graphql(s, token, ACCOUNT_QUERY);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('answers 401 once the JWT has expired by the sandbox clock', async () => {
    const s = await start({ accessTokenLifetimeSec: 600 });
    const { access_token } = await connect(s);
    s.control.shiftClock(599_000);
    expect((await graphql(s, access_token, ACCOUNT_QUERY)).status).toBe(200);
    s.control.shiftClock(1_000);
    const response = await graphql(s, access_token, ACCOUNT_QUERY);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });

  it('appDisconnect kills both tokens and is counted', async () => {
    const s = await start();
    const tokens = await connect(s);
    const response = await graphql(s, tokens.access_token, DISCONNECT_MUTATION);
    const body = await json(response);
    expect(body.data).toEqual({ appDisconnect: { app: { name: 'Jobber Connect' }, userErrors: [] } });
    expect(body.extensions?.cost.actualQueryCost).toBe(6); // appDisconnect, app, name, userErrors, message, path
    expect((await graphql(s, tokens.access_token, ACCOUNT_QUERY)).status).toBe(401);
    expect((await refresh(s, tokens.refresh_token)).status).toBe(400);
    expect(s.control.counters().appDisconnects).toBe(1);
  });

  it('after disconnectFromJobber, API calls get the "User has disconnected" error and refresh fails', async () => {
    const s = await start();
    const tokens = await connect(s);
    s.control.disconnectFromJobber();
    const response = await graphql(s, tokens.access_token, ACCOUNT_QUERY);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: [{ message: 'User has disconnected this app from their account. Please delete this token' }],
    });
    const refreshed = await refresh(s, tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('limits', () => {
  it('THROTTLED when the bucket lacks the query cost, then restores by the sandbox clock', async () => {
    const s = await start({ throttle: { maximumAvailable: 12, restoreRate: 2 } });
    const { access_token } = await connect(s);
    const first = await json(await graphql(s, access_token, 'query { a: account { id } b: account { id } c: account { id } }'));
    expect(first.extensions?.cost.requestedQueryCost).toBe(6);
    expect(first.extensions?.cost.throttleStatus.currentlyAvailable).toBe(6);

    // 6 points left: two account { id name } (3 each), then the third is throttled.
    for (let i = 0; i < 2; i += 1) expect((await json(await graphql(s, access_token, ACCOUNT_QUERY))).data).toBeDefined();
    const throttled = await json(await graphql(s, access_token, ACCOUNT_QUERY));
    expect(throttled.data).toBeUndefined();
    expect(throttled.errors).toEqual([{ message: 'Throttled', extensions: { code: 'THROTTLED' } }]);
    expect(throttled.extensions?.cost).toEqual({
      requestedQueryCost: 3,
      actualQueryCost: 0,
      throttleStatus: { maximumAvailable: 12, currentlyAvailable: 0, restoreRate: 2 },
    });

    s.control.shiftClock(1_500); // 3 points restored
    const restored = await json(await graphql(s, access_token, ACCOUNT_QUERY));
    expect(restored.data).toBeDefined();
    expect(restored.extensions?.cost.throttleStatus.currentlyAvailable).toBe(0);
    s.control.shiftClock(60_000); // restores up to the maximum, no further
    const full = await json(await graphql(s, access_token, ACCOUNT_QUERY));
    expect(full.extensions?.cost.throttleStatus.currentlyAvailable).toBe(9);
  });

  it('429 as Rack::Attack answers it: text/plain, no Retry-After, until the fixed window rolls', async () => {
    // START (12:00:00 UTC) begins a 10 s window.
    const s = await start({ rateLimit: { requests: 3, windowSec: 10 } });
    const { access_token } = await connect(s);
    for (let i = 0; i < 3; i += 1) expect((await graphql(s, access_token, ACCOUNT_QUERY)).status).toBe(200);
    s.control.shiftClock(9_999);
    const limited = await graphql(s, access_token, ACCOUNT_QUERY);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('text/plain');
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(await limited.text()).toBe('Retry later\n');
    s.control.shiftClock(1); // the next window: a fresh count, not a sliding one
    for (let i = 0; i < 3; i += 1) expect((await graphql(s, access_token, ACCOUNT_QUERY)).status).toBe(200);
  });

  it('429 variant with a JSON body and Retry-After (a guess, chosen through the control API)', async () => {
    const s = await start({ rateLimit: { requests: 1, windowSec: 10 } });
    s.control.setApiAnswers({ rateLimit: 'json-retry-after' });
    const { access_token } = await connect(s);
    await graphql(s, access_token, ACCOUNT_QUERY);
    s.control.shiftClock(4_000);
    const limited = await graphql(s, access_token, ACCOUNT_QUERY);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('6');
  });

  it('limits are per app and account: two grants on one account share them, another account does not', async () => {
    const s = await start({ rateLimit: { requests: 1, windowSec: 60 }, moreAccounts: [{ id: 'sandbox-account-2', name: 'Second Co.' }] });
    const a = await connect(s);
    // Jobber's claims name the account, not the grant: a second apart, so the two tokens differ.
    s.control.shiftClock(1_000);
    const b = await connect(s);
    s.control.signInAs('sandbox-account-2');
    const other = await connect(s);
    expect((await graphql(s, a.access_token, ACCOUNT_QUERY)).status).toBe(200);
    expect((await graphql(s, b.access_token, ACCOUNT_QUERY)).status).toBe(429);
    expect((await graphql(s, other.access_token, ACCOUNT_QUERY)).status).toBe(200);
  });
});
