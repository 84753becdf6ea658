import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followConsent } from '../../sandbox/consent-driver';
import type { Sandbox } from '../../sandbox/server';
import { authorizeUrl, callbackParams, postForm, REDIRECT_URI, startTestSandbox } from '../support/sandbox/fixtures';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startTestSandbox({ redirectUris: [REDIRECT_URI, 'http://127.0.0.1:8765/auth?from=app'] });
});
afterEach(() => sandbox.close());

describe('GET /api/oauth/authorize validation', () => {
  const cases: [string, Record<string, string | undefined>, RegExp][] = [
    ['missing client_id', { client_id: undefined }, /Missing client_id/],
    ['unknown client_id', { client_id: 'someone-else' }, /Unknown client_id/],
    ['missing redirect_uri', { redirect_uri: undefined }, /Missing redirect_uri/],
    ['unregistered redirect_uri', { redirect_uri: 'https://evil.example/cb' }, /Invalid redirect_uri/],
    ['redirect_uri differing by a trailing slash', { redirect_uri: `${REDIRECT_URI}/` }, /Invalid redirect_uri/],
    ['missing response_type', { response_type: undefined }, /Invalid response_type/],
    ['response_type=token', { response_type: 'token' }, /Invalid response_type/],
  ];
  it.each(cases)('%s → 400 HTML page naming the problem, no redirect', async (_name, params, pattern) => {
    const response = await fetch(authorizeUrl(sandbox, params), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(pattern);
  });
});

describe('consent page', () => {
  it('is a clean, self-contained page with a strict CSP and a ticket instead of raw params', async () => {
    const response = await fetch(authorizeUrl(sandbox, { state: 'secret-state-value' }));
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/form-action 'self' com\.jobberconnect\.app: http:\/\/127\.0\.0\.1:8765/);
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = await response.text();
    expect(html).toContain('<title>Authorize Jobber Connect</title>');
    expect(html).toContain('Sandbox Landscaping Co.');
    // No invented scopes: the sandbox's app has none configured.
    expect(html).not.toContain('read_account');
    expect(html).toContain('available to every app');
    expect(html).toMatch(/<button type="submit" name="decision" value="allow">Allow<\/button>/);
    expect(html).toMatch(/<button type="submit" name="decision" value="deny">Deny<\/button>/);
    expect(html).toMatch(/<input type="hidden" name="ticket" value="[A-Za-z0-9_-]{20,}">/);
    expect(html).not.toContain('secret-state-value');
    expect(html).not.toMatch(/(src|href)=/);
  });

  it('shows the configured account name, escaped', async () => {
    await sandbox.close();
    sandbox = await startTestSandbox({ account: { id: 'acc-9', name: 'Bob & <Sons>' } });
    const html = await (await fetch(authorizeUrl(sandbox))).text();
    expect(html).toContain('Bob &amp; &lt;Sons&gt;');
  });
});

describe('consent decision', () => {
  it('Allow redirects to the callback with code and state', async () => {
    const callback = await followConsent(authorizeUrl(sandbox, { state: 'abc/+=?&' }), 'allow');
    expect(callback.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    const params = callbackParams(callback);
    expect(params.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(params.get('state')).toBe('abc/+=?&');
    expect([...params.keys()].sort()).toEqual(['code', 'state']);
  });

  it('Allow without state gives only the code (Jobber does not require state)', async () => {
    const callback = await followConsent(authorizeUrl(sandbox, { state: undefined }), 'allow');
    expect([...callbackParams(callback).keys()]).toEqual(['code']);
  });

  it("keeps the redirect URI's own query", async () => {
    const redirect = 'http://127.0.0.1:8765/auth?from=app';
    const callback = await followConsent(authorizeUrl(sandbox, { redirect_uri: redirect }), 'allow');
    const url = new URL(callback);
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:8765/auth');
    expect(url.searchParams.get('from')).toBe('app');
    expect(url.searchParams.get('code')).toBeTruthy();
  });

  it('Deny redirects to the callback with no parameters at all', async () => {
    expect(await followConsent(authorizeUrl(sandbox), 'deny')).toBe(REDIRECT_URI);
    const withQuery = 'http://127.0.0.1:8765/auth?from=app';
    expect(await followConsent(authorizeUrl(sandbox, { redirect_uri: withQuery }), 'deny')).toBe(withQuery);
  });

  it('a consent ticket is single use', async () => {
    const html = await (await fetch(authorizeUrl(sandbox))).text();
    const ticket = /name="ticket" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const decision = `${sandbox.url}/api/oauth/authorize/decision`;
    const first = await fetch(decision, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ticket, decision: 'allow' }).toString(),
      redirect: 'manual',
    });
    expect(first.status).toBe(302);
    const second = await postForm(decision, { ticket, decision: 'allow' });
    expect(second.status).toBe(400);
    expect(await second.text()).toMatch(/expired or was already answered/);
  });

  it('an unknown ticket or decision is refused', async () => {
    const decision = `${sandbox.url}/api/oauth/authorize/decision`;
    expect((await postForm(decision, { ticket: 'forged', decision: 'allow' })).status).toBe(400);
    expect((await postForm(decision, { ticket: 'forged', decision: 'maybe' })).status).toBe(400);
  });

  it('counts authorize requests', async () => {
    await followConsent(authorizeUrl(sandbox), 'deny');
    await fetch(authorizeUrl(sandbox, { client_id: 'x' }));
    expect(sandbox.control.counters().authorizeRequests).toBe(2);
  });
});
