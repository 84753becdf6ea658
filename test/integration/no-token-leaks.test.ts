/**
 * Runs a busy life against the sandbox (connect, API calls, refreshes, a 401, faults, a revoked
 * grant, reconnect, disconnect) with a recording logger, then scans everything that leaves the
 * engine (log lines, activity entries, published states, error messages) for every secret that was
 * in play: each access and refresh token the sandbox issued, the authorization codes and states,
 * and the client secret.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { followConsent } from '../../sandbox/consent-driver';
import { SANDBOX_CLIENT } from '../../sandbox/server';
import { callbackParts, startEngine, waitForState, type EngineHarness } from '../support/engine/engine-harness';

let harness: EngineHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('tokens never leave the engine', () => {
  it('no token, code, state or secret appears in logs, activity, states or error messages', async () => {
    harness = await startEngine({ tokenTimeoutMs: 300, policy: { backoffBaseMs: 30, backoffCapMs: 60 } });
    const h = harness;
    const secrets = new Set<string>([SANDBOX_CLIENT.clientSecret]);
    const errorTexts: string[] = [];
    const sampleLiveTokens = () => h.sandbox.control.liveRefreshTokens().forEach((token) => secrets.add(token));
    const capture = (error: unknown) => {
      errorTexts.push(error instanceof Error ? `${error.name} ${error.message} ${String(error.stack)}` : String(error));
    };

    const connectOnce = async () => {
      const { authorizeUrl } = h.session.beginConnect();
      secrets.add(new URL(authorizeUrl).searchParams.get('state') ?? '');
      const callbackUrl = await followConsent(authorizeUrl, 'allow');
      const { code } = callbackParts(callbackUrl);
      secrets.add(code ?? '');
      await h.session.completeConnect(callbackUrl);
      sampleLiveTokens();
    };

    // A refused forged callback (its made-up state is not a secret we care about, the real one is).
    const { authorizeUrl } = h.session.beginConnect();
    secrets.add(new URL(authorizeUrl).searchParams.get('state') ?? '');
    await h.session.completeConnect(`${h.config.redirectUri}?code=forged-code-123456&state=${'B'.repeat(43)}`).catch(capture);
    h.session.cancelConnect('cancelled');

    await connectOnce();
    await h.client.account();
    await h.session.refreshNow();
    sampleLiveTokens();
    await h.session.refreshNow();
    sampleLiveTokens();

    // A 401 (clock skew) and the refresh it causes.
    h.sandbox.control.shiftClock(3_601_000);
    await h.client.account();
    sampleLiveTokens();
    h.sandbox.control.shiftClock(-3_601_000);

    // Transient faults, then recovery.
    h.sandbox.control.injectFault('token', { kind: 'status', status: 500, body: '{"error":"server_error"}' }, 2);
    h.sandbox.control.injectFault('token', { kind: 'malformed-json' }, 1);
    await h.session.refreshNow().catch(capture);
    await waitForState(h.session, 'connected', 5_000, (state) => state.lastRefresh?.result === 'ok');
    sampleLiveTokens();

    // The grant is revoked; the engine finds out.
    h.sandbox.control.revokeGrant();
    await h.client.account().catch(capture);
    expect(h.session.getState().status).toBe('needs-reconnect');

    await connectOnce();
    await h.client.account();
    h.sandbox.control.injectFault('graphql', { kind: 'status', status: 502 }, 1);
    await h.client.account().catch(capture);
    await h.session.disconnect();

    for (const save of h.store.saves) {
      secrets.add(save.connection.tokens.accessToken);
      secrets.add(save.connection.tokens.refreshToken);
    }
    for (const exchange of h.httpLog) if (exchange.bearer) secrets.add(exchange.bearer);
    secrets.delete('');

    // The scan must have something to find: several of each kind of secret, lots of output.
    const refreshTokens = new Set(h.store.saves.map((save) => save.connection.tokens.refreshToken));
    expect(refreshTokens.size).toBeGreaterThanOrEqual(6);
    expect(h.logger.lines.length).toBeGreaterThan(40);
    expect(errorTexts.length).toBeGreaterThanOrEqual(4);

    const outputs: Record<string, string> = {
      logs: h.logger.text(),
      activity: JSON.stringify(h.session.getActivity()),
      states: JSON.stringify(h.published),
      errors: errorTexts.join('\n'),
    };
    for (const [where, text] of Object.entries(outputs)) {
      for (const secret of secrets) {
        if (text.includes(secret)) throw new Error(`a secret (${secret.slice(0, 4)}…) leaked into ${where}`);
        expect(text.includes(encodeURIComponent(secret))).toBe(false);
      }
    }
    // The log still says something useful: correlation by fingerprint, not by value.
    expect(outputs.logs).toMatch(/sha256:[0-9a-f]{12}/);
  });
});
