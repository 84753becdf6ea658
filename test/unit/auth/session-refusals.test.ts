/**
 * A renewal Jobber keeps refusing with a 4xx that does not say the sign-in is gone: retried with
 * backoff, but after 3 refusals in a row spanning at least 2 minutes the connection needs
 * attention ("Jobber keeps refusing to renew: HTTP 4xx"), the saved sign-in is kept and Retry works.
 * Also how each retried failure is worded: a 4xx is never "can't reach", a 5xx or 429 is "Jobber is
 * having trouble". Numbers come from the rule (3 refusals, 2 minutes), written as literals.
 */
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../electron/core/errors';
import type { FakeTokenEndpoint } from '../../support/engine/fake-token-endpoint';
import { MINUTE, createHarness, stateAs } from '../../support/engine/session-harness';

const seeded = { stored: (endpoint: FakeTokenEndpoint) => endpoint.seedConnection() };
const REFUSED_403 = new AuthError('refused', "Jobber's token endpoint refused the renewal (HTTP 403).", { httpStatus: 403 });

describe('repeated 4xx refusals of a renewal', () => {
  it('retries with backoff, then after 3 refusals spanning 2 minutes: needs-reconnect, sign-in kept, no more requests', async () => {
    // Longest backoff draws: retries 2, 4, 8, 16, 32, 64 s apart → attempts at 0, 2, 6, 14, 30, 62, 126 s.
    const h = createHarness({ ...seeded, random: () => 0.999999 });
    await h.session.start();
    const kept = h.store.saved?.tokens;
    h.endpoint.failNextRefresh(REFUSED_403, { times: 50 });
    const startedAt = h.clock.now();
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'refused' });

    for (let attempt = 1; attempt <= 6; attempt += 1) {
      const state = stateAs(h.session, 'offline-retrying');
      expect(state.cause).toBe('refused');
      expect(state.message).not.toMatch(/reach|offline/i);
      await h.clock.advanceTo(state.nextAttemptAt);
    }
    // The third refusal came 6 s in (under 2 minutes), so retrying went on; the seventh, 126 s in, stops it.
    const state = stateAs(h.session, 'needs-reconnect');
    expect(h.clock.now() - startedAt).toBeGreaterThanOrEqual(2 * MINUTE);
    expect(h.endpoint.refreshCalls).toHaveLength(7);
    expect(state.reason).toBe('refusing-to-renew');
    expect(state.message).toBe('Jobber keeps refusing to renew: HTTP 403. The saved sign-in is kept; click Retry to try again, or Reconnect.');
    expect(h.store.saved?.tokens).toEqual(kept);
    expect(h.store.saved?.lastRefresh?.result).not.toBe('rejected');

    await h.clock.advance(60 * MINUTE);
    expect(h.endpoint.refreshCalls).toHaveLength(7);
  });

  it('Retry puts the kept sign-in back to work', async () => {
    const h = createHarness({ ...seeded, random: () => 0.999999 });
    await h.session.start();
    h.endpoint.failNextRefresh(REFUSED_403, { times: 7 });
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'refused' });
    for (let i = 0; i < 6; i += 1) await h.clock.advanceTo(stateAs(h.session, 'offline-retrying').nextAttemptAt);
    expect(stateAs(h.session, 'needs-reconnect').reason).toBe('refusing-to-renew');

    await h.session.refreshNow();
    expect(stateAs(h.session, 'connected').lastRefresh?.result).toBe('ok');
    await expect(h.session.getAccessToken()).resolves.toBe(h.store.saved?.tokens.accessToken);
  });

  it('three quick refusals alone do not stop retrying', async () => {
    const h = createHarness({ ...seeded, random: () => 0 });
    await h.session.start();
    h.endpoint.failNextRefresh(REFUSED_403, { times: 3 });
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind: 'refused' });
    for (let i = 0; i < 2; i += 1) await h.clock.advanceTo(stateAs(h.session, 'offline-retrying').nextAttemptAt);
    expect(h.endpoint.refreshCalls).toHaveLength(3);
    await h.clock.advanceTo(stateAs(h.session, 'offline-retrying').nextAttemptAt);
    expect(stateAs(h.session, 'connected').lastRefresh?.result).toBe('ok');
  });
});

describe('how a retried renewal is worded', () => {
  it.each([
    ['network', 'unreachable', /^Can't reach Jobber; retrying at/],
    ['timeout', 'unreachable', /^Can't reach Jobber; retrying at/],
    ['server-error', 'jobber-trouble', /^Jobber is having trouble; retrying at/],
    ['rate-limited', 'jobber-trouble', /^Jobber is having trouble; retrying at/],
    ['refused', 'refused', /^Jobber refused the renewal without saying why; retrying at/],
    ['invalid-response', 'unreadable', /^Jobber's answer could not be read; retrying at/],
  ] as const)('%s → %s', async (kind, cause, message) => {
    const h = createHarness(seeded);
    await h.session.start();
    h.endpoint.failNextRefresh(new AuthError(kind, 'detail'));
    await expect(h.session.refreshNow()).rejects.toMatchObject({ kind });
    const state = stateAs(h.session, 'offline-retrying');
    expect(state.cause).toBe(cause);
    expect(state.message).toMatch(message);
  });
});
