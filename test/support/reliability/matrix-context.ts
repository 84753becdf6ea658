/**
 * What every fault-matrix cell stands on: a sandbox and an engine sharing a ControlledClock, a
 * watched MemoryTokenStore, short client timeouts, and the assertions the cells share (never
 * deleted, always a live token, healthy, grant lost then reconnect). node:assert only, so the
 * bench can run the cells too.
 */
import assert from 'node:assert/strict';
import type { NeedsReconnectReason } from '../../../electron/ipc/connection-state';
import { AuthError } from '../../../electron/core/errors';
import { MemoryTokenStore } from '../engine/memory-token-store';
import type { TokenEndpoint } from '../../../electron/auth/ports';
import { followConsent } from '../../../sandbox/consent-driver';
import { SANDBOX_DEFAULT_ACCOUNT, type Fault, type SandboxEndpoint } from '../../../sandbox/server';
import { ControlledClock, expectStatus, startEngine, waitForState, type EngineHarness } from '../engine/engine-harness';
import { watchStore, type StoreWatch } from './store-watch';

export interface MatrixContext {
  h: EngineHarness;
  clock: ControlledClock;
  memory: MemoryTokenStore;
  watch: StoreWatch;
}

// ---------------------------------------------------------------------------------------------
// Settings: short client timeouts and backoff so the whole matrix runs in seconds.

export const TOKEN_TIMEOUT_MS = 300;
export const API_TIMEOUT_MS = 300;
/** Longer than any scenario: a "timed out" request is never answered (the sandbox closes first). */
export const STALL_MS = 60_000;
export const TEN_MINUTES = 10 * 60_000;
export const MINUTE = 60_000;
/** Enough for a fault to repeat until the test clears it. */
export const PERSISTENT = 1_000;

// ---------------------------------------------------------------------------------------------
// Building blocks

/** What needs-reconnect says when Jobber refuses the sandbox account's renewal (a literal from the spec's wording). */
export const REFUSED_TEXT = `Jobber no longer accepts this app's sign-in for “${SANDBOX_DEFAULT_ACCOUNT.name}”; reconnect to continue.`;

/** Test-only hooks into the engine (the mutation check swaps in a naive expiry). */
export interface MatrixOptions {
  wrapTokenEndpoint?: (endpoint: TokenEndpoint) => TokenEndpoint;
}

/** Starts a sandbox + engine on a shared ControlledClock with a watched MemoryTokenStore. */
export async function startMatrixContext(options: MatrixOptions = {}): Promise<MatrixContext> {
  const clock = new ControlledClock();
  const memory = new MemoryTokenStore();
  const h = await startEngine({
    clock,
    store: memory,
    sandbox: { clock: () => clock.now() },
    tokenTimeoutMs: TOKEN_TIMEOUT_MS,
    apiTimeoutMs: API_TIMEOUT_MS,
    // maxTimerMs: deadline timers re-check the (jumping) clock every 20 ms of real time.
    policy: { backoffBaseMs: 40, backoffCapMs: 120, maxTimerMs: 20 },
    // No jitter: refresh exactly at expiry − margin; shortest backoff.
    random: () => 0,
    ...(options.wrapTokenEndpoint ? { wrapTokenEndpoint: options.wrapTokenEndpoint } : {}),
  });
  const watch = watchStore(h.session, memory, () => h.sandbox.control.liveRefreshTokens());
  return { h, clock, memory, watch };
}

/** Plays one cell in a fresh context and tears it down. */
export async function playCell(cell: { play(ctx: MatrixContext): Promise<void> }, options: MatrixOptions = {}): Promise<void> {
  const ctx = await startMatrixContext(options);
  try {
    await cell.play(ctx);
  } finally {
    ctx.watch.stop();
    await ctx.h.close();
  }
}

export async function failureOf(promise: Promise<unknown>): Promise<AuthError> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  assert.ok(outcome instanceof AuthError, `expected an AuthError, got ${outcome === null ? 'success' : String(outcome)}`);
  return outcome;
}

