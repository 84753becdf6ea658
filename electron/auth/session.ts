/**
 * The connection state machine: Connect (pending request → callback → code exchange → account →
 * persist → connected), rotation-safe refresh (single flight, crash marker, persist before use,
 * scheduled ahead of expiry, backoff while offline), reactions to Jobber's verdicts (rejected grant,
 * disconnected in Jobber) and Disconnect. Everything outside reaches it through ports (clock,
 * random, logger, token store, token endpoint, account API); no Electron, no direct I/O.
 *
 * Invariants:
 * - A refresh token is spent only after a marker saying so is persisted, and the pair it buys is
 *   persisted before anything (state, callers) uses it. At most one refresh is in flight, ever.
 * - The stored record is replaced only by a successful connect or refresh, and removed only by
 *   Disconnect. A rejected grant, unreadable storage or a failed reconnect keep it.
 * - Nothing that leaves this module (state, activity, errors, logs) carries a token, code or state.
 *
 * Decisions the brief left open:
 * - 'misconfigured' on refresh (Jobber refused the client id/secret): the grant is unusable with this
 *   configuration, so state → needs-reconnect ('refresh-rejected') with a message pointing at
 *   Settings. The stored tokens are kept with the crash marker cleared and the outcome NOT recorded
 *   as rejected, so once the credentials are fixed (a new session) the saved sign-in is tried again.
 * - A failed account fetch right after Connect does not fail the Connect: tokens are already
 *   persisted; the state shows "Unknown account" and the fetch is retried after the next refresh.
 * - A record whose last refresh was rejected loads straight into needs-reconnect, without spending
 *   a request on a refresh token Jobber already refused.
 * - start() resolves after any refresh it had to run at once (expired token, crash marker), so the
 *   state is settled when it returns; state changes are published as they happen meanwhile.
 */
import type { AccountSummary, ConnectionState, GrantDetails, NeedsReconnectReason, ActivityEntry } from './connection-state';
import type { JobberConfig } from './config-types';
import { AuthError, isAuthError, isTransient } from './errors';
import { ActivityLog } from './activity-log';
import { buildAuthorizeUrl } from './authorize-request';
import { parseCallback } from './callback-parser';
import { PendingRequests } from './pending-requests';
import {
  type Clock,
  type JobberAccountApi,
  type Logger,
  type RandomSource,
  type StoreLoadResult,
  type TimerHandle,
  type TokenEndpoint,
  type TokenStore,
  silentLogger,
  systemClock,
} from './ports';
import { createRedactingLogger, describeError, fingerprint, redact, registerSecret } from './redact';
import { type RefreshPolicy, backoffDelay, callerMargin, nextRefreshAt, resolvePolicy } from './refresh-policy';
import type { StoredConnection, TokenSet } from './token-model';

export interface SessionOptions {
  config: JobberConfig;
  tokenEndpoint: TokenEndpoint;
  jobberApi: JobberAccountApi;
  store: TokenStore;
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
  policy?: Partial<RefreshPolicy>;
}

/** Shown while the account name could not be fetched yet. */
export const UNKNOWN_ACCOUNT: Readonly<AccountSummary> = Object.freeze({ id: '', name: 'Unknown account' });

export const INTERRUPTED_REFRESH_MESSAGE =
  'The app was closed while renewing its Jobber sign-in and Jobber had already replaced it; reconnect to continue.';

export const LOST_ANSWER_MESSAGE =
  "A renewal of the Jobber sign-in was cut off before Jobber's answer arrived, and Jobber had already replaced the sign-in; reconnect to continue.";

/** Failures after which Jobber may have rotated the refresh token without us seeing the answer. */
const ANSWER_MAY_BE_LOST: ReadonlySet<AuthError['kind']> = new Set(['timeout', 'network', 'invalid-response']);

type RefreshTrigger = 'scheduled' | 'retry' | 'caller' | 'unauthorized' | 'manual' | 'startup' | 'interrupted' | 'resume' | 'online' | 'disconnect';

const TRIGGER_TEXT: Record<RefreshTrigger, string> = {
  scheduled: 'Renewing the Jobber access token ahead of its expiry.',
  retry: 'Retrying the Jobber token renewal.',
  caller: 'Renewing the Jobber access token: it was about to expire.',
  unauthorized: 'Jobber refused the access token; renewing it.',
  manual: 'Renewing the Jobber access token (requested).',
  startup: 'Renewing the saved Jobber access token: it had expired or was about to.',
  interrupted: 'Renewing the Jobber sign-in again: the app was closed while a renewal was in progress.',
  resume: 'Renewing the Jobber access token after the computer woke up.',
  online: 'Network is back; retrying the Jobber token renewal.',
  disconnect: 'Renewing the Jobber access token so Jobber can be told about the disconnect.',
};

