/**
 * State first: while a sign-in is pending, a callback that does not carry its `state` is foreign,
 * whatever else it carries (error=, no parameters, a duplicate state), and is ignored: one activity
 * entry, the sign-in keeps waiting. In app-window mode callbacks delivered by the OS are ignored
 * entirely; the loopback receiver answers 400 to foreign requests and keeps listening.
 */
import fs from 'node:fs';
import net from 'node:net';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { parseCallback } from '../../electron/auth/callback-parser';
import { PendingRequests } from '../../electron/auth/pending-requests';
import type { Clock } from '../../electron/core/clock';
import { followConsent } from '../../sandbox/consent-driver';
import { app, resetElectronStub, shell } from '../support/electron/electron-stub';
import { createHarness as createMainHarness } from '../support/electron/main-harness';
import { callbackUrl, createHarness, stateOf } from '../support/engine/session-harness';

const REDIRECT = 'com.jobberconnect.app:/oauth/callback';
const clock: Clock = { now: () => 1_000_000, setTimer: () => undefined, clearTimer: () => undefined };

function pendingWithState(): { pending: PendingRequests; state: string } {
  const pending = new PendingRequests(clock);
  return { pending, state: pending.create().state };
}

describe('callback parser: state first', () => {
  it.each([
    ['error=access_denied without state', '?error=access_denied'],
    ['error= with a forged state', '?error=access_denied&state=forged-state'],
    ['a duplicate state (ours and a forged one)', '?code=c&state=STATE&state=forged-state'],
    ['a duplicate of our own state', '?code=c&state=STATE&state=STATE'],
    ['no parameters at all, from outside the app window', ''],
  ])('%s is foreign and leaves the pending request usable', (_label, query) => {
    const { pending, state } = pendingWithState();
    const result = parseCallback(`${REDIRECT}${query.replaceAll('STATE', state)}`, REDIRECT, pending, 'external');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['state-mismatch', 'stateless-callback']).toContain(result.error.kind);
    expect(parseCallback(`${REDIRECT}?code=real&state=${state}`, REDIRECT, pending, 'external')).toMatchObject({ ok: true, code: 'real' });
  });

  it('an error= carrying our own state is the real answer: denied', () => {
    const { pending, state } = pendingWithState();
    const result = parseCallback(`${REDIRECT}?error=access_denied&state=${state}`, REDIRECT, pending, 'external');
    expect(!result.ok && result.error.kind).toBe('denied');
  });

  it("a redirect with no parameters caught by the app window is the person's Deny (Jobber's documented shape)", () => {
    const { pending } = pendingWithState();
    const result = parseCallback(REDIRECT, REDIRECT, pending, 'auth-window');
    expect(!result.ok && result.error.kind).toBe('denied');
  });
});

describe('session: a forged callback while a sign-in is pending', () => {
  it.each([
    ['?error=access_denied', 'error='],
    ['?error=server_error&state=x', 'error= with a wrong state'],
  ])('%s (%s) is noted once and the sign-in keeps waiting', async (query) => {
    const h = createHarness();
    const { authorizeUrl } = h.session.beginConnect();
    const before = h.session.getActivity().length;
    await expect(h.session.completeConnect(`${callbackUrl(null, null)}${query}`, 'external')).rejects.toBeDefined();
    expect(h.session.getState().status).toBe('connecting');
    expect(h.session.getActivity().length).toBe(before + 1);
    await h.session.completeConnect(callbackUrl(stateOf(authorizeUrl)), 'external');
    expect(h.session.getState().status).toBe('connected');
  });
});

describe('controller: OS callbacks and the loopback receiver', () => {
  beforeEach(() => {
    resetElectronStub();
    app.ready = true;
  });
  async function harness(env: Record<string, string> = {}) {
    const h = await createMainHarness({ env });
    onTestFinished(() => h.close().finally(() => fs.rmSync(h.userDataDir, { recursive: true, force: true })));
    await h.controller.start();
    return h;
  }

  it('app-window mode: a callback delivered by the OS is ignored entirely (no activity, the sign-in waits)', async () => {
    const h = await harness();
    await h.invoke('connect');
    const before = h.controller.snapshot().activity.length;
    for (const url of [`${REDIRECT}?error=access_denied`, REDIRECT, `${REDIRECT}?code=c&state=s`]) {
      await h.controller.handleExternalCallback(url);
    }
    expect(h.controller.snapshot().connection.status).toBe('connecting');
    expect(h.controller.snapshot().activity.length).toBe(before);
  });

  it('system-browser mode: an error= callback without our state does not end the sign-in', async () => {
    const h = await harness({ JOBBER_AUTH_MODE: 'system-browser' });
    await h.invoke('connect');
    await h.controller.handleExternalCallback(`${REDIRECT}?error=access_denied`);
    expect(h.controller.snapshot().connection.status).toBe('connecting');
    const callback = await followConsent(shell.opened.at(-1) ?? '', 'allow');
    await h.controller.handleExternalCallback(callback);
    expect(h.controller.snapshot().connection.status).toBe('connected');
  });

  it('system-browser mode: a callback for another address is ignored (every route checks the redirect URI)', async () => {
    const h = await harness({ JOBBER_AUTH_MODE: 'system-browser' });
    await h.invoke('connect');
    const before = h.controller.snapshot().activity.length;
    await h.controller.handleExternalCallback('com.jobberconnect.app:/elsewhere?code=c&state=s');
    expect(h.controller.snapshot().connection.status).toBe('connecting');
    expect(h.controller.snapshot().activity.length).toBe(before);
  });

  it('loopback receiver: 400 to requests without the pending state, keeps listening, then takes the real one', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (server.address() as net.AddressInfo).port;
        server.close(() => resolve(p));
      });
    });
    const redirect = `http://127.0.0.1:${port}/oauth/callback`;
    const h = await harness({ JOBBER_AUTH_MODE: 'system-browser', JOBBER_REDIRECT_URI: redirect });
    await h.invoke('connect');
    for (const query of ['?error=access_denied', '', '?code=c&state=forged', '?code=c']) {
      const response = await fetch(`${redirect}${query}`);
      expect(response.status, query).toBe(400);
    }
    expect(h.controller.snapshot().connection.status).toBe('connecting');
    const callback = await followConsent(shell.opened.at(-1) ?? '', 'allow');
    expect((await fetch(callback)).status).toBe(200);
    for (let i = 0; i < 200 && h.controller.snapshot().connection.status !== 'connected'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(h.controller.snapshot().connection.status).toBe('connected');
  });
});
