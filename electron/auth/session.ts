/**
 * The connection state machine and its public API: start-up (load the store and settle), Connect
 * (pending request → callback → code exchange → account → persist → connected), tokens for API
 * callers, reactions to outside events, Disconnect and shutdown. It owns the grant, the state, the
 * generation and the store queue. Everything outside reaches it through ports (clock, random,
 * logger, token store, token endpoint, account API); no Electron, no direct I/O. The rotation-safe
 * refresh pipeline (single flight, crash marker, persist before use, schedule, backoff, save retry,
 * failure classification) lives in refresh-runner.ts; the handling of token endpoint answers in
 * token-answers.ts; its wording in session-messages.ts, its timers in deadline-timer.ts, the
 * appDisconnect call in session-disconnect.ts.
 *
 * Invariants:
 * - A refresh token is spent only after a marker saying so is persisted, and the pair it buys is
 *   persisted before anything (state, callers) uses it. At most one refresh is in flight, ever.
 * - The stored record is replaced only by a successful connect or refresh, and removed only by
 *   Disconnect (or a sign-in cancelled after it was saved). A rejected grant, unreadable storage or
 *   a failed reconnect keep it.
 * - Nothing that leaves this module (state, activity, errors, logs) carries a token, code or state.
 * - Nothing is written to the store after stop() began, except what was already queued.
 *
 * Decisions the brief left open:
 * - 'misconfigured' on refresh (Jobber refused the client id/secret): the grant is unusable with this
 *   configuration, so state → needs-reconnect ('credentials-rejected') with a message pointing at
 *   Settings. The stored tokens are kept with the crash marker cleared and the outcome NOT recorded
 *   as rejected, so once the credentials are fixed (a new session) the saved sign-in is tried again.
 *   Disconnect from there wipes the saved sign-in without calling Jobber ("Forget saved sign-in").
 * - A failed account fetch right after Connect does not fail the Connect: tokens are already
 *   persisted; the state shows "Unknown account" and the fetch is retried after the next refresh.
 * - A record whose last refresh was rejected loads straight into needs-reconnect, without spending
 *   a request on a refresh token Jobber already refused.
 * - start() resolves after any refresh it had to run at once (expired token, crash marker), so the
 *   state is settled when it returns; state changes are published as they happen meanwhile.
 * - Cancel or Disconnect while the code is being exchanged wins: Jobber's answer is not kept and,
 *   since Jobber did create a grant, it is told (appDisconnect, bounded). stop() at that moment
 *   drops the answer without writing or calling anything.
 */
import type { AccountSummary, ActivityEntry, ConnectionState } from '../ipc/connection-state';
import type { JobberConfig } from './config-types';
import { ActivityLog } from './activity-log';
import { buildAuthorizeUrl } from './authorize-request';
import { parseCallback, type CallbackSource } from './callback-parser';
import { DeadlineTimer } from './deadline-timer';
import { describeEndpoint, endpointBindingFor, sameEndpoint } from './endpoint-binding';
import { AuthError, isAuthError } from '../core/errors';
import { PendingRequests } from './pending-requests';
import { type Clock, type RandomSource, type TimerHandle, systemClock } from '../core/clock';
import { type Logger, silentLogger } from '../core/logger';
import { type GrantRevoker, type JobberAccountApi, type StoreLoadResult, type TokenEndpoint, type TokenStore } from './ports';
import { createRedactingLogger, describeError, pinSecret, redact, unpinSecret } from '../core/redact';
import { type RefreshPolicy, callerMargin, resolvePolicy } from './refresh-policy';
import { RefreshRunner } from './refresh-runner';
import { notifyJobberOfDisconnect, type NotifyJobberOutcome } from './session-disconnect';
import { MESSAGES, rejectedMessage } from './session-messages';
import { TokenClockNotes, storable, toAuthError } from './token-answers';
import type { EndpointBinding, StoredConnection, TokenSet } from './token-model';

// Kept exported from here for existing importers; session-messages.ts is their home.
export { INTERRUPTED_REFRESH_MESSAGE, LOST_ANSWER_MESSAGE, UNKNOWN_ACCOUNT } from './session-messages';
// Likewise; token-answers.ts is its home.
export { CLOCK_SKEW_WARNING_MS } from './token-answers';

export interface SessionOptions {
  config: JobberConfig;
  tokenEndpoint: TokenEndpoint;
  jobberApi: JobberAccountApi;
  store: TokenStore;
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
  policy?: Partial<RefreshPolicy>;
  /** Broker mode: who is told on Disconnect instead of Jobber's appDisconnect. */
  grantRevoker?: GrantRevoker;
}