interface ConnectAttempt {
  authorizeUrl: string;
  startedAt: number;
  expiresAt: number;
  /** The state to return to on cancel or failure (disconnected or needs-reconnect). */
  resting: ConnectionState;
}

/**
 * A timer for a wall-clock deadline. Each underlying timer is at most `maxTimerMs`, then the
 * deadline is re-checked against clock.now(): timers drift while the computer sleeps, and
 * setTimeout overflows past 2^31 ms.
 */
class DeadlineTimer {
  private handle: TimerHandle | null = null;
  private callback: (() => void) | null = null;
  private due = 0;

  constructor(
    private readonly clock: Clock,
    private readonly maxTimerMs: number,
  ) {}

  get dueAt(): number | null {
    return this.callback ? this.due : null;
  }

  arm(dueAt: number, callback: () => void): void {
    this.clear();
    this.due = dueAt;
    this.callback = callback;
    this.schedule();
  }

  clear(): void {
    if (this.handle !== null) this.clock.clearTimer(this.handle);
    this.handle = null;
    this.callback = null;
  }

  /** Fires now if the deadline has passed, otherwise re-arms against the current time. */
  check(): void {
    if (!this.callback) return;
    if (this.clock.now() >= this.due) {
      const callback = this.callback;
      this.clear();
      callback();
      return;
    }
    if (this.handle !== null) this.clock.clearTimer(this.handle);
    this.schedule();
  }

  private schedule(): void {
    const delay = Math.min(Math.max(0, this.due - this.clock.now()), this.maxTimerMs);
    this.handle = this.clock.setTimer(delay, () => {
      this.handle = null;
      this.check();
    });
  }
}

