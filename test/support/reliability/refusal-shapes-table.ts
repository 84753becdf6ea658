/**
 * Every refusal shape the sandbox can answer (Jobber documents the sentence, not the status or
 * body) × every flow that meets one: the refresh, the code exchange, and the renewal an API call's
 * 401 triggers. Each cell plays against a real sandbox and checks the exact outcome: a dead refresh
 * token is a lost grant (needs-reconnect, refresh-rejected, the exact message, one request, no
 * retry); a refused code is "click Connect to try again", never the credentials or the callback
 * URL. Shared by test/reliability/refusal-shapes.test.ts and the fault-matrix bench.
 */
import assert from 'node:assert/strict';
import { followConsent } from '../../../sandbox/consent-driver';
import type { RefusalShape } from '../../../sandbox/server';
import { expectStatus } from '../engine/engine-harness';
import { REFUSED_TEXT, assertGrantLostThenReconnect, assertHealthy, failureOf, type MatrixContext } from './matrix-context';

export type RefusalFlow = 'refresh' | 'code-exchange' | 'api-renewal';

export const REFUSAL_SHAPES: readonly RefusalShape[] = ['oauth-json', 'message-json', 'text', 'html'];
export const REFUSAL_FLOWS: readonly RefusalFlow[] = ['refresh', 'code-exchange', 'api-renewal'];

export interface RefusalCell {
  flow: RefusalFlow;
  shape: RefusalShape;
  expected: string;
  play(ctx: MatrixContext): Promise<void>;
}

/** The sandbox's code lifetime (60 s) plus a second: the code is refused as expired. */
const PAST_CODE_LIFETIME_MS = 61_000;

function grantRefused(shape: RefusalShape, trigger: (ctx: MatrixContext) => Promise<unknown>): (ctx: MatrixContext) => Promise<void> {
  return async (ctx) => {
    const { h } = ctx;
    await h.connect();
    const spent = ctx.memory.saved?.tokens.refreshToken ?? null;
    h.sandbox.control.setRefusalShape(shape);
    h.sandbox.control.revokeGrant();
    const error = await failureOf(trigger(ctx));
    assert.equal(error.kind, 'rejected-grant');
    // A verdict, not a transient: exactly one renewal was asked for, and none is retried.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(h.sandbox.control.counters().tokenRequests.refresh_token, 1);
    await assertGrantLostThenReconnect(ctx, 'refresh-rejected', REFUSED_TEXT, spent);
  };
}

function codeRefused(shape: RefusalShape): (ctx: MatrixContext) => Promise<void> {
  return async (ctx) => {
    const { h } = ctx;
    h.sandbox.control.setRefusalShape(shape);
    const { authorizeUrl } = h.session.beginConnect();
    const callback = await followConsent(authorizeUrl, 'allow');
    h.sandbox.control.shiftClock(PAST_CODE_LIFETIME_MS);
    const error = await failureOf(h.session.completeConnect(callback));
    assert.equal(error.kind, 'rejected-grant');
    const state = expectStatus(h.session.getState(), 'disconnected');
    assert.equal(state.lastError?.kind, 'rejected-grant');
    const message = state.lastError?.message ?? '';
    assert.match(message, /Click Connect to try again/);
    assert.doesNotMatch(message, /callback URL|client ID|client secret|credentials/i);
    assert.equal(ctx.memory.saved, null);

    await h.connect();
    await assertHealthy(ctx);
  };
}

function cellFor(flow: RefusalFlow, shape: RefusalShape): RefusalCell {
  switch (flow) {
    case 'refresh':
      return { flow, shape, expected: 'needs-reconnect (refresh-rejected, exact message), one request, record kept; reconnect works', play: grantRefused(shape, (ctx) => ctx.h.session.refreshNow()) };
    case 'api-renewal':
      return { flow, shape, expected: '401 → renewal refused → needs-reconnect (refresh-rejected, exact message); reconnect works', play: grantRefused(shape, (ctx) => ctx.h.client.account()) };
    case 'code-exchange':
      return { flow, shape, expected: 'code refused: disconnected, "Click Connect to try again", never credentials or callback URL; Connect again works', play: codeRefused(shape) };
  }
}

export const REFUSAL_CELLS: readonly RefusalCell[] = REFUSAL_FLOWS.flatMap((flow) => REFUSAL_SHAPES.map((shape) => cellFor(flow, shape)));
