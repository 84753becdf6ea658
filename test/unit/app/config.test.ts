import { describe, expect, it } from 'vitest';
import { JOBBER_API_BASE_URL } from '../../../electron/auth/config-types';
import { DEFAULT_GRAPHQL_VERSION, DEFAULT_REDIRECT_URI } from '../../../electron/ipc/settings-schema';
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  checkApiBaseUrl,
  loadConfig,
  sandboxConfig,
  type ConfigResult,
} from '../../../electron/app/config';

const CREDS = { JOBBER_CLIENT_ID: 'env-id', JOBBER_CLIENT_SECRET: 'env-secret' };

function problemsOf(result: ConfigResult): string[] {
  if (result.kind !== 'invalid') throw new Error(`expected invalid, got ${result.kind}`);
  return result.problems;
}

describe('loadConfig: which mode', () => {
  it('falls back to the sandbox with defaults when nothing is configured', () => {
    expect(loadConfig({ env: {} })).toEqual({
      kind: 'sandbox',
      redirectUri: DEFAULT_REDIRECT_URI,
      graphqlVersion: DEFAULT_GRAPHQL_VERSION,
      authMode: 'app-window',
      reason: expect.stringMatching(/No Jobber client id/),
    });
  });

  it('builds a Jobber config from the environment', () => {
    expect(loadConfig({ env: CREDS })).toEqual({
      kind: 'jobber',
      config: {
        environment: 'jobber',
        clientId: 'env-id',
        clientSecret: 'env-secret',
        redirectUri: DEFAULT_REDIRECT_URI,
        apiBaseUrl: JOBBER_API_BASE_URL,
        graphqlVersion: DEFAULT_GRAPHQL_VERSION,
        authMode: 'app-window',
      },
    });
  });

  it('uses sandbox mode when asked, even with credentials', () => {
    const result = loadConfig({ env: { ...CREDS, JOBBER_MODE: 'sandbox' } });
    expect(result.kind).toBe('sandbox');
    if (result.kind === 'sandbox') expect(result.reason).toMatch(/Sandbox mode is selected/);
  });

  it('accepts the mode in any case', () => {
    expect(loadConfig({ env: { ...CREDS, JOBBER_MODE: 'Jobber' } }).kind).toBe('jobber');
  });

  it('reports an explicit jobber mode without credentials, naming both variables', () => {
    const problems = problemsOf(loadConfig({ env: { JOBBER_MODE: 'jobber' } }));
    expect(problems).toEqual([
      "JOBBER_CLIENT_ID is missing: copy it from your app in Jobber's Developer Center.",
      "JOBBER_CLIENT_SECRET is missing: copy it from your app in Jobber's Developer Center.",
    ]);
  });

  it('reports a client id without a secret', () => {
    expect(problemsOf(loadConfig({ env: { JOBBER_CLIENT_ID: 'x' } }))).toEqual([
      "JOBBER_CLIENT_SECRET is missing: copy it from your app in Jobber's Developer Center.",
    ]);
  });

  it('reports an unknown mode', () => {
    expect(problemsOf(loadConfig({ env: { JOBBER_MODE: 'production' } }))[0]).toMatch(/^JOBBER_MODE must be/);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ env: { JOBBER_CLIENT_ID: '  ', JOBBER_CLIENT_SECRET: '' } }).kind).toBe('sandbox');
  });
});

