/**
 * The fault matrix: every operation the engine performs against Jobber (Connect's code exchange
 * and account fetch, the refresh, an API call) crossed with every fault the issue lists. Each cell
 * either names its expected outcome and plays it against a real sandbox, or says why the
 * combination does not apply. Shared by test/reliability/fault-matrix.test.ts and
 * bench/fault-matrix.ts, so it uses node:assert rather than vitest.
 *
 * Every played cell checks three things: the connection state it ends in (status and reason or
 * error kind), that the stored sign-in was never deleted (and, for transient faults, that it was a
 * token Jobber still accepted at every state change), and how it recovers: by itself once the
 * fault clears, or, when Jobber killed the grant, needs-reconnect followed by a working reconnect.
 * Time is a ControlledClock shared with the sandbox; skew is the sandbox's clock offset.
 */
import assert from 'node:assert/strict';
import type { AuthErrorKind } from '../../../electron/core/errors';
import { UNKNOWN_ACCOUNT } from '../../../electron/auth/session-messages';
import { SANDBOX_DEFAULT_ACCOUNT, type Fault } from '../../../sandbox/server';
import { expectStatus, waitForState, waitUntil } from '../engine/engine-harness';
import { apiSkewed, codeExchangeSkewed, refreshSkewed } from './skew-cells';
import { AFTER_COMMIT_BASES, exchangeAfterCommit, refreshAfterCommit, type AfterCommitBase } from './after-commit-cells';
import {
  STALL_MS,
  TEN_MINUTES,
  assertAlwaysWorking,
  assertGrantLostThenReconnect,
  assertHealthy,
  connectOnce,
  failureOf,
  inject,
  REFUSED_TEXT,
  runScheduledRefresh,
  type MatrixContext,
} from './matrix-context';

export { playCell, type MatrixContext } from './matrix-context';

export type Operation = 'code-exchange' | 'account-fetch' | 'refresh' | 'api-call';

export type FaultId =
  | '5xx'
  | '429'
  | 'timeout'
  | 'dropped-connection'
  | 'truncated-body'
  | 'malformed-json'
  | 'wrong-content-type'
  | 'missing-fields'
  | 'revoked-grant'
  | 'old-refresh-token-reused'
  | 'clock-skew+10min'
  | 'clock-skew-10min'
  | `${AfterCommitBase}-after-commit`;

export const OPERATIONS: readonly Operation[] = ['code-exchange', 'account-fetch', 'refresh', 'api-call'];

export const FAULT_IDS: readonly FaultId[] = [
  '5xx',
  '429',
  'timeout',
  'dropped-connection',
  'truncated-body',
  'malformed-json',
  'wrong-content-type',
  'missing-fields',
  'revoked-grant',
  'old-refresh-token-reused',
  'clock-skew+10min',
  'clock-skew-10min',
  ...AFTER_COMMIT_BASES.map((base): FaultId => `${base}-after-commit`),
];

/** The refusal a lost grant shows while the account is not yet identified. */
const REFUSED_UNIDENTIFIED_TEXT = "Jobber no longer accepts this app's sign-in for the Jobber account; reconnect to continue.";

/** A combination that is played against the sandbox. */
export interface PlayedCell {
  operation: Operation;
  fault: FaultId;
  applies: true;
  /** The expected outcome, in words (shown as the test name). */
  expected: string;
  play(ctx: MatrixContext): Promise<void>;
}

/** A combination that cannot happen, with the reason. */
export interface InapplicableCell {
  operation: Operation;
  fault: FaultId;
  applies: false;
  reason: string;
}

export type MatrixCell = PlayedCell | InapplicableCell;

/** The eight faults the sandbox injects into an endpoint, with the error kind each must produce. */
const TRANSIENT: Record<
  Exclude<FaultId, 'revoked-grant' | 'old-refresh-token-reused' | 'clock-skew+10min' | 'clock-skew-10min' | `${AfterCommitBase}-after-commit`>,
  { fault: Fault; tokenKind: AuthErrorKind; apiKinds: readonly AuthErrorKind[] }
