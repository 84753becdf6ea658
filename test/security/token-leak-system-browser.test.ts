/**
 * Token-leak scan of the system-browser sign-in (token-leak.test.ts does the app-window one, with
 * the longer fault life): the whole path outside the app is recorded too. main hands the authorize
 * URL to shell.openExternal; the test plays the browser (the sandbox's consent page through the
 * recording proxy, then the redirect to the loopback receiver on 127.0.0.1) and keeps every HTTP
 * answer the receiver gave: the real callbacks, a forged one, a bare one, a wrong path. Stray
 * callbacks also arrive from the OS, a token fault echoes the refresh token, the vault file is
 * damaged (so a `.corrupt-` copy exists) and the settings are saved (a new sandbox), then the
 * channels of test/support/security/leak-channels.ts are scanned, each with its planted-secret self-check, and
 * the openExternal arguments and the loopback answers besides.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { followConsent } from '../../sandbox/consent-driver';
import { FakeEvent, shell } from '../support/electron/electron-stub';
import { waitFor, type BootedMain } from '../support/security/boot-main';
import { recorder } from '../support/security/leak-channels';
import { expectNoLeaks, finishLeakRun, startLeakRun } from '../support/security/leak-run';
import type { CorpusEntry } from '../support/security/leak-scanner';
import { freePort } from '../support/free-port';

vi.mock('electron-log/main', async () => (await import('../support/security/leak-channels')).electronLogModule());
vi.mock('../../sandbox/server', async (importOriginal) =>
  (await import('../support/security/leak-channels')).recordedSandboxModule(await importOriginal()),
);
vi.mock('../../electron/core/errors', async (importOriginal) =>
  (await import('../support/security/leak-channels')).recordedAuthErrorsModule(await importOriginal()),
);
vi.mock('atomically', async (importOriginal) => (await import('../support/security/leak-channels')).recordedAtomicallyModule(await importOriginal()));

let main: BootedMain | undefined;
afterEach(async () => {
  await main?.quit();
  main = undefined;
});

describe('no token, code, state or secret leaves main (system-browser sign-in)', () => {
  it('openExternal, the loopback receiver and every other channel stay clean through connect → refresh → faults → damaged vault → disconnect', async () => {
    const port = await freePort();
    const redirect = `http://127.0.0.1:${port}/oauth/callback`;
    const run = await startLeakRun({ env: { JOBBER_AUTH_MODE: 'system-browser', JOBBER_REDIRECT_URI: redirect } });
    main = run.booted;
    const { booted, call, connection, until, sampleLive, extraSecrets } = run;
    const loopbackAnswers: CorpusEntry[] = [];

    /** The browser asks the loopback receiver; its whole answer is kept for the scan. */
    async function browse(url: string): Promise<number> {
      const answer = await fetch(url, { redirect: 'manual' });
      const body = await answer.text();
      loopbackAnswers.push({
        source: `loopback ${answer.status} ${new URL(url).pathname}`,
        text: `${answer.status} ${JSON.stringify([...answer.headers])} ${body}`,
      });
      return answer.status;
    }

    async function signIn(decision: 'allow' | 'deny', interfere = false): Promise<void> {
      const opened = shell.opened.length;
      expect(await call('connect')).toEqual({ ok: true });
      const authorizeUrl = await waitFor(() => shell.opened[opened], 'openExternal');
      const callbackUrl = await followConsent(authorizeUrl, decision);
      expect(callbackUrl.startsWith(redirect)).toBe(true);
      if (interfere) {
        // Any web page can send the browser here: a forged reply (400), a bare one, another path.
        const forged = { code: 'forged-loopback-code-7e6d5c4b3a', state: 'forged-loopback-state-1a2b3c4d5e' };
        extraSecrets.push({ label: 'forged code', value: forged.code }, { label: 'forged state', value: forged.state });
        expect(await browse(`${redirect}?code=${forged.code}&state=${forged.state}`)).toBe(400);
        expect(await browse(redirect)).toBe(400);
        expect(await browse(`http://127.0.0.1:${port}/favicon.ico`)).toBe(404);
        expect(connection()?.status).toBe('connecting');
      }
      if (decision === 'allow') {
        expect(await browse(callbackUrl)).toBe(200);
        await until('connected');
      } else {
        // Jobber's Deny redirects with no parameters, which any page could fake: the receiver
        // answers 400, the sign-in stays pending, and the person presses Cancel.
        expect(await browse(callbackUrl)).toBe(400);
        expect(connection()?.status).toBe('connecting');
        expect(await call('cancel')).toEqual({ ok: true });
        await until('disconnected');
      }
      sampleLive();
    }

    await call('get-state');
    await call('get-settings');

    // Stray callbacks from the OS while nothing is pending: they reach the session, which refuses them.
    const stray = { code: 'stray-argv-code-0a1b2c3d4e5f', state: 'stray-argv-state-6a5b4c3d2e1f0' };
    extraSecrets.push({ label: 'stray code', value: stray.code }, { label: 'stray state', value: stray.state });
    booted.stub.app.emit('second-instance', new FakeEvent(), ['/opt/jobber-connect', `${redirect}?code=${stray.code}&state=${stray.state}`], '/');
    booted.stub.app.emit('open-url', new FakeEvent(), `com.jobberconnect.app:/oauth/callback?code=${stray.code}&state=${stray.state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));

    await signIn('deny');
    await signIn('allow', true);
    expect(await call('test-api')).toMatchObject({ ok: true });
    expect(await call('refresh-now')).toEqual({ ok: true });
    sampleLive();

    // A hostile token endpoint echoes the refresh token; the next refresh recovers.
    const live = run.sandbox.control.liveRefreshTokens()[0] ?? 'missing';
    run.sandbox.control.injectFault('token', { kind: 'status', status: 500, body: JSON.stringify({ error: 'server_error', message: `boom for ${live}`, refresh_token: live }) }, 1);
    expect(await call('refresh-now')).toMatchObject({ ok: false });
    expect(await call('refresh-now')).toEqual({ ok: true });
    run.sandbox.control.injectFault('graphql', { kind: 'status', status: 500 }, 1);
    expect(await call('test-api')).toMatchObject({ ok: false });
    sampleLive();

    // The vault file is damaged on disk; saving the settings restarts the engine, which moves it aside.
    const vaultName = fs.readdirSync(booted.userDataDir).find((n) => n.startsWith('connection-') && n.endsWith('.json'));
    if (vaultName === undefined) throw new Error('no vault file');
    const vaultPath = path.join(booted.userDataDir, vaultName);
    const sealed = fs.readFileSync(vaultPath, 'utf8');
    fs.writeFileSync(vaultPath, sealed.slice(0, Math.floor(sealed.length / 2)));
    const saved = await call('save-settings', {
      mode: 'sandbox',
      clientId: '',
      redirectUri: redirect,
      authMode: 'system-browser',
      graphqlVersion: '2025-04-16',
      allowWeakStorage: false,
    });
    expect(saved).toMatchObject({ ok: true });
    await waitFor(() => connection()?.status !== undefined && connection()?.status !== 'connected', 'the damaged vault noticed');
    expect(fs.readdirSync(booted.userDataDir).some((n) => n.startsWith(`${vaultName}.corrupt-`))).toBe(true);
    expect(recorder.sandboxes.length).toBe(2);

    // Reconnect through the browser again; disconnect; a connect the person cancels.
    await signIn('allow');
    expect(await call('refresh-now')).toEqual({ ok: true });
    sampleLive();
    expect(await call('disconnect')).toMatchObject({ ok: true, jobberNotified: true });
    expect(await call('connect')).toEqual({ ok: true });
    expect(await call('cancel')).toEqual({ ok: true });
    await call('get-state');

    // The state of every authorize URL the browser was given, the cancelled one's included.
    for (const url of shell.opened) {
      const state = new URL(url).searchParams.get('state');
      if (state !== null) extraSecrets.push({ label: 'state', value: state });
    }

    // ---------------------------------------------------------------------------------------
    const result = finishLeakRun(run, {
      inputSecrets: [],
      authorizeUrls: { label: 'openExternal arguments', urls: [...shell.opened] },
      loopbackAnswers,
      moreAllowedPorts: [port],
    });
    const { byField } = result;
    const size = (name: string) => result.reports.find((r) => r.name.startsWith(name))?.entries ?? 0;
    const coverage = {
      codes: byField('code').length,
      states: byField('state').length,
      verifiers: byField('code_verifier').length,
      refreshTokens: byField('refresh_token').length,
      ipcMessages: size('IPC'),
      logLines: size('log lines'),
      errorTexts: size('error texts'),
      userDataFileVersions: size('userData'),
      tempFiles: size('temp files'),
      connections: size('outbound'),
      connectionsToLoopback: recorder.connections.filter((c) => c.port === port).length,
      openExternal: size('openExternal'),
      loopbackAnswers: size('loopback'),
    };
    console.log(`token-leak scan (system browser): ${result.secrets.length} secrets against ${result.texts} texts`, coverage);
    expect(coverage.codes).toBeGreaterThanOrEqual(2);
    expect(coverage.states).toBeGreaterThanOrEqual(3);
    expect(coverage.verifiers).toBeGreaterThanOrEqual(2);
    expect(coverage.refreshTokens).toBeGreaterThanOrEqual(5);
    expect(coverage.ipcMessages).toBeGreaterThanOrEqual(30);
    expect(coverage.errorTexts).toBeGreaterThanOrEqual(3);
    expect(coverage.userDataFileVersions).toBeGreaterThanOrEqual(10);
    expect(run.files.names().some((n) => n.includes('.corrupt-'))).toBe(true);
    expect(coverage.tempFiles).toBeGreaterThanOrEqual(5);
    expect(coverage.connectionsToLoopback).toBeGreaterThanOrEqual(2);
    // Four Connects, every one through the browser; each URL carries its own state only.
    expect(coverage.openExternal).toBe(4);
    expect(coverage.loopbackAnswers).toBe(6); // deny, forged, bare, wrong path, two real callbacks

    expect(extraSecrets.filter((s) => s.label === 'state')).toHaveLength(4);
    expectNoLeaks(run, result, []);
  });
});
