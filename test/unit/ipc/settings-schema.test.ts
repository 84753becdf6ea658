/**
 * The one settings schema (electron/ipc/settings-schema.ts): a test per rule, with the expected
 * values written out. The same rules serve the form, the save-settings IPC input, the store and
 * config.ts, so these are the only rule tests; the layers' tests check that they use them.
 */
import { describe, expect, it } from 'vitest';
import {
  SETTINGS_CONTROLS,
  SETTINGS_FIELDS,
  checkBrokerUrl,
  hintFor,
  type HintContext,
  checkGraphqlVersion,
  checkRedirectForAuthMode,
  checkRedirectUri,
  settingsUpdateSchema,
  storedSettingsSchema,
  validateSettings,
  type SettingsInput,
} from '../../../electron/ipc/settings-schema';

const valid: SettingsInput = {
  mode: 'jobber',
  connectThrough: 'this-computer',
  brokerUrl: '',
  clientId: ' my-client-id ',
  clientSecret: ' my-secret ',
  redirectUri: ' com.jobberconnect.app:/oauth/callback ',
  authMode: 'app-window',
  graphqlVersion: '2025-04-16',
  allowWeakStorage: false,
};

const SECRET_SAVED = { secretSaved: true, builtInBroker: false };
const NOTHING_SAVED = { secretSaved: false, builtInBroker: false };

describe('the field list', () => {
  it('is the schema keys, in form order', () => {
    expect(SETTINGS_FIELDS).toEqual(['mode', 'connectThrough', 'brokerUrl', 'clientId', 'clientSecret', 'redirectUri', 'authMode', 'graphqlVersion', 'allowWeakStorage']);
  });
});

