import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GRAPHQL_VERSION,
  DEFAULT_REDIRECT_URI,
  JOBBER_API_BASE_URL,
} from '../../../electron/auth/config-types';
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  checkApiBaseUrl,
  checkRedirectForAuthMode,
  checkGraphqlVersion,
  checkRedirectUri,
  loadConfig,
  sandboxConfig,
  validateSettingsUpdate,
  type ConfigResult,
} from '../../../electron/auth/config';
import type { SettingsUpdate } from '../../../electron/auth/config-types';

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

  it('takes apiBaseUrl from JOBBER_API_BASE_URL (unpackaged) and keeps only the origin', () => {
    const fromEnv = loadConfig({ env: { ...CREDS, JOBBER_API_BASE_URL: 'http://127.0.0.1:9999/' } });
    expect(fromEnv.kind === 'jobber' && fromEnv.config.apiBaseUrl).toBe('http://127.0.0.1:9999');
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

describe('checkRedirectUri', () => {
  it.each([
    'com.jobberconnect.app:/oauth/callback',
    'com.jobberconnect.app://oauth/callback',
    'jobberconnect:/cb',
    'https://app.example.com/oauth/callback',
    'https://app.example.com/cb?x=1',
    'http://127.0.0.1:53682/callback',
    'http://localhost:3000/auth',
    'http://[::1]:8080/cb',
  ])('accepts %s', (uri) => {
    expect(checkRedirectUri(uri)).toBeNull();
  });

  it.each([
    ['not a url', /not a valid URL/],
    ['http://example.com/cb', /only use http:\/\/ on this computer/],
    ['http://127.0.0.2/cb', /only use http:\/\//],
    ['https://app.example.com/cb#frag', /fragment/],
    ['https://user:pw@app.example.com/cb', /user name or password/],
    ['javascript:/alert(1)', /cannot use the javascript: scheme/],
    ['file:///etc/passwd', /cannot use the file: scheme/],
    ['data:/text', /cannot use the data: scheme/],
    ['com.jobberconnect.app:', /needs a path/],
    ['com.jobberconnect.app:/', /needs a path/],
  ])('rejects %s', (uri, message) => {
    expect(checkRedirectUri(uri)).toMatch(message);
  });
});

describe('checkRedirectForAuthMode', () => {
  it('requires an explicit port for a loopback callback in system-browser mode only', () => {
    expect(checkRedirectForAuthMode('http://127.0.0.1/callback', 'system-browser')).toMatch(/explicit port/);
    expect(checkRedirectForAuthMode('http://localhost/callback', 'system-browser')).toMatch(/explicit port/);
    expect(checkRedirectForAuthMode('http://[::1]/callback', 'system-browser')).toMatch(/explicit port/);
    expect(checkRedirectForAuthMode('http://127.0.0.1:53682/callback', 'system-browser')).toBeNull();
    expect(checkRedirectForAuthMode('com.jobberconnect.app:/oauth/callback', 'system-browser')).toBeNull();
    expect(checkRedirectForAuthMode('http://127.0.0.1/callback', 'app-window')).toBeNull();
  });

  it('is reported by loadConfig and by validateSettingsUpdate', () => {
    const loaded = loadConfig({
      env: { JOBBER_CLIENT_ID: 'id', JOBBER_CLIENT_SECRET: 'secret-value', JOBBER_AUTH_MODE: 'system-browser', JOBBER_REDIRECT_URI: 'http://127.0.0.1/cb' },
    });
    expect(loaded.kind).toBe('invalid');
    expect(loaded.kind === 'invalid' && loaded.problems.join(' ')).toMatch(/JOBBER_REDIRECT_URI needs an explicit port/);
    const saved = validateSettingsUpdate(
      {
        mode: 'jobber',
        clientId: 'id',
        clientSecret: 'secret-value',
        redirectUri: 'http://localhost/cb',
        authMode: 'system-browser',
        graphqlVersion: '2025-04-16',
        allowWeakStorage: false,
      },
      false,
    );
    expect(saved).toEqual({ ok: false, fieldErrors: { redirectUri: expect.stringMatching(/^Callback URL needs an explicit port/) } });
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

describe('checkGraphqlVersion', () => {
  it.each(['2025-04-16', '2024-02-29', '2000-01-01'])('accepts %s', (v) => expect(checkGraphqlVersion(v)).toBeNull());
  it.each([
    ['2025-4-16', /must look like/],
    ['2025-04-16 ', /must look like/],
    ['latest', /must look like/],
    ['2023-02-29', /not a real date/],
    ['2025-13-01', /not a real date/],
    ['2025-04-31', /not a real date/],
    ['2025-00-10', /not a real date/],
  ])('rejects %s', (v, message) => expect(checkGraphqlVersion(v)).toMatch(message));
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

describe('validateSettingsUpdate', () => {
  const valid: SettingsUpdate = {
    mode: 'jobber',
    clientId: ' my-client-id ',
    clientSecret: ' my-secret ',
    redirectUri: ' com.jobberconnect.app:/oauth/callback ',
    authMode: 'app-window',
    graphqlVersion: '2025-04-16',
    allowWeakStorage: false,
  };

  it('accepts and trims a complete jobber update', () => {
    expect(validateSettingsUpdate(valid, false)).toEqual({
      ok: true,
      value: {
        mode: 'jobber',
        clientId: 'my-client-id',
        clientSecret: 'my-secret',
        redirectUri: 'com.jobberconnect.app:/oauth/callback',
        authMode: 'app-window',
        graphqlVersion: '2025-04-16',
        allowWeakStorage: false,
      },
    });
  });

  it('drops unknown keys', () => {
    const result = validateSettingsUpdate({ ...valid, evil: true, apiBaseUrl: 'https://evil' }, false);
    expect(result.ok && Object.keys(result.value)).not.toContain('evil');
    expect(result.ok && Object.keys(result.value)).not.toContain('apiBaseUrl');
  });

  it('keeps the saved secret when the update leaves it empty or absent', () => {
    for (const clientSecret of ['', '   ', undefined]) {
      const result = validateSettingsUpdate({ ...valid, clientSecret }, true);
      expect(result.ok).toBe(true);
      if (result.ok) expect('clientSecret' in result.value).toBe(false);
    }
  });

  it('requires a secret in jobber mode when none is saved', () => {
    expect(validateSettingsUpdate({ ...valid, clientSecret: '' }, false)).toEqual({
      ok: false,
      fieldErrors: { clientSecret: expect.stringMatching(/^Client secret is required/) },
    });
  });

  it('requires a client id in jobber mode', () => {
    expect(validateSettingsUpdate({ ...valid, clientId: '' }, true)).toEqual({
      ok: false,
      fieldErrors: { clientId: expect.stringMatching(/^Client ID is required/) },
    });
  });

  it('needs no credentials in sandbox mode', () => {
    const result = validateSettingsUpdate({ ...valid, mode: 'sandbox', clientId: '', clientSecret: undefined }, false);
    expect(result.ok).toBe(true);
  });

  it('gives one human message per invalid field', () => {
    const result = validateSettingsUpdate(
      {
        mode: 'prod',
        clientId: 'has space',
        clientSecret: 42,
        redirectUri: 'http://example.com/cb',
        authMode: 'popup',
        graphqlVersion: '2025-02-30',
        allowWeakStorage: 'yes',
      },
      false,
    );
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        mode: 'Choose either Jobber or Sandbox.',
        clientId: 'Client ID must not contain spaces; paste it exactly as shown in Jobber.',
        clientSecret: 'Client secret must be text.',
        redirectUri: expect.stringMatching(/^Callback URL may only use http:\/\/ on this computer/),
        authMode: 'Choose where to sign in: the app window or your browser.',
        graphqlVersion: expect.stringMatching(/^GraphQL version is not a real date/),
        allowWeakStorage: 'Choose whether to allow unencrypted token storage.',
      },
    });
  });

  it('reports each field as missing for a non-object', () => {
    for (const input of [null, 'x', 3, [1]]) {
      const result = validateSettingsUpdate(input, true);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(Object.keys(result.fieldErrors).sort()).toEqual(
          ['allowWeakStorage', 'authMode', 'graphqlVersion', 'mode', 'redirectUri'].sort(),
        );
        expect(result.fieldErrors.redirectUri).toBe('Callback URL is required.');
      }
    }
  });

  it('never echoes the submitted secret in an error', () => {
    const result = validateSettingsUpdate({ ...valid, clientSecret: 'leaky secret value' }, false);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('leaky');
  });

  it('rejects an over-long credential', () => {
    const result = validateSettingsUpdate({ ...valid, clientSecret: 'x'.repeat(600) }, false);
    expect(result.ok === false && result.fieldErrors.clientSecret).toMatch(/too long/);
  });
});