interface ConnectAttempt {
  authorizeUrl: string;
  startedAt: number;
  expiresAt: number;
  /** The state to return to on cancel or failure (disconnected or needs-reconnect). */
  resting: ConnectionState;
}

/** Why a sign-in being finished (code exchange onwards) was abandoned. */
type Abandon = 'cancel' | 'disconnect' | 'stop';

/** A Connect past its callback: the code is being exchanged and the result saved. */
interface Completion {
  abandoned: Abandon | null;
  /** Where Cancel returns to (the attempt's resting state). */
  resting: ConnectionState;
}

/**
 * Callback failures that leave a still-valid pending request alone: anyone who can reach the
 * redirect URI can produce them without knowing our `state`, so they must not end the real sign-in.
 * 'expired-state' is deliberately absent: it is reported only when the callback carried one of OUR
 * states (so it is genuine, merely late), and that request is past use anyway, so ending the
 * attempt is right.
 */
const STATE_VALIDATION_FAILURES: ReadonlySet<AuthError['kind']> = new Set([
  'state-mismatch',
  'unknown-state',
  'stateless-callback',
]);

/** Problems that make Connect impossible; an empty list means the config can be tried. */
function configProblems(config: JobberConfig): string[] {
  const problems: string[] = [];
  const text = MESSAGES.configProblem;
  // Through a broker, the client id and secret live on the broker.
  if (!config.clientId && !config.broker) problems.push(text.clientId);
  if (!config.clientSecret && !config.broker) problems.push(text.clientSecret);
  if (!config.redirectUri) problems.push(text.redirectUri);
  if (!config.apiBaseUrl) problems.push(text.apiBaseUrl);
  if (!config.graphqlVersion) problems.push(text.graphqlVersion);
  return problems;
}

export class Session {
  private readonly config: JobberConfig;
  private readonly tokenEndpoint: TokenEndpoint;
  private readonly jobberApi: JobberAccountApi;
  private readonly grantRevoker: GrantRevoker | null;
  private readonly store: TokenStore;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly logger: Logger;
  private readonly policy: RefreshPolicy;
  private readonly activity: ActivityLog;
  private readonly pending: PendingRequests;
  /** The only token endpoint this session sends a saved refresh token to (endpoint-binding.ts). */
  private readonly endpoint: EndpointBinding;
  private readonly listeners = new Set<(state: ConnectionState) => void>();

  private state: ConnectionState = { status: 'disconnected', lastError: null, notice: null };
  /** The working grant (in-memory truth). Null whenever tokens must not be used. */
  private live: StoredConnection | null = null;
  private connectAttempt: ConnectAttempt | null = null;
  /** Set from the accepted callback until the Connect settles. */
  private completion: Completion | null = null;
  /** Bumped whenever the grant is replaced or dropped: late results of older work are discarded. */
  private generation = 0;
  private storeChain: Promise<unknown> = Promise.resolve();
  private started = false;
  private stopped = false;
  private disconnecting = false;
  /** The needs-reconnect state as it was before a failed reconnect prefixed its message. */
  private reconnectBase: ConnectionState | null = null;
  /** The token pair pinned in the redactor (the current one); unpinned when replaced. */
  private pinnedTokens: string[] = [];

  private readonly connectTimer: DeadlineTimer;
  private readonly tokenClock: TokenClockNotes;
  /** The refresh pipeline (single flight, schedule, backoff, save retries) for the live grant. */
  private readonly refresher: RefreshRunner;

  constructor(options: SessionOptions) {
    this.config = options.config;
    this.tokenEndpoint = options.tokenEndpoint;
    this.jobberApi = options.jobberApi;
    this.grantRevoker = options.grantRevoker ?? null;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = createRedactingLogger(options.logger ?? silentLogger);
    this.policy = resolvePolicy(options.policy);
    this.activity = new ActivityLog({ clock: this.clock, logger: this.logger, onChange: () => this.emit() });
    this.pending = new PendingRequests(this.clock);
    this.endpoint = endpointBindingFor(this.config);
    this.connectTimer = new DeadlineTimer(this.clock, this.policy.maxTimerMs);
    this.tokenClock = new TokenClockNotes(this.activity);
    this.refresher = new RefreshRunner({
      clock: this.clock,
      random: this.random,
      policy: this.policy,
      activity: this.activity,
      tokenEndpoint: this.tokenEndpoint,
      jobberApi: this.jobberApi,
      live: () => this.live,
      setLive: (live) => {
        this.live = live;
      },
      generation: () => this.generation,
      bumpGeneration: () => (this.generation += 1),
      state: () => this.state,
      setState: (next) => this.setState(next),
      halted: () => this.stopped || this.disconnecting,
      persist: (gen, record) => this.persist(gen, record),
      pinTokens: (tokens) => this.pinTokens(tokens),
      noteTokenClock: (tokens) => this.tokenClock.note(tokens),
      notConnectedError: () => this.notConnectedError(),
      viaBroker: this.config.broker !== undefined,
    });
    // The longest-lived secret: never allowed to drop out of exact-value redaction.
    if (this.config.clientSecret) pinSecret(this.config.clientSecret);
  }

