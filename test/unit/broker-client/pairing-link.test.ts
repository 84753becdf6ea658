/** "Connect through" settings, the broker URL rules, the mode they select, pairing links and SSE framing. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/app/config';
import { parseGrantEvent, takeEvents } from '../../../electron/broker/broker-events';
import { checkBrokerUrl, validateSettings } from '../../../electron/ipc/settings-schema';
import { findPairingLink, pairingCode } from '../../../electron/broker/pairing-link';
import { codeChallengeS256 } from '../../../electron/auth/pkce';

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

describe('broker URL rules', () => {
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

describe('mode selection', () => {
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

const NOTHING_SAVED = { secretSaved: false, builtInBroker: false };

describe('settings update validation', () => {
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

describe('PKCE (RFC 7636)', () => {
  it('S256 of the RFC 7636 appendix B verifier is its published challenge', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});

describe('pairing links', () => {
  const CODE = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';

  it('reads the code of com.jobberconnect.app:/oauth/pair?pairing=…, in either scheme spelling', () => {
    expect(pairingCode(`com.jobberconnect.app:/oauth/pair?pairing=${CODE}`)).toBe(CODE);
    expect(pairingCode(`com.jobberconnect.app://oauth/pair?pairing=${CODE}`)).toBe(CODE);
  });

  it.each([
    `com.jobberconnect.app:/oauth/callback?pairing=${CODE}`,
    `com.jobberconnect.app:/oauth/pair?pairing=${CODE}&pairing=${CODE}`,
    'com.jobberconnect.app:/oauth/pair?pairing=short',
    'com.jobberconnect.app:/oauth/pair',
    `https://evil.example/oauth/pair?pairing=${CODE}`,
  ])('refuses %s', (url) => {
    expect(pairingCode(url)).toBeNull();
  });

  it('finds a pairing link among argv, skipping flags and the sign-in callback', () => {
    const link = `com.jobberconnect.app:/oauth/pair?pairing=${CODE}`;
    expect(findPairingLink(['/usr/bin/app', '--flag', 'com.jobberconnect.app:/oauth/callback?code=x', link])).toBe(link);
    expect(findPairingLink(['/usr/bin/app', '--x=com.jobberconnect.app:/oauth/pair'])).toBeNull();
  });
});

describe('event stream framing (text/event-stream)', () => {
  it('splits complete events, joins data lines, skips heartbeats and keeps the incomplete rest', () => {
    const { events, rest } = takeEvents(': heartbeat\n\nevent: grant\ndata: {"status":\ndata: "live"}\n\r\nevent: grant\ndata: {"sta');
    expect(events).toEqual([{ event: 'grant', data: '{"status":\n"live"}' }]);
    expect(rest).toBe('event: grant\ndata: {"sta');
  });

  it('accepts only the contract statuses', () => {
    expect(parseGrantEvent('{"status":"disconnected-in-jobber"}')).toBe('disconnected-in-jobber');
    expect(parseGrantEvent('{"status":"rejected"}')).toBe('rejected');
    expect(parseGrantEvent('{"status":"live"}')).toBe('live');
    expect(parseGrantEvent('{"status":"gone"}')).toBeNull();
    expect(parseGrantEvent('not json')).toBeNull();
  });
});
