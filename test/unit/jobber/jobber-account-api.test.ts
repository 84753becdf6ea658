import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobberConfig } from '../../../electron/auth/config-types';
import { createJobberAccountApi } from '../../../electron/jobber/jobber-account-api';
import { type GraphqlTestServer, startGraphqlServer } from '../../support/jobber/graphql-server';

let server: GraphqlTestServer;
const config = (): JobberConfig => ({
  environment: 'sandbox',
  clientId: 'id',
  clientSecret: 'secret-value-123',
  redirectUri: 'http://127.0.0.1:1/cb',
  apiBaseUrl: server.baseUrl,
  graphqlVersion: '2024-01-01',
  authMode: 'app-window',
});

beforeEach(async () => {
  server = await startGraphqlServer();
});
afterEach(async () => {
  await server.close();
});

describe('createJobberAccountApi', () => {
  it('fetchAccount uses the given token and version header', async () => {
    server.answer({ body: { data: { account: { id: 'acc-9', name: 'Nine' } } } });
    const api = createJobberAccountApi({ config: config() });
    expect(await api.fetchAccount('explicit-token-123')).toEqual({ id: 'acc-9', name: 'Nine' });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer explicit-token-123');
    expect(server.requests[0]?.headers['x-jobber-graphql-version']).toBe('2024-01-01');
  });

  it('fetchAccount maps 401 and THROTTLED', async () => {
    const api = createJobberAccountApi({ config: config() });
    server.answer({ status: 401, body: {} });
    await expect(api.fetchAccount('t-123456789')).rejects.toMatchObject({ kind: 'unauthorized' });
    server.answer({ body: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] } });
    await expect(api.fetchAccount('t-123456789')).rejects.toMatchObject({ kind: 'throttled' });
  });

  it('appDisconnect sends the mutation and succeeds without userErrors', async () => {
    server.answer({ body: { data: { appDisconnect: { app: { name: 'Jobber Connect' }, userErrors: [] } } } });
    const api = createJobberAccountApi({ config: config() });
    await api.appDisconnect('t-123456789', new AbortController().signal);
    expect(server.requests[0]?.body).toMatchObject({ query: expect.stringContaining('appDisconnect') });
  });

  it('appDisconnect reports userErrors as graphql', async () => {
    server.answer({ body: { data: { appDisconnect: { app: null, userErrors: [{ message: 'App not found', path: ['app'] }] } } } });
    const api = createJobberAccountApi({ config: config() });
    await expect(api.appDisconnect('t-123456789', new AbortController().signal)).rejects.toMatchObject({
      kind: 'graphql',
      message: expect.stringContaining('App not found'),
    });
  });

  it('appDisconnect stops when its signal aborts', async () => {
    server.answer({ body: { data: {} }, drop: false });
    const api = createJobberAccountApi({ config: config() });
    const controller = new AbortController();
    controller.abort();
    await expect(api.appDisconnect('t-123456789', controller.signal)).rejects.toMatchObject({ kind: 'cancelled' });
  });
});