> = {
  '5xx': { fault: { kind: 'status', status: 503 }, tokenKind: 'server-error', apiKinds: ['server-error'] },
  '429': { fault: { kind: 'status', status: 429 }, tokenKind: 'rate-limited', apiKinds: ['rate-limited'] },
  timeout: { fault: { kind: 'delay', ms: STALL_MS }, tokenKind: 'timeout', apiKinds: ['timeout'] },
  'dropped-connection': { fault: { kind: 'drop' }, tokenKind: 'network', apiKinds: ['network'] },
  // A body cut off after the status line is an invalid response on both paths ('network' means no answer at all).
  'truncated-body': { fault: { kind: 'truncated' }, tokenKind: 'invalid-response', apiKinds: ['invalid-response'] },
  'malformed-json': { fault: { kind: 'malformed-json' }, tokenKind: 'invalid-response', apiKinds: ['invalid-response'] },
  'wrong-content-type': { fault: { kind: 'wrong-content-type' }, tokenKind: 'invalid-response', apiKinds: ['invalid-response'] },
  'missing-fields': { fault: { kind: 'missing-fields' }, tokenKind: 'invalid-response', apiKinds: ['invalid-response'] },
};

function isTransientFault(fault: FaultId): fault is keyof typeof TRANSIENT {
  return fault in TRANSIENT;
}

// ---------------------------------------------------------------------------------------------
// Scenarios by operation and class of fault

function codeExchangeTransient(fault: Fault, kind: AuthErrorKind): PlayedCell['play'] {
  return async (ctx) => {
    const { h } = ctx;
    inject(ctx, 'token', fault);
    const error = await failureOf(connectOnce(h));
    assert.equal(error.kind, kind);
    const state = expectStatus(h.session.getState(), 'disconnected');
    assert.equal(state.lastError?.kind, kind);
    assert.equal(ctx.memory.saved, null);
    assert.equal(h.sandbox.control.counters().tokenRequests.authorization_code, 1);

    // A code is single use and may already be spent at Jobber, so the engine never resends it: the
    // person's next Connect must simply work, with nothing left over from the failure.
    h.sandbox.control.clearFaults();
    await h.connect();
    await assertHealthy(ctx);
    assertAlwaysWorking(ctx);
  };
}

function accountFetchTransient(fault: Fault): PlayedCell['play'] {
  return async (ctx) => {
    const { h } = ctx;
    inject(ctx, 'graphql', fault);
    await connectOnce(h);
    const state = expectStatus(h.session.getState(), 'connected');
    assert.deepEqual(state.account, UNKNOWN_ACCOUNT);
    const stored = ctx.memory.saved;
    assert.ok(stored, 'the tokens were not stored');
    assert.equal(stored.account, null);
    assert.ok(h.session.getActivity().some((entry) => /could not be identified/.test(entry.message)));

    // Recovers by itself: the next renewal fetches the account again.
    h.sandbox.control.clearFaults();
    await runScheduledRefresh(ctx);
    await waitForState(h.session, 'connected', 5_000, (current) => current.account.name === SANDBOX_DEFAULT_ACCOUNT.name);
    await waitUntil(() => ctx.memory.saved?.account?.name === SANDBOX_DEFAULT_ACCOUNT.name, 5_000, 'the account to be saved');
    await assertHealthy(ctx);
    assertAlwaysWorking(ctx);
  };
}

function refreshTransient(fault: Fault, kind: AuthErrorKind): PlayedCell['play'] {
  return async (ctx) => {
    const { h } = ctx;
    await h.connect();
    const original = ctx.memory.saved;
    assert.ok(original);
    inject(ctx, 'token', fault);
    const error = await failureOf(h.session.refreshNow());
    assert.equal(error.kind, kind);
    // It keeps retrying by itself while the fault lasts.
    const offline = await waitForState(h.session, 'offline-retrying', 5_000, (state) => state.attempt >= 2);
    assert.deepEqual(offline.account, SANDBOX_DEFAULT_ACCOUNT);
    assert.equal(ctx.memory.saved?.tokens.refreshToken, original.tokens.refreshToken);
    assert.deepEqual(h.sandbox.control.liveRefreshTokens(), [original.tokens.refreshToken]);

    h.sandbox.control.clearFaults();
    const recovered = await waitForState(h.session, 'connected', 5_000);
    assert.equal(recovered.lastRefresh?.result, 'ok');
    assert.notEqual(ctx.memory.saved?.tokens.refreshToken, original.tokens.refreshToken);
    await assertHealthy(ctx);
    assertAlwaysWorking(ctx);
  };
}

