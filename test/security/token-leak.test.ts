/**
 * Token-leak scan of the whole main process, app-window sign-in (token-leak-system-browser.test.ts
 * runs the system-browser one): boots electron/main.ts (stubbed electron, real controller, real
 * redacting logger) against the real sandbox behind a recording proxy, drives a busy life through
 * IPC exactly as the renderer would (deny, connect, refresh, test API, token and API faults, a 401,
 * a revoked grant, a Jobber-side disconnect, stray OS callbacks, disconnects, saving a client
 * secret), then scans everything that left main for every secret the proxy saw on the wire:
 * authorization codes, `state` values, PKCE verifiers, access and refresh tokens, bearer headers,
 * the client secrets, plus any JWT- or Bearer-shaped string.
 *
 * Channels (test/support/security/leak-channels.ts), each with a planted-secret self-check: every file version in
 * userData (vault, settings, corrupt copies, the real log file) and every temp file electron-store
 * wrote; stdout/stderr; every log line (electron-log is replaced by a sink that also writes the log
 * file: the real one needs an Electron binary); every IPC reply, rejection and event; every activity
 * entry; every AuthError ever constructed and every error returned to the renderer; notifications
 * and dialogs; the authorize URLs the auth windows loaded; every outbound connection attempt (only
 * the sandbox's port on 127.0.0.1 is allowed).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { followConsent } from '../../sandbox/consent-driver';
import type { Sandbox } from '../../sandbox/server';
import { authPage } from '../support/electron/auth-views';
import { BrowserWindow, FakeEvent, WebContentsView } from '../support/electron/electron-stub';
import { waitFor, type BootedMain } from '../support/security/boot-main';
import { recorder } from '../support/security/leak-channels';
import { expectNoLeaks, finishLeakRun, startLeakRun } from '../support/security/leak-run';
import { scanForLeaks, type KnownSecret } from '../support/security/leak-scanner';

// electron-log's main entry requires the Electron binary: a recording sink that also writes the real
// log file stands in for it, so the real createAppLogger (redaction included) runs unchanged on top.
vi.mock('electron-log/main', async () => (await import('../support/security/leak-channels')).electronLogModule());
// The sandbox main starts, with a recording proxy in front of it.
vi.mock('../../sandbox/server', async (importOriginal) =>
  (await import('../support/security/leak-channels')).recordedSandboxModule(await importOriginal()),
);
// Every AuthError the app constructs, thrown or not, is recorded for the scan.
vi.mock('../../electron/core/errors', async (importOriginal) =>
  (await import('../support/security/leak-channels')).recordedAuthErrorsModule(await importOriginal()),
);
// What every temp file of electron-store's atomic writes held.
vi.mock('atomically', async (importOriginal) => (await import('../support/security/leak-channels')).recordedAtomicallyModule(await importOriginal()));

const REDIRECT = 'com.jobberconnect.app:/oauth/callback';
const TYPED_CLIENT_SECRET = 'typed-jobber-client-secret-5b1f0c9e7d';

let main: BootedMain | undefined;
afterEach(async () => {
  await main?.quit();
  main = undefined;
});

describe('no token, code, state or secret leaves main', () => {
  it('a full connect → refresh → test API → faults → disconnect life leaks nothing on any channel (app-window sign-in)', async () => {
    const run = await startLeakRun();
    main = run.booted;
    const { booted, sandbox, call, connection, until, sampleLive, extraSecrets } = run;
    const { appWindow } = booted;
    async function signIn(decision: 'allow' | 'deny'): Promise<void> {
      expect(await call('connect')).toEqual({ ok: true });
      const win = await waitFor(() => BrowserWindow.instances.find((w) => w !== appWindow && !w.destroyed), 'the auth window');
      const callbackUrl = await followConsent(authPage(win).loadedUrls[0] ?? '', decision);
      expect(authPage(win).navigate('will-redirect', callbackUrl).defaultPrevented).toBe(true);
      if (decision === 'allow') await until('connected');
      else
        await waitFor(() => {
          const state = connection();
          return state?.status === 'disconnected' && state.lastError?.kind === 'denied';
        }, 'denied');
      sampleLive();
    }

    /** A token-endpoint fault makes one manual refresh fail; the next one recovers. */
    async function refreshThrough(fault: Parameters<Sandbox['control']['injectFault']>[1]): Promise<void> {
      sandbox.control.injectFault('token', fault, 1);
      expect(await call('refresh-now')).toMatchObject({ ok: false });
      expect(await call('refresh-now')).toEqual({ ok: true });
      sampleLive();
    }

    async function apiThrough(fault: Parameters<Sandbox['control']['injectFault']>[1]): Promise<void> {
      sandbox.control.injectFault('graphql', fault, 1);
      expect(await call('test-api')).toMatchObject({ ok: false });
      expect(await call('test-api')).toMatchObject({ ok: true });
    }

    await call('get-state');
    await call('get-settings');

    // Stray OS callbacks (custom scheme), with made-up secrets that must not be echoed either.
    const strays = [
      { code: 'stray-open-url-code-4c1d9a7e22', state: 'stray-open-url-state-9f8e7d6c5b4a3' },
      { code: 'stray-argv-code-0a1b2c3d4e5f', state: 'stray-argv-state-6a5b4c3d2e1f0' },
    ];
    for (const s of strays) extraSecrets.push({ label: 'stray code', value: s.code }, { label: 'stray state', value: s.state });
    const sentBefore = appWindow.webContents.sent.length;
    booted.stub.app.emit('open-url', new FakeEvent(), `${REDIRECT}?code=${strays[0]?.code}&state=${strays[0]?.state}`);
    booted.stub.app.emit('second-instance', new FakeEvent(), ['/opt/jobber-connect', `${REDIRECT}?code=${strays[1]?.code}&state=${strays[1]?.state}`], '/');
    // App-window mode: callbacks from the OS are ignored entirely (nothing reaches the session).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(appWindow.webContents.sent.length).toBe(sentBefore);

    await signIn('deny');
    await signIn('allow');
    expect(await call('test-api')).toMatchObject({ ok: true });
    expect(await call('refresh-now')).toEqual({ ok: true });
    expect(await call('refresh-now')).toEqual({ ok: true });
    sampleLive();

    // Token endpoint failures, including a hostile server that echoes the refresh token back.
    const live = sandbox.control.liveRefreshTokens()[0] ?? 'missing';
    await refreshThrough({ kind: 'status', status: 500, body: JSON.stringify({ error: 'server_error', message: `boom for ${live}`, refresh_token: live }) });
    await refreshThrough({ kind: 'status', status: 503, body: `upstream said: refresh_token=${live}` });
    await refreshThrough({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    await refreshThrough({ kind: 'malformed-json' });
    await refreshThrough({ kind: 'truncated' });
    await refreshThrough({ kind: 'wrong-content-type' });
    await refreshThrough({ kind: 'missing-fields' });
    await refreshThrough({ kind: 'drop' });

    // API failures, and an expired access token (sandbox clock ahead) answered with 401 → refresh.
    await apiThrough({ kind: 'status', status: 500 });
    await apiThrough({ kind: 'malformed-json' });
    await apiThrough({ kind: 'drop' });
    sandbox.control.shiftClock(2 * 60 * 60_000);
    expect(await call('test-api')).toMatchObject({ ok: true });
    sandbox.control.shiftClock(-2 * 60 * 60_000);
    sampleLive();

    // The grant is revoked: refresh is rejected → needs reconnect; the API call fails too.
    sandbox.control.revokeGrant();
    expect(await call('refresh-now')).toMatchObject({ ok: false });
    await until('needs-reconnect');
    expect(await call('test-api')).toMatchObject({ ok: false });

    // Reconnect; then the person disconnects the app inside Jobber.
    await signIn('allow');
    sandbox.control.disconnectFromJobber();
    expect(await call('test-api')).toMatchObject({ ok: false });
    await until('needs-reconnect', 'needs-reconnect after a Jobber-side disconnect');

    // Reconnect; disconnect while Jobber cannot be reached; reconnect; disconnect cleanly.
    await signIn('allow');
    sandbox.control.injectFault('graphql', { kind: 'drop' }, 5);
    expect(await call('disconnect')).toMatchObject({ ok: true, jobberNotified: false });
    sandbox.control.clearFaults();
    await signIn('allow');
    expect(await call('disconnect')).toMatchObject({ ok: true, jobberNotified: true });
    expect(await call('refresh-now')).toMatchObject({ ok: false });

    // A connect the person cancels.
    expect(await call('connect')).toEqual({ ok: true });
    expect(await call('cancel')).toEqual({ ok: true });

    // The person saves real Jobber credentials (the secret may go in, never out), then connects.
    const saved = await call('save-settings', {
      mode: 'jobber',
      clientId: 'jobber-client-id-for-leak-test',
      clientSecret: TYPED_CLIENT_SECRET,
      redirectUri: REDIRECT,
      authMode: 'app-window',
      graphqlVersion: '2025-04-16',
      allowWeakStorage: false,
    });
    expect(saved).toMatchObject({ ok: true, settings: { mode: 'jobber', clientSecretSaved: true } });
    expect(await call('connect')).toEqual({ ok: true });
    const jobberWindow = BrowserWindow.instances.find((w) => w !== appWindow && !w.destroyed);
    expect(new URL((jobberWindow && authPage(jobberWindow).loadedUrls[0]) ?? 'https://invalid/').origin).toBe('https://api.getjobber.com');
    expect(await call('cancel')).toEqual({ ok: true });
    // The state of every authorize URL an auth window loaded, proxied or not (cancelled, Jobber mode).
    // The Jobber page is the auth window's child view; the window itself shows the origin header.
    for (const contents of [...BrowserWindow.instances, ...WebContentsView.instances].map((w) => w.webContents)) {
      for (const url of contents.loadedUrls) {
        const state = new URL(url).searchParams.get('state');
        if (state !== null) extraSecrets.push({ label: 'state', value: state });
      }
    }
    await call('get-state');
    await call('get-settings');

    // ---------------------------------------------------------------------------------------
    const inputSecrets = [{ label: 'typed client secret', value: TYPED_CLIENT_SECRET }];
    const result = finishLeakRun(run, {
      inputSecrets,
      authorizeUrls: { label: 'authorize URLs loaded by auth windows', urls: BrowserWindow.instances.filter((w) => w !== appWindow).flatMap((w) => authPage(w).loadedUrls) },
    });
    const { byField } = result;

    // Coverage: the run really exercised what it claims, so an empty result means something.
    const size = (name: string) => result.reports.find((r) => r.name.startsWith(name))?.entries ?? 0;
    const coverage = {
      codes: byField('code').length,
      states: byField('state').length,
      verifiers: byField('code_verifier').length,
      accessTokens: byField('access_token').length,
      refreshTokens: byField('refresh_token').length,
      bearerHeaders: run.proxy.sightings().bearer ?? 0,
      clientSecrets: byField('client_secret').length,
      ipcMessages: size('IPC'),
      logLines: size('log lines'),
      warnOrErrorLines: recorder.logLines.filter((l) => l.level !== 'info').length,
      activityEntries: size('activity'),
      errorTexts: size('error texts'),
      userDataFileVersions: size('userData'),
      tempFiles: size('temp files'),
      stdio: size('stdout'),
      connections: size('outbound'),
      authorizeUrls: size('authorize URLs'),
    };
    console.log(`token-leak scan (app window): ${result.secrets.length} secrets against ${result.texts} texts`, coverage);
    expect(coverage.codes).toBeGreaterThanOrEqual(4);
    expect(coverage.states).toBeGreaterThanOrEqual(5);
    expect(coverage.verifiers).toBeGreaterThanOrEqual(4);
    expect(extraSecrets.filter((s) => s.label === 'state')).toHaveLength(7);
    // Jobber's access token is a JWT without iat or jti, so two issued in the same second for the
    // same user are the same string: how many distinct ones the run sees depends on the clock. The
    // token answers are counted by the refresh tokens, random each time.
    expect(coverage.accessTokens).toBeGreaterThanOrEqual(1);
    expect(coverage.refreshTokens).toBeGreaterThanOrEqual(12);
    expect(coverage.bearerHeaders).toBeGreaterThanOrEqual(4);
    expect(coverage.clientSecrets).toBe(1);
    expect(coverage.ipcMessages).toBeGreaterThanOrEqual(80);
    expect(coverage.logLines).toBeGreaterThanOrEqual(30);
    expect(coverage.warnOrErrorLines).toBeGreaterThanOrEqual(10);
    expect(coverage.activityEntries).toBeGreaterThanOrEqual(15);
    expect(coverage.errorTexts).toBeGreaterThanOrEqual(20);
    expect(coverage.userDataFileVersions).toBeGreaterThanOrEqual(10);
    expect(coverage.tempFiles).toBeGreaterThanOrEqual(10);
    expect(coverage.connections).toBeGreaterThanOrEqual(10);
    expect(coverage.authorizeUrls).toBe(7);

    // The scan, channel by channel, each with its planted self-check.
    expectNoLeaks(run, result, inputSecrets);
  });
});

