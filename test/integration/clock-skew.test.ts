/**
 * B1 against the real sandbox: its clock is shifted two hours from ours (shiftClock), so it stamps
 * iat/exp by a clock that disagrees with the engine's. The engine must still renew once per
 * lifetime, ahead of the real expiry, and never loop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectStatus, startEngine, waitForState, type EngineHarness } from '../support/engine/engine-harness';

const HOUR = 60 * 60_000;

let harness: EngineHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('a computer clock two hours off the sandbox’s', () => {
  it.each([
    ['ahead of', -2 * HOUR],
    ['behind', 2 * HOUR],
  ])('our clock %s Jobber’s: 4-second tokens are renewed once, before they expire, and the API keeps answering', async (_label, sandboxShift) => {
    harness = await startEngine({ sandbox: { accessTokenLifetimeSec: 4 }, policy: { marginFraction: 0.5 }, random: () => 0.5 });
    const h = harness;
    h.sandbox.control.shiftClock(sandboxShift);
    await h.connect();
    const first = expectStatus(h.session.getState(), 'connected');
    // The 4-second lifetime, laid onto our clock (not the sandbox's exp, two hours off). Jobber's
    // token has no iat, so it is exp − the Date header, whose whole seconds are counted from their
    // end: 4 s − 1 s, less the request's own time.
    expect(first.accessTokenExpiresAt - first.accessTokenIssuedAt).toBeLessThanOrEqual(3_000);
    expect(first.accessTokenExpiresAt - first.accessTokenIssuedAt).toBeGreaterThan(2_000);

    const renewed = await waitForState(h.session, 'connected', 8_000, (state) => state.accessTokenIssuedAt > first.accessTokenIssuedAt);
    expect(renewed.lastRefresh?.at).toBeLessThan(first.accessTokenExpiresAt);
    // Give a loop every chance to show itself: the scheduler floor keeps it at one renewal.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
    const account = await h.client.account();
    expect(account.data.id).toBeTruthy();
    expect(h.session.getActivity().some((entry) => /clock is about 2 hours/.test(entry.message))).toBe(true);
  });
});