describe('checkRedirectUri', () => {
  it.each([
    'com.jobberconnect.app:/oauth/callback',
    'com.jobberconnect.app://oauth/callback',
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

  it('refuses a custom scheme that is not a reverse domain name (RFC 8252 §7.1), as the form did', () => {
    expect(checkRedirectUri('myapp:/cb')).toMatch(/reverse domain name/);
    expect(checkRedirectUri('jobberconnect:/cb')).toMatch(/reverse domain name/);
    expect(checkRedirectUri('com.example.app:/cb')).toBeNull();
    const result = validateSettings({ ...valid, redirectUri: 'myapp:/cb' }, SECRET_SAVED);
    expect(result).toEqual({ ok: false, fieldErrors: { redirectUri: expect.stringMatching(/^Redirect URI needs a custom scheme that is a reverse domain name/) } });
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

  it('is a rule between fields of an update', () => {
    const saved = validateSettings({ ...valid, redirectUri: 'http://localhost/cb', authMode: 'system-browser' }, NOTHING_SAVED);
    expect(saved).toEqual({ ok: false, fieldErrors: { redirectUri: expect.stringMatching(/^Redirect URI needs an explicit port/) } });
  });
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

describe('credential caps: one cap of 512 characters for the client id and the secret', () => {
  it('accepts 512 and refuses 513 for the client id, in updates and in the stored form', () => {
    expect(validateSettings({ ...valid, clientId: 'a'.repeat(512) }, SECRET_SAVED).ok).toBe(true);
    const long = validateSettings({ ...valid, clientId: 'a'.repeat(513) }, SECRET_SAVED);
    expect(long).toEqual({ ok: false, fieldErrors: { clientId: 'Client ID is too long (at most 512 characters).' } });
    expect(storedSettingsSchema.safeParse({ clientId: 'a'.repeat(512) }).success).toBe(true);
    expect(storedSettingsSchema.safeParse({ clientId: 'a'.repeat(513) }).success).toBe(false);
  });

  it('accepts 512 and refuses 513 for the secret', () => {
    expect(validateSettings({ ...valid, clientSecret: 's'.repeat(512) }, NOTHING_SAVED).ok).toBe(true);
    const long = validateSettings({ ...valid, clientSecret: 's'.repeat(513) }, NOTHING_SAVED);
    expect(long).toEqual({ ok: false, fieldErrors: { clientSecret: 'Client secret is too long (at most 512 characters).' } });
  });
});

describe('the stored form', () => {
  it('holds no secret and no apiBaseUrl: both are dropped when read', () => {
    const parsed = storedSettingsSchema.parse({ clientId: 'id', clientSecret: 'plain', apiBaseUrl: 'https://evil.example' });
    expect(parsed).toEqual({ clientId: 'id' });
  });

  it('checks types and sizes, not the rules (config.ts reports a bad saved value by name)', () => {
    expect(storedSettingsSchema.parse({ redirectUri: 'myapp:/cb' })).toEqual({ redirectUri: 'myapp:/cb' });
    expect(storedSettingsSchema.safeParse({ allowWeakStorage: 'yes' }).success).toBe(false);
  });
});

describe('the save-settings input', () => {
  it('refuses apiBaseUrl and any other unknown key', () => {
    expect(settingsUpdateSchema.safeParse({ ...valid, apiBaseUrl: 'https://evil.example' }).success).toBe(false);
    expect(validateSettings({ ...valid, evil: true }, SECRET_SAVED)).toEqual({ ok: false, fieldErrors: { mode: 'The settings could not be read.' } });
  });

  it('does not know whether a secret is saved, so it leaves that rule to validateSettings', () => {
    expect(settingsUpdateSchema.safeParse({ ...valid, clientSecret: '' }).success).toBe(true);
    expect(validateSettings({ ...valid, clientSecret: '' }, NOTHING_SAVED).ok).toBe(false);
  });
});

describe('validateSettings', () => {
  it('accepts and trims a complete jobber update', () => {
    expect(validateSettings(valid, NOTHING_SAVED)).toEqual({
      ok: true,
      value: {
        mode: 'jobber',
        connectThrough: 'this-computer',
        brokerUrl: '',
        clientId: 'my-client-id',
        clientSecret: 'my-secret',
        redirectUri: 'com.jobberconnect.app:/oauth/callback',
        authMode: 'app-window',
        graphqlVersion: '2025-04-16',
        allowWeakStorage: false,
      },
    });
  });

  it('keeps the saved secret when the update leaves it empty or absent', () => {
    for (const clientSecret of ['', '   ', undefined]) {
      const result = validateSettings({ ...valid, clientSecret }, SECRET_SAVED);
      expect(result.ok).toBe(true);
      if (result.ok) expect('clientSecret' in result.value).toBe(false);
    }
  });

  it('requires a secret in jobber mode when none is saved', () => {
    expect(validateSettings({ ...valid, clientSecret: '' }, NOTHING_SAVED)).toEqual({
      ok: false,
      fieldErrors: { clientSecret: "Client secret is required to connect to Jobber: copy it from your app in Jobber's Developer Center." },
    });
  });

  it('requires a client id in jobber mode, and reports a missing secret beside it', () => {
    expect(validateSettings({ ...valid, clientId: '', clientSecret: '' }, NOTHING_SAVED)).toEqual({
      ok: false,
      fieldErrors: {
        clientId: "Client ID is required to connect to Jobber: copy it from your app in Jobber's Developer Center.",
        clientSecret: "Client secret is required to connect to Jobber: copy it from your app in Jobber's Developer Center.",
      },
    });
  });

  it('needs no credentials in sandbox mode', () => {
    expect(validateSettings({ ...valid, mode: 'sandbox', clientId: '', clientSecret: undefined }, NOTHING_SAVED).ok).toBe(true);
  });

  it('gives one human message per invalid field', () => {
    const result = validateSettings(
      {
        mode: 'prod',
        connectThrough: 'server',
        brokerUrl: 'http://broker.example.com',
        clientId: 'has space',
        clientSecret: 42,
        redirectUri: 'http://example.com/cb',
        authMode: 'popup',
        graphqlVersion: '2025-02-30',
        allowWeakStorage: 'yes',
      },
      NOTHING_SAVED,
    );
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        mode: 'Choose either Jobber or Sandbox.',
        connectThrough: 'Choose this computer or a broker.',
        brokerUrl: 'Broker URL must use https:// (http:// is allowed only for 127.0.0.1, localhost or [::1]).',
        clientId: 'Client ID must not contain spaces; paste it exactly as shown in Jobber.',
        clientSecret: 'Client secret must be text.',
        redirectUri: expect.stringMatching(/^Redirect URI may only use http:\/\/ on this computer/),
        authMode: 'Choose where to sign in: the app window or your browser.',
        graphqlVersion: expect.stringMatching(/^GraphQL API version is not a real date/),
        allowWeakStorage: 'Choose whether to allow unencrypted token storage.',
      },
    });
  });

  it('says the settings could not be read for a non-object', () => {
    for (const input of [null, 'x', 3, [1]]) {
      expect(validateSettings(input, SECRET_SAVED)).toEqual({ ok: false, fieldErrors: { mode: 'The settings could not be read.' } });
    }
  });

  it('never echoes the submitted secret in an error', () => {
    const result = validateSettings({ ...valid, clientSecret: 'leaky secret value' }, NOTHING_SAVED);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('leaky');
  });
});

describe('hints that depend on the install', () => {
  const context = (over: Partial<HintContext> = {}): HintContext => ({ clientSecretSaved: false, builtInBrokerUrl: null, ...over });

  it('the broker URL hint names the built-in broker only when the app was built with one', () => {
    expect(hintFor(SETTINGS_CONTROLS.brokerUrl, context())).toBe('https://, or http:// only on this computer (127.0.0.1, localhost).');
    expect(hintFor(SETTINGS_CONTROLS.brokerUrl, context({ builtInBrokerUrl: 'https://broker.example' }))).toBe(
      'https://, or http:// only on this computer (127.0.0.1, localhost). Leave empty to use the broker this app was built with (https://broker.example).',
    );
  });

  it('the client secret hint says whether a secret is saved', () => {
    expect(hintFor(SETTINGS_CONTROLS.clientSecret, context({ clientSecretSaved: true }))).toMatch(/^A secret is saved\. Leave this empty to keep it/);
    expect(hintFor(SETTINGS_CONTROLS.clientSecret, context())).toMatch(/^No secret is saved yet\./);
  });

  it('a fixed hint is the same for every install', () => {
    const hint = 'Must match the OAuth Callback URL registered for your app in Jobber exactly.';
    expect(hintFor(SETTINGS_CONTROLS.redirectUri, context())).toBe(hint);
    expect(hintFor(SETTINGS_CONTROLS.redirectUri, context({ clientSecretSaved: true, builtInBrokerUrl: 'https://b.example' }))).toBe(hint);
  });
});

describe('checkBrokerUrl', () => {
  it.each([
    ['https://broker.example.com', null],
    ['https://broker.example.com:8443/', null],
    ['http://127.0.0.1:8787', null],
    ['http://localhost:8787', null],
    ['http://[::1]:8787', null],
  ])('accepts %s', (url, expected) => {
    expect(checkBrokerUrl(url)).toBe(expected);
  });

  it.each([
    ['http://broker.example.com', /must use https/],
    ['ftp://broker.example.com', /must use https/],
    ['https://user:pw@broker.example.com', /user name or password/],
    ['https://broker.example.com/v1', /address only/],
    ['https://broker.example.com?x=1', /query or fragment/],
    ['not a url', /not a valid URL/],
  ])('refuses %s', (url, expected) => {
    expect(checkBrokerUrl(url)).toMatch(expected);
  });
});

const BASE_UPDATE = {
  mode: 'jobber',
  connectThrough: 'this-computer',
  brokerUrl: '',
  clientId: '',
  redirectUri: 'com.jobberconnect.app:/oauth/callback',
  authMode: 'app-window',
  graphqlVersion: '2025-04-16',
  allowWeakStorage: false,
};

describe('validateSettings: broker mode', () => {
  it('broker mode: no client id or secret asked for, a valid URL required', () => {
    expect(validateSettings({ ...BASE_UPDATE, connectThrough: 'broker', brokerUrl: 'https://broker.example.com' }, NOTHING_SAVED)).toEqual({
      ok: true,
      value: { ...BASE_UPDATE, connectThrough: 'broker', brokerUrl: 'https://broker.example.com' },
    });
    expect(validateSettings({ ...BASE_UPDATE, connectThrough: 'broker', brokerUrl: '' }, NOTHING_SAVED)).toEqual({
      ok: false,
      fieldErrors: { brokerUrl: 'Broker URL is required to connect through a broker, e.g. https://broker.example.com.' },
    });
  });

  it('broker mode with an empty URL is fine when the build carries a default broker', () => {
    const result = validateSettings({ ...BASE_UPDATE, connectThrough: 'broker', brokerUrl: '' }, { secretSaved: false, builtInBroker: true });
    expect(result).toEqual({ ok: true, value: { ...BASE_UPDATE, connectThrough: 'broker', brokerUrl: '' } });
  });

  it('"this computer" still needs the client id and secret', () => {
    const result = validateSettings({ ...BASE_UPDATE, connectThrough: 'this-computer' }, NOTHING_SAVED);
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.fieldErrors).sort()).toEqual(['clientId', 'clientSecret']);
  });

  it('a plain-http remote broker URL is refused by field', () => {
    const result = validateSettings({ ...BASE_UPDATE, connectThrough: 'broker', brokerUrl: 'http://broker.example.com' }, NOTHING_SAVED);
    expect(result).toEqual({
      ok: false,
      fieldErrors: { brokerUrl: 'Broker URL must use https:// (http:// is allowed only for 127.0.0.1, localhost or [::1]).' },
    });
  });
});