describe('loadConfig: precedence', () => {
  it('saved settings beat the environment, which beats .env text', () => {
    const dotenvText = [
      'JOBBER_CLIENT_ID=dotenv-id',
      'JOBBER_CLIENT_SECRET=dotenv-secret',
      'JOBBER_REDIRECT_URI=https://dotenv.example/cb',
      'JOBBER_GRAPHQL_VERSION=2024-01-01',
      'JOBBER_AUTH_MODE=system-browser',
    ].join('\n');
    const env = { JOBBER_CLIENT_ID: 'env-id', JOBBER_REDIRECT_URI: 'https://env.example/cb' };
    const settings = { clientId: 'saved-id', clientSecret: '' };
    const result = loadConfig({ env, dotenvText, settings });
    expect(result).toEqual({
      kind: 'jobber',
      config: expect.objectContaining({
        clientId: 'saved-id',
        clientSecret: 'dotenv-secret',
        redirectUri: 'https://env.example/cb',
        graphqlVersion: '2024-01-01',
        authMode: 'system-browser',
      }),
    });
  });

  it('a saved sandbox mode wins over credentials in the environment', () => {
    expect(loadConfig({ env: CREDS, settings: { mode: 'sandbox' } }).kind).toBe('sandbox');
  });

  it('reads .env text with quotes and comments (node:util parseEnv)', () => {
    const dotenvText = '# comment\nJOBBER_CLIENT_ID="quoted id"\nJOBBER_CLIENT_SECRET=s3cr3t # trailing\n';
    const result = loadConfig({ env: {}, dotenvText });
    expect(result.kind).toBe('jobber');
    if (result.kind === 'jobber') {
      expect(result.config.clientId).toBe('quoted id');
      expect(result.config.clientSecret).toBe('s3cr3t');
    }
  });

  it('survives null or empty .env text and null settings', () => {
    expect(loadConfig({ env: CREDS, dotenvText: null, settings: null }).kind).toBe('jobber');
    expect(loadConfig({ env: CREDS, dotenvText: '' }).kind).toBe('jobber');
  });

  it('takes apiBaseUrl from JOBBER_API_BASE_URL only (it is not a setting; unpackaged builds only) and keeps only the origin', () => {
    const fromEnv = loadConfig({ env: { ...CREDS, JOBBER_API_BASE_URL: 'http://127.0.0.1:9999/' } });
    expect(fromEnv.kind === 'jobber' && fromEnv.config.apiBaseUrl).toBe('http://127.0.0.1:9999');
    // A settings file from an older version may still hold one: it is ignored.
    const stale = { apiBaseUrl: 'https://evil.example' } as Record<string, string>;
    const fromSettings = loadConfig({ env: CREDS, settings: stale });
    expect(fromSettings.kind === 'jobber' && fromSettings.config.apiBaseUrl).toBe('https://api.getjobber.com');
  });
});