function apiTransient(fault: Fault, kinds: readonly AuthErrorKind[]): PlayedCell['play'] {
  return async (ctx) => {
    const { h } = ctx;
    await h.connect();
    const before = ctx.memory.saved;
    inject(ctx, 'graphql', fault);
    const error = await failureOf(h.client.account());
    assert.ok(kinds.includes(error.kind), `expected ${kinds.join(' or ')}, got ${error.kind}`);
    // A failed API call says nothing about the grant: no state change, no refresh, nothing rewritten.
    expectStatus(h.session.getState(), 'connected');
    assert.equal(h.sandbox.control.counters().tokenRequests.refresh_token, 0);
    assert.deepEqual(ctx.memory.saved, before);

    h.sandbox.control.clearFaults();
    await assertHealthy(ctx);
    assertAlwaysWorking(ctx);
  };
}

/**
 * A 429 on an API call is not the caller's failure: the client holds every request until the limit
 * resets and then sends it again. Played with `Retry-After: 1` so the hold is one second (without
 * the header the client waits for Jobber's 300 s window to roll, covered in the GraphQL client's
 * own tests on a fake clock).
 */
async function apiRateLimited(ctx: MatrixContext): Promise<void> {
  const { h } = ctx;
  await h.connect();
  const before = ctx.memory.saved;
  const callsBefore = h.sandbox.control.counters().graphqlCalls;
  inject(ctx, 'graphql', { kind: 'status', status: 429, headers: { 'Retry-After': '1' } }, 1);
  const started = Date.now();
  const answer = await h.client.account();
  assert.equal(answer.data.id, SANDBOX_DEFAULT_ACCOUNT.id);
  assert.ok(Date.now() - started >= 950, 'the call was sent again before Retry-After had passed');
  assert.equal(h.sandbox.control.counters().graphqlCalls, callsBefore + 2);
  expectStatus(h.session.getState(), 'connected');
  assert.equal(h.sandbox.control.counters().tokenRequests.refresh_token, 0);
  assert.deepEqual(ctx.memory.saved, before);
  await assertHealthy(ctx);
  assertAlwaysWorking(ctx);
}

const INVALID_GRANT_BODY = JSON.stringify({ error: 'invalid_grant', message: 'The authorization grant has been revoked' });

async function codeExchangeRefused(ctx: MatrixContext): Promise<void> {
  const { h } = ctx;
  inject(ctx, 'token', { kind: 'status', status: 400, body: INVALID_GRANT_BODY }, 1);
  const error = await failureOf(connectOnce(h));
  assert.equal(error.kind, 'rejected-grant');
  assert.equal(expectStatus(h.session.getState(), 'disconnected').lastError?.kind, 'rejected-grant');
  assert.equal(ctx.memory.saved, null);
  await h.connect();
  await assertHealthy(ctx);
  assertAlwaysWorking(ctx);
}

async function accountFetchRevoked(ctx: MatrixContext): Promise<void> {
  const { h } = ctx;
  // Hold the account request at the sandbox, and revoke the brand-new grant meanwhile.
  inject(ctx, 'graphql', { kind: 'delay', ms: 200 }, 1);
  const connecting = connectOnce(h);
  await waitUntil(() => h.sandbox.control.counters().graphqlCalls >= 1, 5_000, 'the account request');
  h.sandbox.control.revokeGrant();
  await connecting;
  // Connect itself succeeded (the tokens were issued and stored); the fetch got a 401.
  assert.deepEqual(expectStatus(h.session.getState(), 'connected').account, UNKNOWN_ACCOUNT);
  const spent = ctx.memory.saved?.tokens.refreshToken ?? null;
  assert.ok(spent);
  // The app finds out by itself at its next renewal.
  const before = expectStatus(h.session.getState(), 'connected');
  ctx.clock.advance(before.nextRefreshAt - ctx.clock.now());
  await assertGrantLostThenReconnect(ctx, 'refresh-rejected', REFUSED_UNIDENTIFIED_TEXT, spent);
}

