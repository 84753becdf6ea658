/**
 * B1: a computer clock hours off Jobber's must not turn into a refresh loop (clock ahead) or into
 * tokens kept hours past their real expiry (clock behind). The real token client runs here, against
 * a scripted Jobber whose clock is offset from the fake one and which stamps iat/exp and Date by it.
 */
import type { AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../electron/core/errors';
import { MemoryTokenStore } from '../../support/engine/memory-token-store';
import { Session } from '../../../electron/auth/session';
import { createTokenClient } from '../../../electron/auth/token-client';
import { FakeClock } from '../../support/fake-clock';
import { FakeJobberAccountApi } from '../../support/engine/fake-token-endpoint';
import { CONFIG, MINUTE, callbackUrl, createHarness, stateOf } from '../../support/engine/session-harness';

const HOUR = 60 * MINUTE;
/** More refreshes than any honest schedule makes in the test's span: the scripted Jobber then fails. */
const LOOP_GUARD = 50;

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** A token endpoint whose clock is `skewMs` behind ours (our clock − Jobber's = skewMs). */
function skewedJobber(clock: FakeClock, skewMs: number, options: { withIat?: boolean; withDate?: boolean } = {}) {
  const refreshTimes: number[] = [];
  let counter = 0;
  const http = {
    request: async (request: { data: string }) => {
      const grant = new URLSearchParams(request.data).get('grant_type');
      if (grant === 'refresh_token') {
        refreshTimes.push(clock.now());
        if (refreshTimes.length > LOOP_GUARD) return { status: 503, headers: {}, data: '' };
      }
      counter += 1;
      const jobberNow = clock.now() - skewMs;
      const iat = Math.floor(jobberNow / 1000);
      const claims = options.withIat === false ? { exp: iat + 3600, n: counter } : { iat, exp: iat + 3600, n: counter };
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.withDate !== false) headers.date = new Date(jobberNow).toUTCString();
      return { status: 200, headers, data: JSON.stringify({ access_token: jwt(claims), refresh_token: `refresh-token-${counter}-0123456789` }) };
    },
  };
  return { http: http as unknown as AxiosInstance, refreshTimes };
}

async function connectedSession(skewMs: number, options: { withIat?: boolean; withDate?: boolean } = {}) {
  const clock = new FakeClock();
  const jobber = skewedJobber(clock, skewMs, options);
  const session = new Session({
    config: CONFIG,
    tokenEndpoint: createTokenClient({ config: CONFIG, clock, http: jobber.http }),
    jobberApi: new FakeJobberAccountApi(),
    store: new MemoryTokenStore(),
    clock,
    random: () => 0.5,
  });
  await session.start();
  const { authorizeUrl } = session.beginConnect();
  await session.completeConnect(callbackUrl(stateOf(authorizeUrl)));
  return { clock, session, ...jobber };
}

describe('Session with a computer clock hours off Jobber’s', () => {
  it.each([
    ['2 h ahead of', 2 * HOUR, {}],
    ['2 h behind', -2 * HOUR, {}],
    ['2 h ahead of (no iat: Date header)', 2 * HOUR, { withIat: false }],
    ['2 h behind (no iat: Date header)', -2 * HOUR, { withIat: false }],
  ])('our clock %s Jobber’s: exactly one refresh per 60-minute lifetime', async (_label, skew, options) => {
    const { clock, session, refreshTimes } = await connectedSession(skew, options);
    const connected = session.getState();
    expect(connected.status).toBe('connected');
    // Without iat the lifetime is exp − the Date header, whose whole second counts from its end.
    const dateSecond = 'withIat' in options && options.withIat === false ? 1_000 : 0;
    if (connected.status === 'connected') expect(connected.accessTokenExpiresAt).toBe(clock.now() + HOUR - dateSecond);

    await clock.advance(5 * HOUR);
    // 60-minute tokens renewed 5.5 min ahead: at 54.5, 109, 163.5, 218 and 272.5 minutes.
    expect(refreshTimes).toHaveLength(5);
    for (let i = 1; i < refreshTimes.length; i += 1) expect(refreshTimes[i]! - refreshTimes[i - 1]!).toBe(54.5 * MINUTE - dateSecond);
    expect(session.getState().status).toBe('connected');
    await session.stop();
  });

  it('says once, in the activity list, that the clock is off', async () => {
    const { clock, session } = await connectedSession(2 * HOUR);
    await clock.advance(3 * HOUR);
    const warnings = session.getActivity().filter((entry) => /clock is about 2 hours ahead of Jobber's/.test(entry.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe('warning');
    await session.stop();
  });

  it('a fresh token that looks expired (no iat, no Date) → warning about the clock, default lifetime, no loop', async () => {
    const { clock, session, refreshTimes } = await connectedSession(2 * HOUR, { withIat: false, withDate: false });
    expect(session.getActivity().some((entry) => entry.level === 'warning' && /date and time/.test(entry.message))).toBe(true);
    const state = session.getState();
    expect(state.status === 'connected' && state.accessTokenExpiresAt).toBe(clock.now() + HOUR);
    await clock.advance(2 * HOUR);
    expect(refreshTimes).toHaveLength(2);
    await session.stop();
  });
});

describe('Scheduler floor', () => {
  it('whatever the tokens say, proactive refreshes are at least 30 s apart (no loop)', async () => {
    // A token source that hands out tokens already expired (here: the fake endpoint's lifetime).
    const h = createHarness({ stored: (endpoint) => endpoint.seedConnection() });
    h.endpoint.lifetimeMs = -2 * HOUR;
    h.endpoint.onRefresh = () => {
      if (h.endpoint.refreshCalls.length > 500) throw new AuthError('server-error', 'loop guard');
    };
    await h.session.start();
    await h.session.refreshNow();
    const start = h.clock.now();
    const before = h.endpoint.refreshCalls.length;
    await h.clock.advance(10 * MINUTE);
    const made = h.endpoint.refreshCalls.length - before;
    expect(made).toBe(20);
    expect(h.clock.now() - start).toBe(10 * MINUTE);
    await h.session.stop();
  });
});