describe('loadConfig: validation', () => {
  it('reports every problem at once, each naming its variable', () => {
    const problems = problemsOf(
      loadConfig({
        env: {
          ...CREDS,
          JOBBER_REDIRECT_URI: 'http://example.com/cb',
          JOBBER_GRAPHQL_VERSION: '2025-02-30',
          JOBBER_AUTH_MODE: 'popup',
          JOBBER_API_BASE_URL: 'http://api.getjobber.com',
        },
      }),
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^JOBBER_REDIRECT_URI may only use http:\/\/ on this computer/);
    expect(problems[1]).toMatch(/^JOBBER_GRAPHQL_VERSION is not a real date/);
    expect(problems[2]).toMatch(/^JOBBER_AUTH_MODE must be "app-window" or "system-browser"/);
    expect(problems[3]).toMatch(/^JOBBER_API_BASE_URL must use https:\/\//);
  });

  it('validates shared fields in sandbox mode too', () => {
    expect(problemsOf(loadConfig({ env: { JOBBER_GRAPHQL_VERSION: 'latest' } }))[0]).toMatch(/^JOBBER_GRAPHQL_VERSION must look like/);
  });

  it('never puts the client secret into a problem', () => {
    const result = loadConfig({ env: { JOBBER_CLIENT_ID: 'id', JOBBER_CLIENT_SECRET: 'super-secret-value', JOBBER_REDIRECT_URI: 'x' } });
    expect(JSON.stringify(result)).not.toContain('super-secret-value');
  });
});

describe('loadConfig uses the settings schema\'s rules', () => {
  it('reports a portless loopback callback in system-browser mode', () => {
    const loaded = loadConfig({
      env: { JOBBER_CLIENT_ID: 'id', JOBBER_CLIENT_SECRET: 'secret-value', JOBBER_AUTH_MODE: 'system-browser', JOBBER_REDIRECT_URI: 'http://127.0.0.1/cb' },
    });
    expect(loaded.kind).toBe('invalid');
    expect(loaded.kind === 'invalid' && loaded.problems.join(' ')).toMatch(/JOBBER_REDIRECT_URI needs an explicit port/);
  });

  it('refuses a custom scheme that is not a reverse domain name, as the form does', () => {
    const loaded = loadConfig({ env: { ...CREDS, JOBBER_REDIRECT_URI: 'myapp:/cb' } });
    expect(loaded.kind === 'invalid' && loaded.problems.join(' ')).toMatch(/^JOBBER_REDIRECT_URI needs a custom scheme that is a reverse domain name/);
  });
});

describe('loadConfig: broker mode', () => {
  it('a built-in default broker with nothing configured selects broker mode (not the sandbox)', () => {
    const result = loadConfig({ env: {}, defaultBrokerUrl: 'https://broker.example.com' });
    expect(result.kind).toBe('broker');
    if (result.kind !== 'broker') return;
    expect(result.config.broker).toEqual({ origin: 'https://broker.example.com' });
    expect(result.config.clientId).toBe('');
    expect(result.config.clientSecret).toBe('');
    expect(result.config.apiBaseUrl).toBe('https://api.getjobber.com');
  });

  it('nothing configured and no built-in broker: the sandbox, as before', () => {
    expect(loadConfig({ env: {} }).kind).toBe('sandbox');
  });

  it('an explicit sandbox mode wins over a built-in broker', () => {
    expect(loadConfig({ env: { JOBBER_MODE: 'sandbox' }, defaultBrokerUrl: 'https://broker.example.com' }).kind).toBe('sandbox');
  });

  it('"this computer" with a client id and secret stays direct even with a built-in broker', () => {
    const result = loadConfig({
      env: {},
      settings: { connectThrough: 'this-computer', clientId: 'id', clientSecret: 'secret' },
      defaultBrokerUrl: 'https://broker.example.com',
    });
    expect(result.kind).toBe('jobber');
  });

  it('saved "broker" needs no client id or secret; the saved URL beats env and the built-in one', () => {
    const result = loadConfig({
      env: { JOBBER_BROKER_URL: 'https://env.example.com' },
      settings: { mode: 'jobber', connectThrough: 'broker', brokerUrl: 'https://saved.example.com' },
      defaultBrokerUrl: 'https://built-in.example.com',
    });
    expect(result).toMatchObject({ kind: 'broker', config: { broker: { origin: 'https://saved.example.com' } } });
  });

  it('broker mode without any broker URL, or with a plain-http remote one, is invalid with a named problem', () => {
    expect(loadConfig({ env: { JOBBER_CONNECT_THROUGH: 'broker' } })).toEqual({
      kind: 'invalid',
      problems: ['JOBBER_BROKER_URL is missing: set the broker URL in Settings (or JOBBER_BROKER_URL).'],
    });
    const remote = loadConfig({ env: { JOBBER_BROKER_URL: 'http://broker.example.com' } });
    expect(remote.kind).toBe('invalid');
    expect(remote.kind === 'invalid' && remote.problems[0]).toMatch(/^JOBBER_BROKER_URL must use https:\/\//);
  });
});

describe('checkApiBaseUrl', () => {
  it.each(['https://api.getjobber.com', 'https://api.getjobber.com/', 'http://127.0.0.1:4000', 'http://localhost:1'])(
    'accepts %s',
    (url) => expect(checkApiBaseUrl(url)).toBeNull(),
  );
  it.each([
    ['nope', /not a valid URL/],
    ['http://api.getjobber.com', /must use https/],
    ['ftp://api.getjobber.com', /must use https/],
    ['https://api.getjobber.com/api', /origin only/],
    ['https://api.getjobber.com/?x=1', /query or fragment/],
    ['https://u:p@api.getjobber.com', /user name/],
  ])('rejects %s', (url, message) => expect(checkApiBaseUrl(url)).toMatch(message));
});

describe('sandboxConfig', () => {
  it('points at the sandbox with its fixed dummy credentials', () => {
    expect(
      sandboxConfig('http://127.0.0.1:4567/', {
        redirectUri: DEFAULT_REDIRECT_URI,
        graphqlVersion: '2025-04-16',
        authMode: 'system-browser',
      }),
    ).toEqual({
      environment: 'sandbox',
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
      redirectUri: DEFAULT_REDIRECT_URI,
      apiBaseUrl: 'http://127.0.0.1:4567',
      graphqlVersion: '2025-04-16',
      authMode: 'system-browser',
    });
    expect(SANDBOX_CLIENT_ID).toBe('sandbox-client-id');
    expect(SANDBOX_CLIENT_SECRET).toBe('sandbox-client-secret');
  });
});