async function refreshRevoked(ctx: MatrixContext): Promise<void> {
  const { h } = ctx;
  await h.connect();
  const spent = ctx.memory.saved?.tokens.refreshToken ?? null;
  h.sandbox.control.revokeGrant();
  const error = await failureOf(h.session.refreshNow());
  assert.equal(error.kind, 'rejected-grant');
  await assertGrantLostThenReconnect(ctx, 'refresh-rejected', REFUSED_TEXT, spent);
}

async function refreshOldTokenReused(ctx: MatrixContext): Promise<void> {
  const { h } = ctx;
  await h.connect();
  const ours = ctx.memory.saved?.tokens.refreshToken ?? '';
  // A stale copy of the sign-in (another install, a restored backup) spends the token first: what
  // we hold is now an old, rotated refresh token.
  const stale = await h.rawRefresh(ours);
  assert.equal(stale.status, 200);
  const error = await failureOf(h.session.refreshNow());
  assert.equal(error.kind, 'rejected-grant');
  await assertGrantLostThenReconnect(ctx, 'refresh-rejected', REFUSED_TEXT, ours);
}

async function apiRevoked(ctx: MatrixContext): Promise<void> {
  const { h } = ctx;
  await h.connect();
  const spent = ctx.memory.saved?.tokens.refreshToken ?? null;
  h.sandbox.control.revokeGrant();
  const error = await failureOf(h.client.account());
  assert.equal(error.kind, 'rejected-grant');
  await assertGrantLostThenReconnect(ctx, 'refresh-rejected', REFUSED_TEXT, spent);
}

// ---------------------------------------------------------------------------------------------
// The table

function played(operation: Operation, fault: FaultId, expected: string, play: PlayedCell['play']): PlayedCell {
  return { operation, fault, applies: true, expected, play };
}

function notApplicable(operation: Operation, fault: FaultId, reason: string): InapplicableCell {
  return { operation, fault, applies: false, reason };
}

function isAfterCommit(fault: FaultId): fault is `${AfterCommitBase}-after-commit` {
  return fault.endsWith('-after-commit');
}

function afterCommitCell(operation: Operation, fault: `${AfterCommitBase}-after-commit`): MatrixCell {
  const base = fault.slice(0, -'-after-commit'.length) as AfterCommitBase;
  switch (operation) {
    case 'code-exchange':
      return played(operation, fault, 'code spent at Jobber, answer lost: disconnected, nothing stored, code never resent; Connect again → connected', exchangeAfterCommit(base));
    case 'refresh':
      return played(operation, fault, 'pair rotated, answer lost: one retry with the stored token → needs-reconnect (renewal-answer-lost, exact message); reconnect works', refreshAfterCommit(base));
    case 'account-fetch':
      return notApplicable(operation, fault, 'The account query commits nothing at Jobber; the commit before it (the code exchange) is the code-exchange row.');
    case 'api-call':
      return notApplicable(operation, fault, 'An API call commits nothing a lost answer could cost; the renewal it may trigger is the refresh row.');
  }
}