function clockTime(ms: number): string {
  const date = new Date(ms);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

function toAuthError(error: unknown, fallback: AuthError['kind'] = 'network'): AuthError {
  return isAuthError(error) ? error : new AuthError(fallback, describeError(error));
}

const STATE_VALIDATION_FAILURES: ReadonlySet<AuthError['kind']> = new Set([
  'state-mismatch',
  'unknown-state',
  'stateless-callback',
]);

/** Problems that make Connect impossible; an empty list means the config can be tried. */
function configProblems(config: JobberConfig): string[] {
  const problems: string[] = [];
  if (!config.clientId) problems.push('The Jobber client ID is not set.');
  if (!config.clientSecret) problems.push('The Jobber client secret is not set.');
  if (!config.redirectUri) problems.push('The OAuth callback URL is not set.');
  if (!config.apiBaseUrl) problems.push("Jobber's API address is not set.");
  if (!config.graphqlVersion) problems.push('The Jobber GraphQL API version is not set.');
  return problems;
}

export class Session {
  private readonly config: JobberConfig;
  private readonly tokenEndpoint: TokenEndpoint;
  private readonly jobberApi: JobberAccountApi;
  private readonly store: TokenStore;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly logger: Logger;
  private readonly policy: RefreshPolicy;
  private readonly activity: ActivityLog;
  private readonly pending: PendingRequests;
  private readonly listeners = new Set<(state: ConnectionState) => void>();

  private state: ConnectionState = { status: 'disconnected', lastError: null, notice: null };
  /** The working grant (in-memory truth). Null whenever tokens must not be used. */
  private live: StoredConnection | null = null;
  private connectAttempt: ConnectAttempt | null = null;
  private refreshPromise: Promise<TokenSet> | null = null;
  /** Consecutive transient failures, for backoff. */
  private attempt = 0;
  private lastTransientError: AuthError | null = null;
  /** The live record could not be persisted after a refresh; retried by saveRetryTimer. */
  private unsaved = false;
  private saveAttempts = 0;
  private accountFetchInFlight = false;
  /** Bumped whenever the grant is replaced or dropped: late results of older work are discarded. */
  private generation = 0;
  private storeChain: Promise<unknown> = Promise.resolve();
  private started = false;
  private stopped = false;
  private disconnecting = false;
  /** The needs-reconnect state as it was before a failed reconnect prefixed its message. */
  private reconnectBase: ConnectionState | null = null;

  private readonly refreshTimer: DeadlineTimer;
  private readonly connectTimer: DeadlineTimer;
  private readonly saveRetryTimer: DeadlineTimer;

  constructor(options: SessionOptions) {
    this.config = options.config;
    this.tokenEndpoint = options.tokenEndpoint;
    this.jobberApi = options.jobberApi;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = createRedactingLogger(options.logger ?? silentLogger);
    this.policy = resolvePolicy(options.policy);
    this.activity = new ActivityLog({ clock: this.clock, logger: this.logger, onChange: () => this.emit() });
    this.pending = new PendingRequests(this.clock);
    this.refreshTimer = new DeadlineTimer(this.clock, this.policy.maxTimerMs);
    this.connectTimer = new DeadlineTimer(this.clock, this.policy.maxTimerMs);
    this.saveRetryTimer = new DeadlineTimer(this.clock, this.policy.maxTimerMs);
    if (this.config.clientSecret) registerSecret(this.config.clientSecret);
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
      this.activity.warning(`Jobber Connect is not configured: ${problems.join(' ')}`);
      return;
    }
    let result: StoreLoadResult;
    try {
      result = await this.enqueue(() => this.store.load());
    } catch (error) {
      const message = `The saved Jobber sign-in could not be read (${describeError(error)}). Nothing was changed on disk.`;
      this.setState({ status: 'storage-unavailable', reason: 'store-unreadable', message });
      this.activity.error(message);
      return;
    }
    if (this.stopped) return;
    switch (result.kind) {
      case 'empty':
        this.setState({ status: 'disconnected', lastError: null, notice: null });
        this.activity.info('No saved Jobber connection; ready to connect.');
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
      const message =
        reason === 'basic-text'
          ? `This computer's keyring only offers plain-text storage, so the Jobber sign-in cannot be saved safely. ${detail}`
          : `No secure storage (keyring) is available to save the Jobber sign-in. ${detail}`;
      this.setState({ status: 'storage-unavailable', reason: reason === 'basic-text' ? 'basic-text' : 'no-keyring', message });
      this.activity.error(message);
      return;
    }
    const what =
      reason === 'decrypt-failed'
        ? 'The saved Jobber sign-in could not be decrypted on this computer'
        : reason === 'backend-changed'
          ? "The saved Jobber sign-in was encrypted with a different keyring than this computer's current one"
          : 'The saved Jobber sign-in is damaged';
    const message = `${what} (${detail}). The old data is kept until you reconnect.`;
    this.setState({ status: 'needs-reconnect', reason: 'storage-changed', account: null, message });
    this.activity.error(message);
  }

  private async settleLoaded(connection: StoredConnection): Promise<void> {
    registerSecret(connection.tokens.accessToken);
    registerSecret(connection.tokens.refreshToken);
    if (connection.lastRefresh?.result === 'rejected') {
      const message = connection.lastRefresh.message ?? this.rejectedMessage('refresh-rejected', connection.account);
      this.setState({ status: 'needs-reconnect', reason: 'refresh-rejected', account: connection.account, message });
      this.activity.warning(`The saved Jobber sign-in was refused by Jobber earlier: ${message}`);
      return;
    }
    this.live = connection;
    this.activity.info(`Loaded the saved connection to ${this.accountName(connection.account)}.`);
    if (connection.refreshInFlight) {
      this.activity.warning('The app was closed while renewing the Jobber sign-in; checking it now.', {
        refreshTokenFingerprint: connection.refreshInFlight.refreshTokenFingerprint,
        startedAt: connection.refreshInFlight.startedAt,
      });
      await this.refresh('interrupted').catch(() => undefined);
      return;
    }
    const due = this.enterConnected();
    if (due) await this.refresh('startup').catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Connect

  /**
   * Starts a Connect: a pending request (32-byte state, 10 minutes, single use) and the authorize
   * URL; state → connecting. A Connect already pending is returned as is (`alreadyPending`).
   * Throws AuthError 'storage' in storage-unavailable, 'misconfigured' when not configured, and
   * 'cancelled' while a working grant exists (disconnect first).
   */
  beginConnect(): { authorizeUrl: string; expiresAt: number; alreadyPending: boolean } {
    if (this.state.status === 'not-configured') {
      throw new AuthError('misconfigured', `Jobber Connect is not configured: ${this.state.problems.join(' ')}`);
    }
    if (this.state.status === 'storage-unavailable') throw new AuthError('storage', this.state.message);
    const current = this.connectAttempt;
    if (current && this.pending.hasPending() && this.clock.now() < current.expiresAt) {
      return { authorizeUrl: current.authorizeUrl, expiresAt: current.expiresAt, alreadyPending: true };
    }
    if (current) this.endConnectAttempt();
    if (this.live) {
      throw new AuthError('cancelled', 'Already connected to Jobber; disconnect first to connect another account.');
    }
    const resting: ConnectionState =
      current?.resting ??
      (this.state.status === 'needs-reconnect' && this.reconnectBase ? this.reconnectBase : this.state);
    const { state, expiresAt } = this.pending.create();
    const authorizeUrl = buildAuthorizeUrl(this.config, state);
    const startedAt = this.clock.now();
    this.connectAttempt = { authorizeUrl, startedAt, expiresAt, resting: structuredClone(resting) };
    this.connectTimer.arm(expiresAt, () => this.cancelConnect('timeout'));
    this.setState({ status: 'connecting', startedAt, expiresAt, mode: this.config.authMode });
    this.activity.info('Opened Jobber sign-in; waiting for approval.');
    return { authorizeUrl, expiresAt, alreadyPending: false };
  }

  /**
   * Finishes a Connect from the callback URL: validates it, exchanges the code, persists the
   * tokens, fetches the account, persists again, then says connected. On failure returns to the
   * resting state (disconnected with lastError, or needs-reconnect with the old record kept) and
   * rethrows the AuthError. A callback failing state validation leaves a still-valid pending
   * request alone (a forged callback must not kill the real sign-in).
   */
  async completeConnect(callbackUrl: string): Promise<void> {
    const attempt = this.connectAttempt;
    const parsed = parseCallback(callbackUrl, this.config.redirectUri, this.pending);
    if (!parsed.ok) {
      const error = parsed.error;
      if (attempt && STATE_VALIDATION_FAILURES.has(error.kind) && this.pending.hasPending()) {
        this.activity.warning(`Ignored a sign-in response that does not belong to this Connect: ${error.message}`);
        throw error;
      }
      if (attempt) {
        this.endConnectAttempt();
        this.returnToResting(attempt.resting, error);
      } else {
        this.activity.warning(`Ignored a sign-in response: ${error.message}`);
      }
      throw error;
    }
    if (!attempt) {
      // parseCallback matched a pending request, so an attempt must exist; be defensive anyway.
      const error = new AuthError('unknown-state', 'A sign-in response arrived, but no Connect is in progress.');
      this.activity.warning(error.message);
      throw error;
    }
    this.endConnectAttempt();
    this.activity.info('Jobber approved the connection; exchanging the authorization code.');

    let tokens: TokenSet;
    try {
      tokens = await this.tokenEndpoint.exchangeCode(parsed.code);
    } catch (error) {
      const failure = toAuthError(error);
      this.returnToResting(attempt.resting, failure);
      throw failure;
    }
    registerSecret(tokens.accessToken);
    registerSecret(tokens.refreshToken);
    if (tokens.expirySource === 'default') {
      this.activity.warning("Jobber's access token carried no expiry; assuming the documented 60 minutes.");
    }

    this.generation += 1;
    const gen = this.generation;
    const now = this.clock.now();
    let record: StoredConnection = { version: 1, tokens, account: null, connectedAt: now, lastRefresh: null, refreshInFlight: null };
    try {
      await this.enqueue(() => this.store.save(record));
    } catch (error) {
      const failure = new AuthError(
        'storage',
        `Jobber approved the connection, but it could not be saved on this computer (${describeError(error)}). Try again.`,
      );
      this.returnToResting(attempt.resting, failure);
      throw failure;
    }

    try {
      const account = await this.jobberApi.fetchAccount(tokens.accessToken);
      record = { ...record, account };
      try {
        await this.persist(gen, record);
      } catch (error) {
        this.activity.warning(`Connected, but the account name could not be saved (${describeError(error)}).`);
      }
    } catch (error) {
      this.activity.warning(
        `Connected, but the Jobber account could not be identified (${describeError(error)}); it will be fetched again at the next renewal.`,
      );
    }
    if (gen !== this.generation || this.stopped) {
      throw new AuthError('cancelled', 'The connection was closed while it was being set up.');
    }
    this.live = record;
    this.attempt = 0;
    this.lastTransientError = null;
    this.activity.info(`Connected to Jobber account ${this.accountName(record.account)}.`);
    this.enterConnected();
  }

  /** The person closed the window, the request timed out, or Cancel: back to the resting state. */
  cancelConnect(reason: 'closed' | 'timeout' | 'cancelled' | 'load-failed', detail?: string): void {
    const attempt = this.connectAttempt;
    if (!attempt) return;
    this.endConnectAttempt();
    const suffix = detail ? ` (${redact(detail)})` : '';
    const text = {
      closed: 'The sign-in window was closed before Jobber approved the connection.',
      timeout: 'The sign-in took longer than 10 minutes and was cancelled. Click Connect to try again.',
      cancelled: 'Sign-in cancelled.',
      'load-failed': `Jobber's sign-in page could not be loaded${suffix}. Check the connection and try again.`,
    }[reason];
    const resting = attempt.resting;
    if (resting.status === 'disconnected') {
      const lastError =
        reason === 'timeout' ? { kind: 'expired-state', message: text } : reason === 'load-failed' ? { kind: 'network', message: text } : null;
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
      this.setState({ ...resting, message: `Reconnecting failed: ${error.message} ${resting.message}` });
      // The next attempt returns to the original wording, not to this one (no stacking).
      this.reconnectBase = resting;
    } else {
      this.setState({ status: 'disconnected', lastError: { kind: error.kind, message: error.message }, notice: null });
    }
    this.activity.add(error.kind === 'denied' ? 'warning' : 'error', `Connecting to Jobber failed: ${error.message}`);
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
    if (this.state.status === 'offline-retrying' && !this.refreshPromise) {
      // Backing off: do not turn every API call into a refresh attempt.
      if (now < accessTokenExpiresAt) return accessToken;
      throw this.lastTransientError ?? new AuthError('network', "Jobber can't be reached and the access token has expired.");
    }
    // Still good for longer than the caller margin: hand it out, even while a refresh runs.
    if (now + callerMargin(live.tokens, this.policy) < accessTokenExpiresAt) return accessToken;
    try {
      return (await this.refresh('caller')).accessToken;
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
    if (this.refreshPromise) return (await this.refreshPromise).accessToken;
    if (this.live.tokens.accessToken !== tokenUsed) return this.getAccessToken();
    return (await this.refresh('unauthorized')).accessToken;
  }

  /** Jobber said "User has disconnected this app": the grant is gone → needs-reconnect. */
  reportDisconnectedInJobber(): void {
    if (!this.live) return;
    this.loseGrant('disconnected-in-jobber', this.rejectedMessage('disconnected-in-jobber', this.live.account));
  }

  /** Person-initiated refresh. Throws the AuthError on failure; the state is updated either way. */
  async refreshNow(): Promise<void> {
    if (!this.live) throw this.notConnectedError();
    await this.refresh('manual');
  }

  private notConnectedError(): AuthError {
    const state = this.state;
    if (state.status === 'needs-reconnect' || state.status === 'storage-unavailable') return new AuthError('not-connected', state.message);
    return new AuthError('not-connected', 'Not connected to Jobber.');
  }

  // ---------------------------------------------------------------------------------------------
  // Refresh

  /** Single flight: every caller shares the one refresh in progress. */
  private refresh(trigger: RefreshTrigger): Promise<TokenSet> {
    if (this.refreshPromise) return this.refreshPromise;
    // Started on a microtask so refreshPromise is set before any of its work (a state listener
    // asking for a token during the 'refreshing' publication must join this flight, not start one).
    const promise = Promise.resolve()
      .then(() => this.runRefresh(trigger))
      .finally(() => {
      if (this.refreshPromise === promise) this.refreshPromise = null;
    });
    this.refreshPromise = promise;
    // Callers that do not await (timers, resume, online) must not produce unhandled rejections.
    promise.catch(() => undefined);
    return promise;
  }

  private async runRefresh(trigger: RefreshTrigger): Promise<TokenSet> {
    const live = this.live;
    if (!live) throw this.notConnectedError();
    const gen = this.generation;
    this.refreshTimer.clear();
    const startedAt = this.clock.now();
    const spent = live.tokens.refreshToken;
    const marker = { startedAt, refreshTokenFingerprint: fingerprint(spent) };
    this.setState({ ...this.grantDetails(live), status: 'refreshing', startedAt });
    this.activity.info(TRIGGER_TEXT[trigger], { refreshTokenFingerprint: marker.refreshTokenFingerprint });

    // 1. Say, durably, that this refresh token is about to be spent.
    const marked: StoredConnection = { ...live, refreshInFlight: marker };
    try {
      await this.persist(gen, marked);
    } catch (error) {
      const failure = new AuthError('storage', `The Jobber sign-in could not be saved before renewing it (${describeError(error)}).`);
      if (gen === this.generation) this.handleTransient(failure);
      throw failure;
    }
    if (gen !== this.generation) throw new AuthError('cancelled', 'The connection was closed while renewing.');
    this.live = { ...marked, account: this.live?.account ?? marked.account };
    this.unsaved = false;

    // 2. Spend it.
    let fresh: TokenSet;
    try {
      fresh = await this.tokenEndpoint.refresh(spent);
    } catch (error) {
      const failure = toAuthError(error);
      if (gen === this.generation) this.handleRefreshFailure(failure, trigger);
      throw failure;
    }
    registerSecret(fresh.accessToken);
    registerSecret(fresh.refreshToken);
    if (gen !== this.generation) throw new AuthError('cancelled', 'The connection was closed while renewing.');

    // 3. Persist the new pair (marker cleared) in one atomic save, before anyone uses it.
    const base = this.live ?? marked;
    const next: StoredConnection = {
      ...base,
      tokens: fresh,
      refreshInFlight: null,
      lastRefresh: { at: this.clock.now(), result: 'ok' },
    };
    let saved = true;
    try {
      saved = await this.persist(gen, next);
    } catch (error) {
      saved = false;
      this.activity.error(
        `Jobber renewed the sign-in, but it could not be saved on this computer (${describeError(error)}). ` +
          'The new sign-in is kept in memory and saving is retried; keep the app open.',
      );
    }
    if (gen !== this.generation) throw new AuthError('cancelled', 'The connection was closed while renewing.');

    // 4. Swap, then let waiters have it.
    this.live = { ...next, account: next.account ?? this.live?.account ?? null };
    this.attempt = 0;
    this.lastTransientError = null;
    if (!saved) this.scheduleSaveRetry(true);
    if (fresh.expirySource === 'default') {
      this.activity.warning("Jobber's access token carried no expiry; assuming the documented 60 minutes.");
    }
    this.activity.info(`Renewed the Jobber access token; valid until ${clockTime(fresh.accessTokenExpiresAt)}.`, {
      accessTokenExpiresAt: fresh.accessTokenExpiresAt,
      refreshTokenFingerprint: fingerprint(fresh.refreshToken),
    });
    this.enterConnected();
    if (!this.live.account) void this.fetchMissingAccount(gen);
    return fresh;
  }

  private handleRefreshFailure(failure: AuthError, trigger: RefreshTrigger): void {
    const live = this.live;
    if (!live) return;
    if (failure.kind === 'disconnected-in-jobber') {
      this.loseGrant('disconnected-in-jobber', this.rejectedMessage('disconnected-in-jobber', live.account), failure);
      return;
    }
    if (failure.kind === 'rejected-grant') {
      // Rotation kills the spent token the moment Jobber answers. If the previous attempt's answer
      // may have been lost on the way back, that is the likeliest story: say so rather than
      // blaming Jobber.
      const previous = this.lastTransientError;
      if (trigger === 'interrupted') {
        this.loseGrant('interrupted-refresh', INTERRUPTED_REFRESH_MESSAGE, failure);
      } else if (previous !== null && ANSWER_MAY_BE_LOST.has(previous.kind)) {
        this.loseGrant('interrupted-refresh', LOST_ANSWER_MESSAGE, failure);
      } else {
        this.loseGrant('refresh-rejected', this.rejectedMessage('refresh-rejected', live.account), failure);
      }
      return;
    }
    if (failure.kind === 'misconfigured') {
      const message =
        `Jobber refused this app's client ID or secret while renewing the sign-in (${failure.message}). ` +
        'Check them in Settings; the saved sign-in is kept and will be tried again after that.';
      this.generation += 1;
      this.live = null;
      this.clearTimers();
      this.attempt = 0;
      // The refresh token was not accepted for spending: clear the marker, keep everything else.
      const kept: StoredConnection = { ...live, refreshInFlight: null };
      this.persist(this.generation, kept).catch((error: unknown) =>
        this.activity.error(`Could not update the saved sign-in (${describeError(error)}).`),
      );
      this.setState({ status: 'needs-reconnect', reason: 'credentials-rejected', account: live.account, message });
      this.activity.error(message);
      return;
    }
    // Transient kinds, and anything unexpected: the grant may well be fine, so keep it and retry.
    this.handleTransient(failure);
  }

  private handleTransient(failure: AuthError): void {
    const live = this.live;
    if (!live) return;
    this.attempt += 1;
    this.lastTransientError = failure;
    const now = this.clock.now();
    const nextAttemptAt = now + backoffDelay(this.attempt, this.policy, this.random, failure.retryAfterMs);
    const message =
      failure.kind === 'storage'
        ? `The Jobber sign-in can't be saved on this computer; retrying at ${clockTime(nextAttemptAt)}.`
        : isTransient(failure.kind)
          ? `Jobber can't be reached; retrying at ${clockTime(nextAttemptAt)}.`
          : `Renewing the Jobber sign-in failed; retrying at ${clockTime(nextAttemptAt)}.`;
    this.live = { ...live, lastRefresh: { at: now, result: 'transient-failure', message: failure.message } };
    this.setState({ ...this.grantDetails(this.live), status: 'offline-retrying', nextAttemptAt, attempt: this.attempt, message });
    this.activity.warning(`${message} (${failure.message})`, { attempt: this.attempt, nextAttemptAt });
    if (!this.stopped && !this.disconnecting) {
      this.refreshTimer.arm(nextAttemptAt, () => void this.refresh('retry').catch(() => undefined));
    }
  }

  /** The grant is gone: stop using it, keep the stored record (marked rejected), needs-reconnect. */
  private loseGrant(reason: NeedsReconnectReason, message: string, cause?: AuthError): void {
    const live = this.live;
    if (!live) return;
    this.generation += 1;
    this.live = null;
    this.clearTimers();
    this.attempt = 0;
    this.unsaved = false;
    const kept: StoredConnection = { ...live, refreshInFlight: null, lastRefresh: { at: this.clock.now(), result: 'rejected', message } };
    this.persist(this.generation, kept).catch((error: unknown) =>
      this.activity.error(`Could not record that the sign-in was refused (${describeError(error)}).`),
    );
    this.setState({ status: 'needs-reconnect', reason, account: live.account, message });
    this.activity.error(cause ? `${message} (${cause.message})` : message);
  }

  private rejectedMessage(reason: NeedsReconnectReason, account: AccountSummary | null): string {
    const name = account && account.name ? `“${account.name}”` : 'the Jobber account';
    switch (reason) {
      case 'interrupted-refresh':
        return INTERRUPTED_REFRESH_MESSAGE;
      case 'disconnected-in-jobber':
        return `This app was disconnected from ${name} in Jobber; reconnect to use it again.`;
      case 'storage-changed':
        return 'The saved Jobber sign-in can no longer be read on this computer; reconnect to continue.';
      case 'refresh-rejected':
        return `Jobber no longer accepts this app's sign-in for ${name}; reconnect to continue.`;
      case 'credentials-rejected':
        return "Jobber refused this app's client ID or secret; check them in Settings. The saved sign-in is kept.";
    }
  }

  /** State → connected with the next refresh planned; returns true when that time has already come. */
  private enterConnected(): boolean {
    const live = this.live;
    if (!live) return false;
    const now = this.clock.now();
    const planned = nextRefreshAt(live.tokens, this.policy, this.random, now);
    this.setState({ ...this.grantDetails(live), status: 'connected', nextRefreshAt: planned });
    if (!this.stopped && !this.disconnecting) {
      this.refreshTimer.arm(planned, () => void this.refresh('scheduled').catch(() => undefined));
    }
    return planned <= now;
  }

  private async fetchMissingAccount(gen: number): Promise<void> {
    const live = this.live;
    if (this.accountFetchInFlight || !live || live.account) return;
    this.accountFetchInFlight = true;
    try {
      const account = await this.jobberApi.fetchAccount(live.tokens.accessToken);
      if (gen !== this.generation || !this.live) return;
      this.live = { ...this.live, account };
      if (this.state.status === 'connected' || this.state.status === 'refreshing' || this.state.status === 'offline-retrying') {
        this.setState({ ...this.state, account });
      }
      this.activity.info(`Identified the connected Jobber account: ${account.name}.`);
      await this.persist(gen, this.live).catch((error: unknown) =>
        this.activity.warning(`The account name could not be saved (${describeError(error)}).`),
      );
    } catch (error) {
      this.activity.warning(`The Jobber account could not be identified yet (${describeError(error)}).`);
    } finally {
      this.accountFetchInFlight = false;
    }
  }

  private scheduleSaveRetry(first: boolean): void {
    this.unsaved = true;
    if (first) this.saveAttempts = 0;
    this.saveAttempts += 1;
    if (this.stopped || this.disconnecting) return;
    const at = this.clock.now() + backoffDelay(this.saveAttempts, this.policy, this.random);
    this.saveRetryTimer.arm(at, () => void this.retrySave());
  }

  private async retrySave(): Promise<void> {
    const live = this.live;
    if (!this.unsaved || !live) return;
    const gen = this.generation;
    try {
      const saved = await this.persist(gen, live);
      if (saved && this.live === live) {
        this.unsaved = false;
        this.activity.info('Saved the renewed Jobber sign-in on this computer.');
      }
    } catch (error) {
      this.activity.error(`Saving the renewed Jobber sign-in failed again (${describeError(error)}); retrying.`);
      if (gen === this.generation) this.scheduleSaveRetry(false);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Outside events

  /** The computer woke up: timers drifted, so check every deadline now (refresh if due/overdue). */
  systemResumed(): void {
    this.activity.info('The computer woke up; checking the Jobber sign-in.');
    this.connectTimer.check();
    this.saveRetryTimer.check();
    const live = this.live;
    if (live && !this.refreshPromise && this.refreshTimer.dueAt === null && !this.stopped && !this.disconnecting) {
      // No timer (should not happen with a live grant): plan one from the token itself.
      if (this.enterConnected()) void this.refresh('resume').catch(() => undefined);
      return;
    }
    this.refreshTimer.check();
  }

  /** The network came back: if waiting to retry, retry now. */
  networkOnline(): void {
    if (this.state.status !== 'offline-retrying' || !this.live || this.refreshPromise || this.stopped || this.disconnecting) return;
    void this.refresh('online').catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Disconnect and shutdown

  /**
   * Tells Jobber (appDisconnect, bounded by policy.disconnectTimeoutMs), then wipes the local
   * tokens whether or not Jobber could be told. Never throws; the message says what happened.
   */
  async disconnect(): Promise<{ jobberNotified: boolean; message: string }> {
    if (this.connectAttempt) this.endConnectAttempt();
    this.disconnecting = true;
    this.refreshTimer.clear();
    this.saveRetryTimer.clear();
    let jobberNotified = false;
    let problem = '';
    const hadGrant = this.live !== null;
    if (hadGrant) {
      this.activity.info('Disconnecting: telling Jobber.');
      const outcome = await this.notifyJobber();
      jobberNotified = outcome.notified;
      problem = outcome.problem;
    }
    this.generation += 1;
    this.live = null;
    this.attempt = 0;
    this.lastTransientError = null;
    this.unsaved = false;
    this.clearTimers();
    let wiped = true;
    let wipeProblem = '';
    try {
      await this.enqueue(() => this.store.clear());
    } catch (error) {
      wiped = false;
      wipeProblem = describeError(error);
    }
    this.disconnecting = false;

    let message: string;
    if (!wiped) {
      message = `Disconnected, but the saved sign-in could not be removed from this computer (${wipeProblem}).`;
    } else if (!hadGrant) {
      message = 'Removed the saved Jobber sign-in from this computer.';
    } else if (jobberNotified) {
      message = 'Disconnected: Jobber was told and the sign-in was removed from this computer.';
    } else {
      message =
        `Disconnected on this computer, but Jobber could not be told (${problem}). ` +
        "The sign-in was removed here; to finish, disconnect the app in Jobber's App Marketplace settings.";
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

  private async notifyJobber(): Promise<{ notified: boolean; problem: string }> {
    const timeoutMs = this.policy.disconnectTimeoutMs;
    const controller = new AbortController();
    let rejectTimeout: (error: AuthError) => void = () => undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      rejectTimeout = reject;
    });
    timedOut.catch(() => undefined);
    const timer = this.clock.setTimer(timeoutMs, () => {
      controller.abort();
      rejectTimeout(new AuthError('timeout', `Jobber did not answer within ${Math.round(timeoutMs / 1000)} seconds`));
    });
    try {
      const accessToken = await Promise.race([this.tokenForDisconnect(), timedOut]);
      try {
        await Promise.race([this.jobberApi.appDisconnect(accessToken, controller.signal), timedOut]);
      } catch (error) {
        if (!isAuthError(error) || error.kind !== 'unauthorized' || !this.live) throw error;
        // Jobber refused a token we believed valid (clock skew, early revocation): renew once, within
        // the same time bound, and tell Jobber again.
        const renewed = await Promise.race([this.refresh('disconnect'), timedOut]);
        await Promise.race([this.jobberApi.appDisconnect(renewed.accessToken, controller.signal), timedOut]);
      }
      return { notified: true, problem: '' };
    } catch (error) {
      // Already disconnected in Jobber: Jobber knows, which is what the call was for.
      if (isAuthError(error) && error.kind === 'disconnected-in-jobber') return { notified: true, problem: '' };
      return { notified: false, problem: describeError(error) };
    } finally {
      this.clock.clearTimer(timer);
    }
  }

  private async tokenForDisconnect(): Promise<string> {
    if (this.refreshPromise) return (await this.refreshPromise).accessToken;
    const live = this.live;
    if (!live) throw this.notConnectedError();
    if (this.clock.now() < live.tokens.accessTokenExpiresAt) return live.tokens.accessToken;
    return (await this.refresh('disconnect')).accessToken;
  }

  /**
   * Shutdown: clears timers, lets an in-flight refresh finish persisting (bounded by
   * policy.disconnectTimeoutMs), retries an outstanding save once, and waits for queued store
   * writes. Leaves the store consistent (at worst with a crash marker, handled at next start).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    if (this.connectAttempt) {
      this.connectTimer.clear();
      this.pending.cancelAll();
      this.connectAttempt = null;
    }
    const inFlight = this.refreshPromise;
    if (inFlight) {
      let handle: TimerHandle | null = null;
      const bound = new Promise<void>((resolve) => {
        handle = this.clock.setTimer(this.policy.disconnectTimeoutMs, resolve);
      });
      await Promise.race([inFlight.then(() => undefined, () => undefined), bound]);
      if (handle !== null) this.clock.clearTimer(handle);
    }
    if (this.unsaved && this.live) {
      await this.persist(this.generation, this.live).then(
        () => {
          this.unsaved = false;
        },
        (error: unknown) => this.logger.error(`Could not save the renewed sign-in at shutdown: ${describeError(error)}`),
      );
    }
    await this.storeChain.catch(() => undefined);
    this.logger.info('Session stopped.');
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing

  private clearTimers(): void {
    this.refreshTimer.clear();
    this.saveRetryTimer.clear();
  }

  /** Store operations run one at a time, in order: a clear can never be overtaken by an older save. */
  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.storeChain.then(operation, operation);
    this.storeChain = run.catch(() => undefined);
    return run;
  }

  /** Saves `record` unless the grant was replaced or dropped since `gen` (then resolves false). */
  private persist(gen: number, record: StoredConnection): Promise<boolean> {
    return this.enqueue(async () => {
      if (gen !== this.generation) return false;
      await this.store.save(record);
      return true;
    });
  }

  private grantDetails(live: StoredConnection): GrantDetails {
    return {
      account: live.account ? { ...live.account } : { ...UNKNOWN_ACCOUNT },
      connectedAt: live.connectedAt,
      accessTokenIssuedAt: live.tokens.accessTokenIssuedAt,
      accessTokenExpiresAt: live.tokens.accessTokenExpiresAt,
      lastRefresh: live.lastRefresh ? { ...live.lastRefresh } : null,
    };
  }

  private accountName(account: AccountSummary | null): string {
    return account && account.name ? `“${account.name}”` : 'an unidentified Jobber account';
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