  // ---------------------------------------------------------------------------------------------
  // Views

  /** The renderer-safe view of the connection (a copy; never holds a token). */
  getState(): ConnectionState {
    return structuredClone(this.state);
  }

  /** Activity entries, newest first, at most 50, already redacted. */
  getActivity(): ActivityEntry[] {
    return this.activity.entries();
  }

  /** Calls `listener` with the state after every state change and every new activity entry. */
  subscribe(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up

  /**
   * Loads the store and settles into disconnected / connected (refresh scheduled, or run at once
   * when the token is expired or nearly so, or a crash marker is found) / needs-reconnect /
   * storage-unavailable. Resolves once settled. Never throws.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const problems = configProblems(this.config);
    if (problems.length > 0) {
      this.setState({ status: 'not-configured', problems });
      this.activity.warning(MESSAGES.notConfigured(problems));
      return;
    }
    let result: StoreLoadResult;
    try {
      result = await this.enqueue(() => this.store.load());
    } catch (error) {
      const message = MESSAGES.storeReadFailed(describeError(error));
      this.setState({ status: 'storage-unavailable', reason: 'store-unreadable', message });
      this.activity.error(message);
      return;
    }
    if (this.stopped) return;
    switch (result.kind) {
      case 'empty':
        this.setState({ status: 'disconnected', lastError: null, notice: null });
        this.activity.info(MESSAGES.noSavedConnection);
        return;
      case 'unreadable':
        this.settleUnreadable(result.reason, result.message);
        return;
      case 'loaded':
        await this.settleLoaded(result.connection);
        return;
    }
  }

  private settleUnreadable(reason: Extract<StoreLoadResult, { kind: 'unreadable' }>['reason'], detail: string): void {
    if (reason === 'unavailable' || reason === 'basic-text') {
      const which = reason === 'basic-text' ? 'basic-text' : 'no-keyring';
      const message = MESSAGES.storageUnavailable(which, detail);
      this.setState({ status: 'storage-unavailable', reason: which, message });
      this.activity.error(message);
      return;
    }
    const message = MESSAGES.storeUnreadable(reason, detail);
    this.setState({ status: 'needs-reconnect', reason: 'storage-changed', account: null, message });
    this.activity.error(message);
  }

  private async settleLoaded(connection: StoredConnection): Promise<void> {
    this.pinTokens(connection.tokens);
    if (connection.endpoint && !sameEndpoint(connection.endpoint, this.endpoint)) {
      // Never spent: the record stays as it is, for the endpoint that issued it.
      const message = MESSAGES.endpointChanged(describeEndpoint(connection.endpoint), describeEndpoint(this.endpoint));
      this.setState({ status: 'needs-reconnect', reason: 'endpoint-changed', account: connection.account, message });
      this.activity.warning(message);
      return;
    }
    if (connection.lastRefresh?.result === 'rejected') {
      const message = connection.lastRefresh.message ?? rejectedMessage('refresh-rejected', connection.account);
      this.setState({ status: 'needs-reconnect', reason: 'refresh-rejected', account: connection.account, message });
      this.activity.warning(MESSAGES.refusedEarlier(message));
      return;
    }
    this.live = connection;
    this.activity.info(MESSAGES.loaded(connection.account));
    if (connection.refreshInFlight) {
      this.activity.warning(MESSAGES.crashMarkerFound, {
        refreshTokenFingerprint: connection.refreshInFlight.refreshTokenFingerprint,
        startedAt: connection.refreshInFlight.startedAt,
      });
      await this.refresher.refresh('interrupted').catch(() => undefined);
      return;
    }
    const due = this.refresher.enterConnected();
    if (due) await this.refresher.refresh('startup').catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Connect

  /**
   * Starts a Connect: a pending request (32-byte state, 10 minutes, single use) and the authorize
   * URL; state → connecting. A Connect already pending is returned as is (`alreadyPending`).
   * Throws AuthError 'storage' in storage-unavailable, 'misconfigured' when not configured, and
   * 'already-connected' while a working grant exists (disconnect first) or while a sign-in Jobber
   * already approved is being finished.
   */
  beginConnect(): { authorizeUrl: string; expiresAt: number; alreadyPending: boolean; request?: { state: string; codeChallenge: string } } {
    if (this.state.status === 'not-configured') {
      throw new AuthError('misconfigured', MESSAGES.notConfigured(this.state.problems));
    }
    if (this.state.status === 'storage-unavailable') throw new AuthError('storage', this.state.message);
    if (this.completion && !this.completion.abandoned) throw new AuthError('already-connected', MESSAGES.stillFinishing);
    const current = this.connectAttempt;
    if (current && this.pending.hasPending() && this.clock.now() < current.expiresAt) {
      return { authorizeUrl: current.authorizeUrl, expiresAt: current.expiresAt, alreadyPending: true };
    }
    if (current) this.endConnectAttempt();
    if (this.live) throw new AuthError('already-connected', MESSAGES.alreadyConnected);
    const resting: ConnectionState =
      current?.resting ??
      (this.state.status === 'needs-reconnect' && this.reconnectBase ? this.reconnectBase : this.state);
    const { state, codeChallenge, expiresAt } = this.pending.create();
    const authorizeUrl = buildAuthorizeUrl(this.config, state, codeChallenge);
    const startedAt = this.clock.now();
    this.connectAttempt = { authorizeUrl, startedAt, expiresAt, resting: structuredClone(resting) };
    this.connectTimer.arm(expiresAt, () => this.cancelConnect('timeout'));
    this.setState({ status: 'connecting', startedAt, expiresAt, mode: this.config.authMode });
    this.activity.info(MESSAGES.signInOpened);
    // Broker mode: `request` is what the broker's authorize step needs (the verifier stays with the pending request).
    if (this.config.broker) return { authorizeUrl, expiresAt, alreadyPending: false, request: { state, codeChallenge } };
    return { authorizeUrl, expiresAt, alreadyPending: false };
  }

  /**
   * True when `callbackUrl` carries exactly one `state` and it is a pending Connect's. Uses nothing
   * up (completeConnect does the real check); lets the loopback receiver refuse foreign requests.
   */
  expectsCallback(callbackUrl: string): boolean {
    let states: string[];
    try {
      states = new URL(callbackUrl).searchParams.getAll('state');
    } catch {
      return false;
    }
    return states.length === 1 && this.pending.recognises(states[0] ?? '');
  }

  /**
   * Finishes a Connect from the callback URL: validates it, exchanges the code, persists the
   * tokens, fetches the account, persists again, then says connected. On failure returns to the
   * resting state (disconnected with lastError, or needs-reconnect with the old record kept) and
   * rethrows the AuthError. A callback failing state validation leaves a still-valid pending
   * request alone (a forged callback must not kill the real sign-in). Cancel, Disconnect or stop
   * arriving meanwhile win: throws 'cancelled' and keeps nothing (see the module header). `source`
   * says who delivered it (see CallbackSource): only the auth window's bare redirect means Deny.
   */
  async completeConnect(callbackUrl: string, source: CallbackSource = 'auth-window'): Promise<void> {
    const attempt = this.connectAttempt;
    const parsed = parseCallback(callbackUrl, this.config.redirectUri, this.pending, source, this.config.broker ? 'handoff' : 'code');
    if (!parsed.ok) {
      const error = parsed.error;
      if (attempt && STATE_VALIDATION_FAILURES.has(error.kind) && this.pending.hasPending()) {
        this.activity.warning(MESSAGES.ignoredForeignCallback(error.message));
        throw error;
      }
      if (attempt) {
        this.endConnectAttempt();
        this.returnToResting(attempt.resting, error);
      } else {
        this.activity.warning(MESSAGES.ignoredCallback(error.message));
      }
      throw error;
    }
    if (!attempt) {
      // parseCallback matched a pending request, so an attempt must exist; be defensive anyway.
      const error = new AuthError('unknown-state', MESSAGES.noConnectInProgress);
      this.activity.warning(error.message);
      throw error;
    }
    this.endConnectAttempt();
    const completion: Completion = { abandoned: this.stopped ? 'stop' : null, resting: attempt.resting };
    this.completion = completion;
    try {
      await this.finishConnect(parsed, attempt, completion);
    } finally {
      if (this.completion === completion) this.completion = null;
    }
  }

  private async finishConnect(
    { code, codeVerifier }: { code: string; codeVerifier: string },
    attempt: ConnectAttempt,
    completion: Completion,
  ): Promise<void> {
    // The state stays 'connecting'; this entry says the wait is now on Jobber's answer, and Cancel
    // still works (it abandons the answer).
    this.activity.info(MESSAGES.finishingSignIn);

    let tokens: TokenSet;
    try {
      tokens = await this.tokenEndpoint.exchangeCode(code, codeVerifier);
    } catch (error) {
      const failure = toAuthError(error);
      if (completion.abandoned) throw new AuthError('cancelled', MESSAGES.signInCancelled);
      this.returnToResting(attempt.resting, failure);
      throw failure;
    }
    if (completion.abandoned) return this.abandonApproved(tokens, completion.abandoned, null);
    this.pinTokens(tokens);
    this.tokenClock.note(tokens);

    this.generation += 1;
    const gen = this.generation;
    const now = this.clock.now();
    let record: StoredConnection = {
      version: 1,
      tokens: storable(tokens),
      account: null,
      connectedAt: now,
      lastRefresh: null,
      refreshInFlight: null,
      endpoint: this.endpoint,
    };
    let saved: boolean;
    try {
      // Checked inside the queue, so a Disconnect's wipe or stop() queued first always wins.
      saved = await this.enqueue(async () => {
        if (completion.abandoned) return false;
        await this.store.save(record);
        return true;
      });
    } catch (error) {
      const failure = new AuthError('storage', MESSAGES.saveAfterApprovalFailed(describeError(error)));
      if (completion.abandoned) return this.abandonApproved(tokens, completion.abandoned, null);
      this.returnToResting(attempt.resting, failure);
      throw failure;
    }
    if (!saved || completion.abandoned) return this.abandonApproved(tokens, completion.abandoned ?? 'cancel', saved ? gen : null);

    try {
      const account = await this.jobberApi.fetchAccount(tokens.accessToken);
      record = { ...record, account };
      try {
        await this.persist(gen, record, completion);
      } catch (error) {
        this.activity.warning(MESSAGES.accountNameNotSaved(describeError(error)));
      }
    } catch (error) {
      this.activity.warning(MESSAGES.accountNotIdentified(describeError(error)));
    }
    if (completion.abandoned) return this.abandonApproved(tokens, completion.abandoned, gen);
    if (gen !== this.generation || this.stopped) {
      throw new AuthError('cancelled', MESSAGES.closedDuringSetup);
    }
    this.live = record;
    this.refresher.resetBackoff();
    this.activity.info(MESSAGES.connected(record.account));
    this.refresher.enterConnected();
  }

  /**
   * A sign-in Jobber approved was abandoned (Cancel, Disconnect, quit). Keeps nothing: removes the
   * record if it was already saved as generation `savedGen` (a Disconnect's own wipe covers that
   * case too), and tells Jobber the grant is not wanted, except when quitting. Always throws
   * 'cancelled'.
   */
  private async abandonApproved(tokens: TokenSet, reason: Abandon, savedGen: number | null): Promise<never> {
    this.unpinTokensOf(tokens);
    if (reason === 'stop' || this.stopped) {
      this.logger.warn(MESSAGES.discardedAtShutdown);
      throw new AuthError('cancelled', MESSAGES.discardedAtShutdown);
    }
    if (savedGen !== null && reason === 'cancel') {
      this.generation += 1;
      await this.enqueue(() => this.store.clear()).catch((error: unknown) =>
        this.activity.error(MESSAGES.disconnectWipeFailed(describeError(error))),
      );
      // The record a reconnect was meant to replace has been overwritten: nothing is kept now.
      if (!this.live && !this.connectAttempt && this.state.status === 'needs-reconnect') {
        this.setState({ status: 'disconnected', lastError: null, notice: MESSAGES.signInCancelled });
      }
    }
    const outcome = await this.tellJobberGivenUp(tokens);
    this.activity.add(outcome.notified ? 'info' : 'warning', MESSAGES.discardedApproved(outcome.notified, outcome.problem));
    throw new AuthError('cancelled', MESSAGES.signInCancelled);
  }

  /**
   * Takes a grant obtained outside the authorize flow (broker mode: a confirmed Marketplace
   * pairing): persists it, then connected. Refused ('already-connected') while a working grant
   * exists or a sign-in is being finished; a pending Connect attempt ends (this account was chosen
   * instead). Check canAdoptGrant() before obtaining the grant.
   */
  async adoptGrant(tokens: TokenSet, account: AccountSummary): Promise<void> {
    const refusal = this.adoptionRefusal();
    if (refusal) throw refusal;
    if (this.connectAttempt) this.endConnectAttempt();
    this.pinTokens(tokens);
    this.generation += 1;
    const gen = this.generation;
    const record: StoredConnection = {
      version: 1,
      tokens: storable(tokens),
      account,
      connectedAt: this.clock.now(),
      lastRefresh: null,
      refreshInFlight: null,
    };
    let saved = false;
    try {
      saved = await this.persist(gen, record);
    } catch (error) {
      this.unpinTokensOf(tokens);
      throw new AuthError('storage', MESSAGES.saveAfterApprovalFailed(describeError(error)));
    }
    if (!saved || gen !== this.generation || this.stopped) {
      this.unpinTokensOf(tokens);
      throw new AuthError('cancelled', MESSAGES.closedDuringSetup);
    }
    this.live = record;
    this.refresher.resetBackoff();
    this.activity.info(MESSAGES.connected(account));
    this.refresher.enterConnected();
  }

  /** Null when adoptGrant would accept a grant now, else the error it would throw. */
  adoptionRefusal(): AuthError | null {
    if (this.state.status === 'not-configured') return new AuthError('misconfigured', MESSAGES.notConfigured(this.state.problems));
    if (this.state.status === 'storage-unavailable') return new AuthError('storage', this.state.message);
    if (this.live) return new AuthError('already-connected', MESSAGES.alreadyConnected);
    if (this.completion && !this.completion.abandoned) return new AuthError('already-connected', MESSAGES.stillFinishing);
    if (this.stopped) return new AuthError('cancelled', MESSAGES.closedDuringSetup);
    return null;
  }

  /**
   * The working grant's long-lived credential (broker mode: the device credential, for the broker's
   * event stream), or null. Main process only: never for the renderer, logs or errors.
   */
  grantCredential(): string | null {
    return this.live?.tokens.refreshToken ?? null;
  }

  /** The person closed the window, the request timed out, or Cancel: back to the resting state. */
  cancelConnect(reason: 'closed' | 'timeout' | 'cancelled' | 'load-failed', detail?: string): void {
    const attempt = this.connectAttempt;
    if (!attempt) {
      // Past the callback, Cancel still works: Jobber's answer will be dropped when it comes.
      const completion = this.completion;
      if (completion && this.abandonCompletion('cancel')) this.settleCancelled(completion.resting, 'cancelled', MESSAGES.signInCancelled);
      return;
    }
    this.endConnectAttempt();
    const suffix = detail ? ` (${redact(detail)})` : '';
    const texts = MESSAGES.cancelText;
    const text = reason === 'load-failed' ? texts['load-failed'](suffix) : texts[reason];
    this.settleCancelled(attempt.resting, reason, text);
  }

  /** Marks a sign-in being finished as abandoned; false when there is none (or it already was). */
  private abandonCompletion(reason: Abandon): boolean {
    const completion = this.completion;
    if (!completion || completion.abandoned) return false;
    completion.abandoned = reason;
    return true;
  }

  private settleCancelled(resting: ConnectionState, reason: 'closed' | 'timeout' | 'cancelled' | 'load-failed', text: string): void {
    if (resting.status === 'disconnected') {
      const lastError =
        reason === 'timeout' ? { kind: 'expired-state' as const, message: text } : reason === 'load-failed' ? { kind: 'network' as const, message: text } : null;
      this.setState({ status: 'disconnected', lastError, notice: lastError ? null : text });
    } else {
      this.setState(resting);
    }
    this.activity.add(reason === 'load-failed' ? 'error' : reason === 'timeout' ? 'warning' : 'info', text);
  }

  private endConnectAttempt(): void {
    this.connectTimer.clear();
    this.pending.cancelAll();
    this.connectAttempt = null;
  }

  private returnToResting(resting: ConnectionState, error: AuthError): void {
    if (resting.status === 'needs-reconnect') {
      this.setState({ ...resting, message: MESSAGES.reconnectFailed(error.message, resting.message) });
      // The next attempt returns to the original wording, not to this one (no stacking).
      this.reconnectBase = resting;
    } else {
      this.setState({ status: 'disconnected', lastError: { kind: error.kind, message: error.message }, notice: null });
    }
    this.activity.add(error.kind === 'denied' ? 'warning' : 'error', MESSAGES.connectFailed(error.message));
  }

  // ---------------------------------------------------------------------------------------------
  // Tokens for API callers

  /**
   * A valid access token. Refreshes first when it expires within the caller margin (single
   * flight). Throws AuthError 'not-connected' without a grant; while offline with an expired
   * token, the last transient error. While offline with a still-valid token, returns it.
   */
  async getAccessToken(): Promise<string> {
    const live = this.live;
    if (!live) throw this.notConnectedError();
    const now = this.clock.now();
    const { accessToken, accessTokenExpiresAt } = live.tokens;
    if (this.state.status === 'offline-retrying' && !this.refresher.inFlight) {
      // Backing off: do not turn every API call into a refresh attempt.
      if (now < accessTokenExpiresAt) return accessToken;
      throw this.refresher.lastTransientError ?? new AuthError('network', MESSAGES.offlineExpired);
    }
    // Still good for longer than the caller margin: hand it out, even while a refresh runs.
    if (now + callerMargin(live.tokens, this.policy) < accessTokenExpiresAt) return accessToken;
    try {
      return (await this.refresher.refresh('caller')).accessToken;
    } catch (error) {
      const current = this.live;
      if (isAuthError(error) && (error.transient || error.kind === 'storage') && current && this.clock.now() < current.tokens.accessTokenExpiresAt) {
        return current.tokens.accessToken;
      }
      throw error;
    }
  }

  /**
   * The API answered 401 for `tokenUsed`. If it is still the current token, refresh (single
   * flight) and return the new one; if a refresh is running or already replaced it, return the
   * current token without another request.
   */
  async reportUnauthorized(tokenUsed: string): Promise<string> {
    if (!this.live) throw this.notConnectedError();
    const inFlight = this.refresher.inFlight;
    if (inFlight) return (await inFlight).accessToken;
    if (this.live.tokens.accessToken !== tokenUsed) return this.getAccessToken();
    return (await this.refresher.refresh('unauthorized')).accessToken;
  }

  /** Jobber said "User has disconnected this app": the grant is gone → needs-reconnect. */
  reportDisconnectedInJobber(): void {
    if (!this.live) return;
    this.refresher.loseGrant('disconnected-in-jobber', rejectedMessage('disconnected-in-jobber', this.live.account));
  }

  /** Person-initiated refresh. Throws the AuthError on failure; the state is updated either way. */
  async refreshNow(): Promise<void> {
    // After 'refusing-to-renew' the grant was set aside, not lost: Retry puts it back to work.
    if (!this.live && !this.refresher.unpark()) throw this.notConnectedError();
    await this.refresher.refresh('manual');
  }

  private notConnectedError(): AuthError {
    const state = this.state;
    if (state.status === 'needs-reconnect' || state.status === 'storage-unavailable') return new AuthError('not-connected', state.message);
    return new AuthError('not-connected', MESSAGES.notConnected);
  }

  // ---------------------------------------------------------------------------------------------
  // Outside events

  /** The computer woke up: timers drifted, so check every deadline now (refresh if due/overdue). */
  systemResumed(): void {
    this.activity.info(MESSAGES.woke);
    this.connectTimer.check();
    this.refresher.resume();
  }

  /** The network came back: if waiting to retry, retry now. */
  networkOnline(): void {
    if (this.state.status !== 'offline-retrying' || !this.live || this.refresher.inFlight || this.stopped || this.disconnecting) return;
    void this.refresher.refresh('online').catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Disconnect and shutdown

  /**
   * Tells Jobber (appDisconnect, bounded by policy.disconnectTimeoutMs), then wipes the local
   * tokens whether or not Jobber could be told. Without a working grant (needs-reconnect,
   * storage-changed, …) it only wipes the saved sign-in, without calling Jobber. During the code
   * exchange it abandons the sign-in. Never throws; the message says what happened.
   */
  async disconnect(): Promise<{ jobberNotified: boolean; message: string }> {
    if (this.connectAttempt) this.endConnectAttempt();
    const duringSignIn = this.abandonCompletion('disconnect');
    this.disconnecting = true;
    this.refresher.clearTimers();
    let jobberNotified = false;
    let problem = '';
    const live = this.live;
    const hadGrant = live !== null;
    if (hadGrant) {
      this.activity.info(MESSAGES.disconnecting);
      const outcome = await this.notifyJobber();
      jobberNotified = outcome.notified;
      problem = outcome.problem;
    }
    this.generation += 1;
    const dropped = this.live ?? live;
    this.live = null;
    this.refresher.forget();
    let wiped = true;
    let wipeProblem = '';
    try {
      await this.enqueue(() => this.store.clear());
    } catch (error) {
      wiped = false;
      wipeProblem = describeError(error);
    }
    this.disconnecting = false;
    if (dropped) this.unpinTokensOf(dropped.tokens);

    let message: string;
    if (!wiped) {
      message = MESSAGES.disconnectWipeFailed(wipeProblem);
    } else if (duringSignIn) {
      message = MESSAGES.disconnectedDuringSignIn;
    } else if (!hadGrant) {
      message = MESSAGES.removedSaved;
    } else if (jobberNotified) {
      message = MESSAGES.disconnectedTold;
    } else {
      message = MESSAGES.disconnectedNotTold(problem);
    }
    if (this.state.status === 'storage-unavailable') {
      // Nothing to connect with until storage works again: stay where Connect is refused.
      this.setState({ ...this.state });
    } else {
      this.setState({ status: 'disconnected', lastError: wiped ? null : { kind: 'storage', message }, notice: message });
    }
    this.activity.add(wiped && (jobberNotified || !hadGrant) ? 'info' : 'warning', message);
    return { jobberNotified, message };
  }

  private notifyJobber(): Promise<NotifyJobberOutcome> {
    const live = this.live;
    if (this.grantRevoker && live) return this.grantRevoker.revoke(live.tokens.refreshToken, this.policy.disconnectTimeoutMs);
    return notifyJobberOfDisconnect({
      clock: this.clock,
      jobberApi: this.jobberApi,
      timeoutMs: this.policy.disconnectTimeoutMs,
      accessToken: () => this.tokenForDisconnect(),
      renew: () => (this.live ? this.refresher.refresh('disconnect').then((tokens) => tokens.accessToken) : null),
    });
  }

  /** appDisconnect (broker mode: the broker) for a grant this session will not keep (a cancelled sign-in), bounded. */
  private tellJobberGivenUp(tokens: TokenSet): Promise<NotifyJobberOutcome> {
    if (this.grantRevoker) return this.grantRevoker.revoke(tokens.refreshToken, this.policy.disconnectTimeoutMs);
    return notifyJobberOfDisconnect({
      clock: this.clock,
      jobberApi: this.jobberApi,
      timeoutMs: this.policy.disconnectTimeoutMs,
      accessToken: () => Promise.resolve(tokens.accessToken),
    });
  }

  private async tokenForDisconnect(): Promise<string> {
    const inFlight = this.refresher.inFlight;
    if (inFlight) return (await inFlight).accessToken;
    const live = this.live;
    if (!live) throw this.notConnectedError();
    if (this.clock.now() < live.tokens.accessTokenExpiresAt) return live.tokens.accessToken;
    return (await this.refresher.refresh('disconnect')).accessToken;
  }

  /**
   * Shutdown: clears timers, abandons a sign-in being finished (nothing more is written for it),
   * lets an in-flight refresh finish persisting (bounded by policy.shutdownWaitMs, longer than the
   * token request timeout), retries an outstanding save once, and waits for queued store writes.
   * Leaves the store consistent (at worst with a crash marker, handled at next start).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.refresher.clearTimers();
    if (this.connectAttempt) {
      this.connectTimer.clear();
      this.pending.cancelAll();
      this.connectAttempt = null;
    }
    this.abandonCompletion('stop');
    const inFlight = this.refresher.inFlight;
    if (inFlight) {
      this.activity.info(MESSAGES.finishingRenewal);
      let handle: TimerHandle | null = null;
      const bound = new Promise<void>((resolve) => {
        handle = this.clock.setTimer(this.policy.shutdownWaitMs, resolve);
      });
      await Promise.race([inFlight.then(() => undefined, () => undefined), bound]);
      if (handle !== null) this.clock.clearTimer(handle);
    }
    const flush = this.refresher.flushUnsaved((error: unknown) => this.logger.error(MESSAGES.shutdownSaveFailed(describeError(error))));
    if (flush) await flush;
    await this.storeChain.catch(() => undefined);
    this.logger.info('Session stopped.');
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing

  /** Store operations run one at a time, in order: a clear can never be overtaken by an older save. */
  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.storeChain.then(operation, operation);
    this.storeChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Saves `record` unless the grant was replaced or dropped since `gen`, or the sign-in it belongs
   * to (`completion`) was abandoned meanwhile (then resolves false).
   */
  private persist(gen: number, record: StoredConnection, completion?: Completion): Promise<boolean> {
    return this.enqueue(async () => {
      if (gen !== this.generation || completion?.abandoned) return false;
      // Binds records from before endpoints were recorded (only a matching record is ever live).
      await this.store.save({ ...record, endpoint: this.endpoint });
      return true;
    });
  }

  /**
   * Pins the current pair in the redactor (never evicted, however many one-shot values follow)
   * and returns the previous pair to the bounded list, where it stays scrubbed for a while.
   */
  private pinTokens(tokens: TokenSet): void {
    const next = [tokens.accessToken, tokens.refreshToken];
    for (const old of this.pinnedTokens) if (!next.includes(old)) unpinSecret(old);
    for (const value of next) pinSecret(value);
    this.pinnedTokens = next;
  }

  /** A pair this session no longer holds: back to the bounded list (still scrubbed for a while). */
  private unpinTokensOf(tokens: TokenSet): void {
    const dropped = [tokens.accessToken, tokens.refreshToken];
    for (const value of dropped) unpinSecret(value);
    this.pinnedTokens = this.pinnedTokens.filter((value) => !dropped.includes(value));
  }

  private setState(next: ConnectionState): void {
    this.state = next;
    this.reconnectBase = null;
    this.logger.info('Connection state changed.', { status: next.status });
    this.emit();
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const snapshot = this.getState();
    for (const listener of [...this.listeners]) {
      try {
        listener(snapshot);
      } catch (error) {
        this.logger.error(`A state listener failed: ${describeError(error)}`);
      }
    }
  }
}
