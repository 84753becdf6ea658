import { describe, expect, it } from 'vitest';
import { matchesRedirectUri, parseCallback, type CallbackResult } from '../../../electron/auth/callback-parser';
import type { AuthErrorKind } from '../../../electron/core/errors';
import { PENDING_REQUEST_TTL_MS, PendingRequests } from '../../../electron/auth/pending-requests';
import type { Clock } from '../../../electron/core/clock';
import { redact } from '../../../electron/core/redact';

const CUSTOM = 'com.jobberconnect.app:/oauth/callback';
const HTTPS = 'https://app.example.com/oauth/callback';
const LOOPBACK = 'http://127.0.0.1:53682/callback';

function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 5_000_000;
  return { now: () => now, setTimer: () => undefined, clearTimer: () => undefined, advance: (ms) => void (now += ms) };
}

function setup() {
  const clock = fakeClock();
  const pending = new PendingRequests(clock);
  const { state } = pending.create();
  return { clock, pending, state };
}

function errorOf(result: CallbackResult): { kind: AuthErrorKind; message: string } {
  if (result.ok) throw new Error('expected a failure');
  return { kind: result.error.kind, message: result.error.message };
}

describe('matchesRedirectUri: custom scheme', () => {
  it.each([
    ['the exact URI', CUSTOM],
    ['with a query', `${CUSTOM}?code=x&state=y`],
    ['with a fragment', `${CUSTOM}#frag`],
    ['the scheme:// form Chromium produces for standard schemes', 'com.jobberconnect.app://oauth/callback'],
    ['the scheme:/// form', 'com.jobberconnect.app:///oauth/callback'],
    ['an upper-case scheme', 'COM.JobberConnect.APP:/oauth/callback'],
    ['an upper-case host in the // form', 'com.jobberconnect.app://OAuth/callback'],
    ['dot segments', 'com.jobberconnect.app:/oauth/x/../callback'],
    ['percent-encoded unreserved characters', 'com.jobberconnect.app:/oauth/%63allback'],
  ])('accepts %s', (_label, candidate) => {
    expect(matchesRedirectUri(candidate, CUSTOM)).toBe(true);
  });

  it('matches the other way round too (registered in the // form)', () => {
    expect(matchesRedirectUri(CUSTOM, 'com.jobberconnect.app://oauth/callback')).toBe(true);
  });

  it.each([
    ['another scheme', 'com.evil.app:/oauth/callback'],
    ['a scheme that only starts the same', 'com.jobberconnect.app.evil:/oauth/callback'],
    ['https with the same path', 'https://oauth/callback'],
    ['a different path', 'com.jobberconnect.app:/oauth/callbacks'],
    ['an extra path segment', 'com.jobberconnect.app:/oauth/callback/extra'],
    ['a trailing slash', 'com.jobberconnect.app:/oauth/callback/'],
    ['a different case in the path', 'com.jobberconnect.app:/oauth/Callback'],
    ['a port', 'com.jobberconnect.app://oauth:99/callback'],
    ['userinfo', 'com.jobberconnect.app://user@oauth/callback'],
    ['a different first segment', 'com.jobberconnect.app://evil/callback'],
    ['only the scheme', 'com.jobberconnect.app:'],
  ])('rejects %s', (_label, candidate) => {
    expect(matchesRedirectUri(candidate, CUSTOM)).toBe(false);
  });
});