describe('the leak scanner finds what it must', () => {
  const token = 'Q2xpZW50LXJlZnJlc2gtdG9rZW4tZm9yLXNlbGYtY2hlY2s';
  const encodable = 'c0de/with+special=chars&more';
  const secrets: KnownSecret[] = [
    { label: 'refresh_token', value: token },
    { label: 'code', value: encodable },
  ];

  it.each([
    ['whole', `saved ${token}`, 'secret:refresh_token'],
    ['URL-encoded in a query', `GET /x?code=${encodeURIComponent(encodable)}`, 'secret:code'],
    ['hex-encoded', `dump ${Buffer.from(token, 'utf8').toString('hex')}`, 'secret:refresh_token'],
    ['base64url-encoded', `blob ${Buffer.from(encodable, 'utf8').toString('base64url')}`, 'secret:code'],
    ['base64 inside a larger encoded blob', `ciphertext ${Buffer.from(`{"refreshToken":"${token}"}`, 'utf8').toString('base64')}`, 'secret:refresh_token'],
    ['base64url inside a blob, other alignment', `blob ${Buffer.from(`ab${encodable}cd`, 'utf8').toString('base64url')}`, 'secret:code'],
    ['a 16-character piece', `token starts ${token.slice(5, 25)}…`, 'fragment:refresh_token'],
    ['a JWT shape', 'header eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'jwt-shaped'],
    ['a Bearer header', 'Authorization: Bearer abcdefgh12345678', 'bearer'],
  ])('%s', (_label, text, kind) => {
    expect(scanForLeaks([{ source: 'planted', text }], secrets).map((f) => f.kind)).toContain(kind);
  });

  it('stays quiet on redacted text and short values', () => {
    const corpus = [{ source: 'clean', text: 'Authorization: Bearer [redacted]; refresh_token=[redacted]; default fault' }];
    expect(scanForLeaks(corpus, [...secrets, { label: 'short', value: 'fault' }])).toEqual([]);
  });
});