/** Connect by hand (begin → consent Allow → complete), so the caller sees the failure. */
export async function connectOnce(h: EngineHarness): Promise<void> {
  const { authorizeUrl } = h.session.beginConnect();
  await h.session.completeConnect(await followConsent(authorizeUrl, 'allow'));
}

export function inject(ctx: MatrixContext, endpoint: SandboxEndpoint, fault: Fault, count = PERSISTENT): void {
  ctx.h.sandbox.control.injectFault(endpoint, fault, count);
}

/** Moves both clocks to the session's next planned refresh and waits for a renewal to land. */
export async function runScheduledRefresh(ctx: MatrixContext): Promise<void> {
  const before = expectStatus(ctx.h.session.getState(), 'connected');
  ctx.clock.advance(before.nextRefreshAt - ctx.clock.now());
  await waitForState(ctx.h.session, 'connected', 5_000, (state) => state.accessTokenIssuedAt > before.accessTokenIssuedAt);
}

/** The store held a record at every state change since Connect, never cleared. */
export function assertNeverDeleted(ctx: MatrixContext): void {
  const since = ctx.watch.sinceConnected();
  assert.ok(since.length > 0, 'the session never reached connected');
  const empty = since.filter((snapshot) => snapshot.stored === null);
  assert.equal(empty.length, 0, `the stored sign-in was missing at ${empty.length} state change(s): ${empty.map((s) => s.status).join(', ')}`);
  assert.equal(ctx.h.store.clears, 0, 'the store was cleared');
}

/** ... and at every state change the stored refresh token was one Jobber still accepted. */
export function assertAlwaysWorking(ctx: MatrixContext): void {
  assertNeverDeleted(ctx);
  const dead = ctx.watch.sinceConnected().filter((snapshot) => !snapshot.storedIsLive);
  assert.equal(dead.length, 0, `the stored refresh token was dead at ${dead.length} state change(s): ${dead.map((s) => s.status).join(', ')}`);
}

/** Connected to the sandbox account, the stored token the only live one, and the API works. */
export async function assertHealthy(ctx: MatrixContext): Promise<void> {
  const state = expectStatus(ctx.h.session.getState(), 'connected');
  assert.deepEqual(state.account, SANDBOX_DEFAULT_ACCOUNT);
  const stored = ctx.memory.saved;
  assert.ok(stored, 'nothing stored');
  assert.equal(stored.refreshInFlight, null);
  assert.ok(ctx.h.sandbox.control.liveRefreshTokens().includes(stored.tokens.refreshToken), 'the stored refresh token is not live');
  const { data } = await ctx.h.client.account();
  assert.deepEqual(data, SANDBOX_DEFAULT_ACCOUNT);
}

/** needs-reconnect for `reason`, the record kept and marked rejected; then Connect again works. */
export async function assertGrantLostThenReconnect(
  ctx: MatrixContext,
  reason: NeedsReconnectReason,
  message: string,
  spentRefreshToken: string | null,
): Promise<void> {
  const state = await waitForState(ctx.h.session, 'needs-reconnect', 5_000);
  assert.equal(state.reason, reason);
  assert.equal(state.message, message);
  const kept = ctx.memory.saved;
  assert.ok(kept, 'the stored record was deleted when the grant was lost');
  assert.equal(kept.lastRefresh?.result, 'rejected');
  if (spentRefreshToken !== null) assert.equal(kept.tokens.refreshToken, spentRefreshToken);
  await assert.rejects(ctx.h.client.account(), (error: unknown) => error instanceof AuthError && error.kind === 'not-connected');
  assertNeverDeleted(ctx);

  await ctx.h.connect();
  await assertHealthy(ctx);
  assert.equal(ctx.memory.saved?.lastRefresh, null, 'the reconnect did not replace the dead record');
}