describe('matchesRedirectUri: https and loopback', () => {
  it.each([
    ['the exact URI', HTTPS, HTTPS],
    ['with query and fragment', `${HTTPS}?code=1#x`, HTTPS],
    ['upper-case scheme and host', 'HTTPS://APP.EXAMPLE.COM/oauth/callback', HTTPS],
    ['an explicit default port', 'https://app.example.com:443/oauth/callback', HTTPS],
    ['loopback with its port', `${LOOPBACK}?code=1`, LOOPBACK],
    ['IPv6 loopback', 'http://[::1]:8080/cb', 'http://[::1]:8080/cb'],
  ])('accepts %s', (_label, candidate, redirect) => {
    expect(matchesRedirectUri(candidate, redirect)).toBe(true);
  });

  it.each([
    ['a lookalike host (suffix)', 'https://app.example.com.evil.com/oauth/callback', HTTPS],
    ['a lookalike host (prefix)', 'https://evilapp.example.com/oauth/callback', HTTPS],
    ['the real host as userinfo', 'https://app.example.com@evil.com/oauth/callback', HTTPS],
    ['userinfo on the right host', 'https://user:pw@app.example.com/oauth/callback', HTTPS],
    ['a lookalike of Jobber', 'https://api.getjobber.com.evil.com/oauth/callback', 'https://api.getjobber.com/oauth/callback'],
    ['http instead of https', 'http://app.example.com/oauth/callback', HTTPS],
    ['a different port', 'https://app.example.com:8443/oauth/callback', HTTPS],
    ['a path prefix trick', 'https://app.example.com/oauth/callback/../../evil', HTTPS],
    ['a longer path', 'https://app.example.com/oauth/callback-evil', HTTPS],
    ['the path in the query', 'https://evil.com/?x=https://app.example.com/oauth/callback', HTTPS],
    ['a different loopback port', 'http://127.0.0.1:53683/callback', LOOPBACK],
    ['localhost for 127.0.0.1', 'http://localhost:53682/callback', LOOPBACK],
    ['garbage', 'not a url', HTTPS],
    ['an empty string', '', HTTPS],
  ])('rejects %s', (_label, candidate, redirect) => {
    expect(matchesRedirectUri(candidate, redirect)).toBe(false);
  });

  it('never throws, even for an invalid redirect URI or non-string input', () => {
    expect(matchesRedirectUri(HTTPS, '::nope::')).toBe(false);
    expect(matchesRedirectUri(undefined as unknown as string, HTTPS)).toBe(false);
  });
});

