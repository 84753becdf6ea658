/**
 * Fault-matrix cells for faults after the commit point: Jobber redeemed the code or rotated the
 * pair, then its answer was lost (a 5xx from a proxy, a reset, a truncated or mangled 200, a stall
 * past the client's timeout). The expected story, from the spec: a refresh is retried once with
 * what is stored, Jobber refuses the rotated-away token, and the app says precisely that the
 * renewal's answer was lost (never blaming the credentials, never looping); a code is never
 * resent, so Connect simply has to work again. Expected messages are literals.
 */
import assert from 'node:assert/strict';
import type { RetryCause } from '../../../electron/ipc/connection-state';
import type { AuthErrorKind } from '../../../electron/core/errors';
import type { Fault } from '../../../sandbox/server';
import { expectStatus, waitForState } from '../engine/engine-harness';
import {
  STALL_MS,
  assertAlwaysWorking,
  assertGrantLostThenReconnect,
  assertHealthy,
  connectOnce,
  failureOf,
  inject,
  type MatrixContext,
} from './matrix-context';

/** What the person reads once a renewal's answer was lost after Jobber rotated the pair. */
export const LOST_ANSWER_TEXT =
  "The renewal's answer was lost on the way back from Jobber, and Jobber may already have replaced the sign-in: " +
  'the saved one is no longer accepted. Reconnect to continue.';

export type AfterCommitBase = '5xx' | 'timeout' | 'dropped-connection' | 'truncated-body' | 'malformed-json' | 'wrong-content-type' | 'missing-fields';

/** Each fault as it strikes after the commit, the error kind it must produce and how the retry is worded. */
export const AFTER_COMMIT: Readonly<Record<AfterCommitBase, { fault: Fault; kind: AuthErrorKind; cause: RetryCause }>> = {
  '5xx': { fault: { kind: 'status', status: 503, phase: 'after-commit' }, kind: 'server-error', cause: 'jobber-trouble' },
  timeout: { fault: { kind: 'delay', ms: STALL_MS, phase: 'after-commit' }, kind: 'timeout', cause: 'unreachable' },
  'dropped-connection': { fault: { kind: 'drop', phase: 'after-commit' }, kind: 'network', cause: 'unreachable' },
  'truncated-body': { fault: { kind: 'truncated', phase: 'after-commit' }, kind: 'invalid-response', cause: 'unreadable' },
  'malformed-json': { fault: { kind: 'malformed-json', phase: 'after-commit' }, kind: 'invalid-response', cause: 'unreadable' },
  'wrong-content-type': { fault: { kind: 'wrong-content-type', phase: 'after-commit' }, kind: 'invalid-response', cause: 'unreadable' },
  'missing-fields': { fault: { kind: 'missing-fields', phase: 'after-commit' }, kind: 'invalid-response', cause: 'unreadable' },
};

export const AFTER_COMMIT_BASES = Object.keys(AFTER_COMMIT) as AfterCommitBase[];

const CREDENTIALS = /client ID|client secret|credentials/i;

/** Refresh: one retry with the stored (now dead) token, then renewal-answer-lost; never a loop. */
export function refreshAfterCommit(base: AfterCommitBase): (ctx: MatrixContext) => Promise<void> {
  const { fault, kind, cause } = AFTER_COMMIT[base];
  return async (ctx) => {
    const { h } = ctx;
    await h.connect();
    const spent = ctx.memory.saved?.tokens.refreshToken ?? null;
    assert.ok(spent);
    inject(ctx, 'token', fault, 1);
    const error = await failureOf(h.session.refreshNow());
    assert.equal(error.kind, kind);
    // Jobber committed: the token we hold is already dead there.
    assert.ok(!h.sandbox.control.liveRefreshTokens().includes(spent), 'the sandbox did not rotate before losing the answer');
    await waitForState(h.session, 'needs-reconnect', 5_000);
    // One retry episode (a state can be published more than once in a row).
    const episodes = h.published.filter((state, i) => state.status === 'offline-retrying' && h.published[i - 1]?.status !== 'offline-retrying');
    assert.equal(episodes.length, 1, `expected exactly one retry: ${h.published.map((s) => s.status).join(', ')}`);
    assert.equal(episodes[0]?.status === 'offline-retrying' ? episodes[0].cause : null, cause);
    // Give a loop every chance to show itself: nothing more is sent.
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(h.sandbox.control.counters().tokenRequests.refresh_token, 2, 'the stored token was tried exactly once more');
    const state = expectStatus(h.session.getState(), 'needs-reconnect');
    assert.doesNotMatch(state.message, CREDENTIALS);
    await assertGrantLostThenReconnect(ctx, 'renewal-answer-lost', LOST_ANSWER_TEXT, spent);
  };
}

/** Code exchange: the code is spent at Jobber, never resent; disconnected, nothing stored; Connect again works. */
export function exchangeAfterCommit(base: AfterCommitBase): (ctx: MatrixContext) => Promise<void> {
  const { fault, kind } = AFTER_COMMIT[base];
  return async (ctx) => {
    const { h } = ctx;
    inject(ctx, 'token', fault, 1);
    const error = await failureOf(connectOnce(h));
    assert.equal(error.kind, kind);
    const state = expectStatus(h.session.getState(), 'disconnected');
    assert.equal(state.lastError?.kind, kind);
    assert.doesNotMatch(state.lastError?.message ?? '', CREDENTIALS);
    assert.equal(ctx.memory.saved, null);
    assert.equal(h.sandbox.control.counters().tokenRequests.authorization_code, 1, 'the code was resent');
    // Jobber committed: a grant exists there that this app never received.
    assert.equal(h.sandbox.control.liveRefreshTokens().length, 1);

    await h.connect();
    await assertHealthy(ctx);
    assertAlwaysWorking(ctx);
  };
}