function cellFor(operation: Operation, fault: FaultId): MatrixCell {
  if (isAfterCommit(fault)) return afterCommitCell(operation, fault);
  if (isTransientFault(fault)) {
    const { fault: injected, tokenKind, apiKinds } = TRANSIENT[fault];
    switch (operation) {
      case 'code-exchange':
        return played(operation, fault, `disconnected (lastError ${tokenKind}), nothing stored; Connect again → connected`, codeExchangeTransient(injected, tokenKind));
      case 'account-fetch':
        return played(operation, fault, 'connected as "Unknown account", tokens stored; account fetched by itself at the next renewal', accountFetchTransient(injected));
      case 'refresh':
        return played(operation, fault, `offline-retrying (${tokenKind}), tokens kept; connected by itself once it clears`, refreshTransient(injected, tokenKind));
      case 'api-call':
        if (fault === '429') return played(operation, fault, 'call held for Retry-After, then sent again and answered; stays connected, nothing rewritten', apiRateLimited);
        return played(operation, fault, `call fails (${apiKinds.join(' or ')}), stays connected, nothing rewritten; next call works`, apiTransient(injected, apiKinds));
    }
  }
  switch (fault) {
    case 'revoked-grant':
      switch (operation) {
        case 'code-exchange':
          return played(operation, fault, 'code refused (invalid_grant): disconnected (lastError rejected-grant); Connect again → connected', codeExchangeRefused);
        case 'account-fetch':
          return played(operation, fault, 'connected as "Unknown account"; next renewal refused → needs-reconnect (refresh-rejected), record kept; reconnect works', accountFetchRevoked);
        case 'refresh':
          return played(operation, fault, 'needs-reconnect (refresh-rejected), record kept; reconnect works', refreshRevoked);
        case 'api-call':
          return played(operation, fault, '401 → renewal refused → needs-reconnect (refresh-rejected), record kept; reconnect works', apiRevoked);
      }
      break;
    case 'old-refresh-token-reused':
      switch (operation) {
        case 'code-exchange':
          return notApplicable(operation, fault, 'Connect spends an authorization code, not a refresh token; a replayed callback (its code reused) is refused as unknown-state in test/integration/connect.test.ts.');
        case 'account-fetch':
          return notApplicable(operation, fault, 'The account fetch presents the access token just issued; no refresh token is involved.');
        case 'refresh':
          return played(operation, fault, 'a stale copy spent our token first: needs-reconnect (refresh-rejected), record kept; reconnect works', refreshOldTokenReused);
        case 'api-call':
          return notApplicable(operation, fault, 'An API call presents only an access token; the renewal it may trigger is the refresh row.');
      }
      break;
    case 'clock-skew+10min':
    case 'clock-skew-10min': {
      const shift = fault === 'clock-skew+10min' ? TEN_MINUTES : -TEN_MINUTES;
      switch (operation) {
        case 'code-exchange':
          return played(operation, fault, 'connected, account known, API works with no 401', codeExchangeSkewed(shift));
        case 'account-fetch':
          return notApplicable(operation, fault, 'Part of the same Connect as the code-exchange row: the fetch uses the token the sandbox issued a moment earlier on its own (skewed) clock, so skew cannot invalidate it.');
        case 'refresh':
          return played(operation, fault, 'the scheduled renewal runs by itself and succeeds; connected', refreshSkewed(shift));
        case 'api-call':
          return played(operation, fault, 'lifetime measured on Jobber\'s clock: renewed before Jobber expires the token, never a 401; connected', apiSkewed(shift));
      }
      break;
    }
  }
  throw new Error(`no matrix entry for ${operation} × ${fault}`);
}

/** Every operation × fault, in table order. */
export const FAULT_MATRIX: readonly MatrixCell[] = OPERATIONS.flatMap((operation) => FAULT_IDS.map((fault) => cellFor(operation, fault)));

export const PLAYED_CELLS: readonly PlayedCell[] = FAULT_MATRIX.filter((cell): cell is PlayedCell => cell.applies);
export const INAPPLICABLE_CELLS: readonly InapplicableCell[] = FAULT_MATRIX.filter((cell): cell is InapplicableCell => !cell.applies);

/** The played cells whose fault strikes after Jobber committed. */
export const AFTER_COMMIT_CELLS: readonly PlayedCell[] = PLAYED_CELLS.filter((cell) => isAfterCommit(cell.fault));

/** The played clock-skew cells (the mutation check runs them against a naive expiry). */
export const SKEW_CELLS: readonly PlayedCell[] = PLAYED_CELLS.filter((cell) => cell.fault.startsWith('clock-skew'));