describe('parseCallback', () => {
  it.each([CUSTOM, HTTPS, LOOPBACK])('returns the code for a valid callback to %s', (redirect) => {
    const { pending, state } = setup();
    const result = parseCallback(`${redirect}?code=the-code-123&state=${state}`, redirect, pending);
    expect(result).toMatchObject({ ok: true, code: 'the-code-123' });
    expect(pending.hasPending()).toBe(false);
  });

  it('accepts the // form of a custom-scheme callback and decodes the code', () => {
    const { pending, state } = setup();
    const result = parseCallback(`com.jobberconnect.app://oauth/callback?state=${state}&code=a%2Fb%2Bc`, CUSTOM, pending);
    expect(result).toMatchObject({ ok: true, code: 'a/b+c' });
  });

  it('registers the code with the redactor', () => {
    const { pending, state } = setup();
    parseCallback(`${CUSTOM}?code=registered-code-xyz&state=${state}`, CUSTOM, pending);
    expect(redact('x registered-code-xyz y')).toBe('x [redacted] y');
  });

  it('rejects an unparseable URL as malformed', () => {
    const { pending } = setup();
    expect(errorOf(parseCallback('::not a url::', CUSTOM, pending)).kind).toBe('malformed-callback');
  });

  it('rejects a callback to another address as malformed, without consuming the state', () => {
    const { pending, state } = setup();
    const result = errorOf(parseCallback(`https://evil.example/cb?code=c0de-value&state=${state}`, HTTPS, pending));
    expect(result.kind).toBe('malformed-callback');
    expect(result.message).toMatch(/callback URL/);
    expect(pending.hasPending()).toBe(true);
  });

  it.each([CUSTOM, `${CUSTOM}?`, `${CUSTOM}#code=1`, `${CUSTOM}?&`])('treats no parameters (%s) as denied', (url) => {
    const { pending } = setup();
    const result = errorOf(parseCallback(url, CUSTOM, pending));
    expect(result.kind).toBe('denied');
    expect(result.message).toMatch(/not granted/);
  });

  it('treats error=access_denied as denied', () => {
    const { pending, state } = setup();
    expect(errorOf(parseCallback(`${CUSTOM}?error=access_denied&state=${state}`, CUSTOM, pending)).kind).toBe('denied');
  });

  it('reports other errors (with our state) as malformed, naming a plain error but never echoing odd text', () => {
    const { pending, state } = setup();
    const plain = errorOf(parseCallback(`${CUSTOM}?error=server_error&state=${state}`, CUSTOM, pending));
    expect(plain.kind).toBe('malformed-callback');
    expect(plain.message).toContain('server_error');
    const again = setup();
    const odd = errorOf(
      parseCallback(`${CUSTOM}?error=${encodeURIComponent('<script>alert(1)</script>')}&state=${again.state}`, CUSTOM, again.pending),
    );
    expect(odd.kind).toBe('malformed-callback');
    expect(odd.message).not.toContain('script');
  });

  it('redacts a registered secret that comes back as the error name', () => {
    const { pending, state } = setup();
    const result = errorOf(parseCallback(`${CUSTOM}?error=${state}&state=${state}`, CUSTOM, pending));
    expect(result.message).not.toContain(state);
    expect(result.message).toContain('[redacted]');
  });

  it('reports a duplicate error parameter (with our state) as malformed even when one is access_denied', () => {
    const { pending, state } = setup();
    expect(errorOf(parseCallback(`${CUSTOM}?error=access_denied&error=x&state=${state}`, CUSTOM, pending)).kind).toBe(
      'malformed-callback',
    );
  });

  it('refuses a stateless (Marketplace) callback with a message pointing at the Connect button', () => {
    const { pending } = setup();
    const result = errorOf(parseCallback(`${CUSTOM}?code=marketplace-code`, CUSTOM, pending));
    expect(result.kind).toBe('stateless-callback');
    expect(result.message).toMatch(/App Marketplace/);
    expect(result.message).toMatch(/Connect button/);
  });

  it('reports a state mismatch', () => {
    const { pending } = setup();
    expect(errorOf(parseCallback(`${CUSTOM}?code=c&state=forged-state-value`, CUSTOM, pending)).kind).toBe('state-mismatch');
  });

  it('reports an unknown state when nothing is pending', () => {
    const { pending, state } = setup();
    pending.cancelAll();
    expect(errorOf(parseCallback(`${CUSTOM}?code=c&state=${state}`, CUSTOM, pending)).kind).toBe('unknown-state');
  });

  it('reports an expired state', () => {
    const { clock, pending, state } = setup();
    clock.advance(PENDING_REQUEST_TTL_MS);
    expect(errorOf(parseCallback(`${CUSTOM}?code=c&state=${state}`, CUSTOM, pending)).kind).toBe('expired-state');
  });

  it('a state works only once: a replayed callback is refused', () => {
    const { pending, state } = setup();
    const url = `${CUSTOM}?code=c&state=${state}`;
    expect(parseCallback(url, CUSTOM, pending).ok).toBe(true);
    expect(errorOf(parseCallback(url, CUSTOM, pending)).kind).toBe('unknown-state');
  });

  it('refuses a duplicate state before consuming it', () => {
    const { pending, state } = setup();
    const result = errorOf(parseCallback(`${CUSTOM}?code=c&state=${state}&state=${state}`, CUSTOM, pending));
    expect(result.kind).toBe('state-mismatch');
    expect(result.message).toMatch(/more than one state/);
    expect(pending.hasPending()).toBe(true);
  });

  it.each([
    ['missing', ''],
    ['empty', '&code='],
  ])('reports a %s code as missing-code', (_label, codePart) => {
    const { pending, state } = setup();
    expect(errorOf(parseCallback(`${CUSTOM}?state=${state}${codePart}`, CUSTOM, pending)).kind).toBe('missing-code');
  });

  it('reports a duplicate code as malformed', () => {
    const { pending, state } = setup();
    const result = errorOf(parseCallback(`${CUSTOM}?code=a&code=b&state=${state}`, CUSTOM, pending));
    expect(result.kind).toBe('malformed-callback');
    expect(result.message).toMatch(/more than one authorization code/);
  });

  it('never puts the code or state into any message', () => {
    const code = 'SECRET-CODE-VALUE-42';
    const urls = (state: string) => [
      `https://evil.example/cb?code=${code}&state=${state}`,
      `${CUSTOM}?code=${code}`,
      `${CUSTOM}?code=${code}&state=${state}x`,
      `${CUSTOM}?code=${code}&code=${code}&state=${state}`,
      `${CUSTOM}?code=${code}&state=${state}&state=${state}`,
    ];
    const { state } = setup();
    for (const url of urls(state)) {
      const fresh = setup();
      const result = errorOf(parseCallback(url.replaceAll(state, fresh.state), CUSTOM, fresh.pending));
      expect(result.message).not.toContain(code);
      expect(result.message).not.toContain(fresh.state);
    }
  });
});
