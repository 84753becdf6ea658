import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobberConfig } from '../../../electron/auth/config-types';
import { JobberGraphqlClient, type TokenProvider } from '../../../electron/jobber/graphql-client';
import { FakeClock } from '../../support/fake-clock';
import { type GraphqlTestServer, costExtension, startGraphqlServer, testClientConfig, untilTimerPending } from '../../support/jobber/graphql-server';

const tokens: TokenProvider = {
  getAccessToken: async () => 'access-token-abcdef',
  reportUnauthorized: async () => 'access-token-abcdef',
  reportDisconnectedInJobber: () => undefined,
};

let server: GraphqlTestServer;
let clock: FakeClock;
let client: JobberGraphqlClient;

function config(): JobberConfig {
  return testClientConfig(server.baseUrl);
}

const account = (extensions: object = costExtension(9_990)) => ({ body: { data: { account: { id: 'acc-1', name: 'A' } }, extensions } });

beforeEach(async () => {
  server = await startGraphqlServer();
  clock = new FakeClock();
  client = new JobberGraphqlClient({ config: config(), tokens, clock, random: () => 0 });
});

afterEach(async () => {
  await server.close();
});

function untilWaiting(): Promise<void> {
  return untilTimerPending(clock);
}

describe('JobberGraphqlClient pacing without an expectedCost', () => {
  it('account() is paced by its estimated cost of 3 points', async () => {
    // 0 points left, 1 restored per second: account { id name } (3) must wait 3 s.
    server.answer(account(costExtension(0, 3, 1)), account());
    await client.account();
    const pending = client.account();
    await untilWaiting();
    expect(clock.nextTimerAt()! - clock.now()).toBe(3_000);
    expect(server.requests).toHaveLength(1);
    await clock.advance(3_000);
    await pending;
    expect(server.requests).toHaveLength(2);
  });

  it('concurrent callers go out one at a time as the bucket restores', async () => {
    const drained = account(costExtension(0, 500, 500));
    server.answer(account(costExtension(0, 3, 500)), drained, drained, drained);
    await client.account();
    const sentAt: number[] = [];
    const calls = [1, 2, 3].map(() => client.request('{ a }', undefined, { expectedCost: 500 }).then(() => sentAt.push(clock.now())));
    for (let i = 0; i < 3; i += 1) {
      await untilWaiting();
      await clock.advance(1_000);
    }
    await Promise.all(calls);
    const start = Date.UTC(2025, 5, 2, 9, 0, 0);
    expect(sentAt).toEqual([start + 1_000, start + 2_000, start + 3_000]);
  });

  it('THROTTLED sent with HTTP 429 is a cost throttle: waits (needed − available) / restoreRate, not the request window', async () => {
    const throttled = {
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
      extensions: costExtension(200, 1_200),
    };
    server.answer({ status: 429, body: throttled }, account());
    const pending = client.request('{ a }', undefined, { expectedCost: 1 });
    await untilWaiting();
    expect(clock.nextTimerAt()! - clock.now()).toBe(2_000); // (1200 − 200) / 500 s
    await clock.advance(2_000);
    await pending;
    expect(server.requests).toHaveLength(2);
  });
});

describe('JobberGraphqlClient account and version news', () => {
  it('records the version Jobber answered with and its warning, with the end date it names', async () => {
    const warning = 'API version 2025-04-16 will be unsupported after 2026-10-16. Upgrade to a newer version.';
    server.answer(account({ ...costExtension(9_990), versioning: { version: '2025-04-16', warning } }));
    const result = await client.account();
    expect(result.versioning).toEqual({ version: '2025-04-16', warning });
    expect(client.apiStatus.current()).toEqual({
      version: '2025-04-16',
      versionWarning: { version: '2025-04-16', endsOn: '2026-10-16', message: warning },
      account: 'active',
    });
  });

  it('a warning without a date ends 18 months after the version date; a silent upgrade shows the version answered', async () => {
    server.answer(account({ versioning: { version: '2025-01-20', warning: 'This version is deprecated.' } }));
    await client.account();
    expect(client.apiStatus.current().version).toBe('2025-01-20');
    expect(client.apiStatus.current().versionWarning?.endsOn).toBe('2026-07-20');
  });

  it('"This account is not active" marks the account inactive until an answer succeeds', async () => {
    server.answer({ status: 200, body: { error: { message: 'This account is not active' } } }, account());
    await expect(client.account()).rejects.toMatchObject({ kind: 'account-inactive' });
    expect(client.apiStatus.current().account).toBe('inactive');
    await client.account();
    expect(client.apiStatus.current().account).toBe('active');
  });

  it('"Service temporarily unavailable" is a transient server error, whatever the shape', async () => {
    server.answer({ status: 503, body: 'Service temporarily unavailable', headers: { 'Content-Type': 'text/plain' } });
    await expect(client.account()).rejects.toMatchObject({ kind: 'server-error', transient: true });
    server.answer({ status: 200, body: { errors: [{ message: 'Service temporarily unavailable' }] } });
    await expect(client.account()).rejects.toMatchObject({ kind: 'server-error' });
  });
});
