/**
 * The engine must not depend on anything Jobber does not document. Against the sandbox with each
 * guess switched either way: Connect works whether or not the code exchange checks redirect_uri,
 * and whether or not a replayed code revokes its grant; a refresh answer with or without
 * `expires_at`, with a `warning`, is taken; the skew path production takes (no `iat`, the Date
 * header) is the one measured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_DEFAULT_ACCOUNT } from '../../sandbox/server';
import { expectStatus, startEngine, type EngineHarness } from '../support/engine/engine-harness';

let harness: EngineHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('guesses about Jobber, switched either way', () => {
  it.each([true, false])('redirect_uri checked at exchange: %s → Connect works', async (checked) => {
    harness = await startEngine();
    harness.sandbox.control.setGuesses({ checkRedirectUriAtExchange: checked });
    await harness.connect();
    expect(expectStatus(harness.session.getState(), 'connected').account).toEqual(SANDBOX_DEFAULT_ACCOUNT);
  });

  it.each([true, false])('a replayed code revokes its grant: %s → Connect works, renewals work', async (revokes) => {
    harness = await startEngine();
    harness.sandbox.control.setGuesses({ replayRevokesGrant: revokes });
    await harness.connect();
    await harness.session.refreshNow();
    expect(expectStatus(harness.session.getState(), 'connected').lastRefresh?.result).toBe('ok');
  });

  it.each([
    ['expires_at and a warning', { expiresAt: true, warning: 'This refresh token was already used' }],
    ['no expires_at', { expiresAt: false, warning: null }],
  ] as const)('a refresh answer with %s is taken; the expiry is the JWT exp', async (_label, extras) => {
    harness = await startEngine();
    await harness.connect();
    harness.sandbox.control.setRefreshExtras(extras);
    await harness.session.refreshNow();
    const state = expectStatus(harness.session.getState(), 'connected');
    expect(state.lastRefresh?.result).toBe('ok');
    const lifetime = state.accessTokenExpiresAt - state.accessTokenIssuedAt;
    expect(lifetime).toBeGreaterThan(59 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(60 * 60_000);
  });

  it("Jobber's tokens carry no iat: the lifetime is judged from exp and the sandbox's Date header", async () => {
    harness = await startEngine();
    harness.sandbox.control.shiftClock(-2 * 3_600_000);
    await harness.connect();
    const success = harness.logger.lines.find((line) => line.message === 'Token request succeeded');
    expect(success?.fields?.lifetimeBasis).toBe('date-header');
    const state = expectStatus(harness.session.getState(), 'connected');
    expect(state.accessTokenExpiresAt - state.accessTokenIssuedAt).toBeLessThanOrEqual(60 * 60_000);
    expect(state.accessTokenExpiresAt - state.accessTokenIssuedAt).toBeGreaterThan(59 * 60_000);
  });
});
