/**
 * Fault-matrix cells for Jobber's clock 10 minutes off ours either way. Jobber's tokens carry no
 * `iat`, so the lifetime is judged from `exp` against the answer's Date header (Jobber's clock)
 * and laid onto ours: every cell checks the 60-minute lifetime on our clock and that no call
 * meets a 401. The mutation check in fault-matrix.test.ts runs these against a naive expiry.
 */
import assert from 'node:assert/strict';
import { expectStatus, type EngineHarness } from '../engine/engine-harness';
import { MINUTE, assertAlwaysWorking, assertHealthy, connectOnce, runScheduledRefresh, type MatrixContext } from './matrix-context';

type Play = (ctx: MatrixContext) => Promise<void>;

function count401(h: EngineHarness): number {
  return h.httpLog.filter((exchange) => exchange.status === 401).length;
}

/** Jobber's 60-minute lifetime, laid onto our clock whatever the skew (exp is whole seconds). */
function assertSixtyMinutesOnOurClock(h: EngineHarness): void {
  const state = expectStatus(h.session.getState(), 'connected');
  const lifetime = state.accessTokenExpiresAt - state.accessTokenIssuedAt;
  assert.ok(lifetime > 59 * MINUTE && lifetime <= 60 * MINUTE, `lifetime on our clock: ${lifetime} ms`);
}

export function codeExchangeSkewed(shiftMs: number): Play {
  return async (ctx) => {
    const { h } = ctx;
    h.sandbox.control.shiftClock(shiftMs);
    await connectOnce(h);
    assertSixtyMinutesOnOurClock(h);
    await assertHealthy(ctx);
    assert.equal(count401(h), 0);
    assertAlwaysWorking(ctx);
  };
}

export function refreshSkewed(shiftMs: number): Play {
  return async (ctx) => {
    const { h } = ctx;
    h.sandbox.control.shiftClock(shiftMs);
    await h.connect();
    await runScheduledRefresh(ctx);
    assertSixtyMinutesOnOurClock(h);
    assert.equal(h.sandbox.control.counters().tokenRequests.refresh_token, 1);
    assert.equal(expectStatus(h.session.getState(), 'connected').lastRefresh?.result, 'ok');
    await assertHealthy(ctx);
    assert.equal(count401(h), 0);
    assertAlwaysWorking(ctx);
  };
}

/**
 * Jobber's clock 10 minutes off either way: the token's lifetime is measured on Jobber's clock
 * (exp − the Date header, as Jobber's tokens carry no iat) and laid onto ours (electron/auth/token-expiry.ts), so the renewal comes 5 minutes
 * before Jobber expires the token whichever way the clocks disagree, and no call ever sees a 401.
 */
export function apiSkewed(shiftMs: number): Play {
  return async (ctx) => {
    const { h } = ctx;
    h.sandbox.control.shiftClock(shiftMs);
    await h.connect();
    assertSixtyMinutesOnOurClock(h);
    const first = expectStatus(h.session.getState(), 'connected');
    ctx.clock.advance(first.nextRefreshAt - MINUTE - ctx.clock.now());
    await h.client.account();
    assert.equal(h.sandbox.control.counters().tokenRequests.refresh_token, 0);
    await runScheduledRefresh(ctx);
    await h.client.account();
    assert.equal(count401(h), 0);
    assert.equal(h.sandbox.control.counters().tokenRequests.refresh_token, 1);
    await assertHealthy(ctx);
    assertAlwaysWorking(ctx);
  };
}
