/**
 * The connection state machine and its public API: start-up, Connect, tokens for API callers,
 * outside events, Disconnect and shutdown. It owns the grant (grant.ts), runs renewals one flight
 * at a time (refresh-runner.ts does each and says what came of it) and alone turns their outcomes
 * into connection states; the sign-in is connect-flow.ts. No Electron, no direct I/O: ports only.
 *
 * Invariants:
 * - A refresh token is spent only after a marker saying so is persisted, and the pair it buys is
 *   persisted before anything (state, callers) uses it. At most one refresh is in flight, ever.
 * - The stored record is replaced only by a successful connect or refresh, and removed only by
 *   Disconnect (or a sign-in cancelled after it was saved). A rejected grant, unreadable storage or
 *   a failed reconnect keep it.
 * - Nothing that leaves this module (state, activity, errors, logs) carries a token, code or state.
 * - Nothing is written to the store after stop() began, except what was already queued.
 */
import type { AccountSummary, ActivityEntry, ConnectionState } from '../ipc/connection-state';
import type { JobberConfig } from './config-types';
import { ActivityLog } from './activity-log';
import type { CallbackSource } from './callback-parser';
import { ConnectFlow, type BegunConnect, type CancelReason } from './connect-flow';
import { ConnectionStates } from './connection-states';
import { DeadlineTimer } from './deadline-timer';
import { endpointBindingFor } from './endpoint-binding';
import { Grant, grantDetails } from './grant';
import type { GrantRevoker, JobberAccountApi, TokenEndpoint, TokenStore } from './ports';
import { type RefreshPolicy, callerMargin, nextRefreshAt, resolvePolicy } from './refresh-policy';
import { RefreshRunner, type RenewalOutcome } from './refresh-runner';
import { disconnectMessage, dropGrant, type GivingUpOptions } from './session-disconnect';
import { MESSAGES, rejectedMessage, type RefreshTrigger } from './session-messages';
import { type Settled, settleStored, storeReadFailed } from './startup-settling';
import { TokenClockNotes } from './token-answers';
import type { StoredConnection, TokenSet } from './token-model';
import { AuthError, isAuthError } from '../core/errors';
import { type Clock, type RandomSource, systemClock, waitAtMost } from '../core/clock';
import { type Logger, silentLogger } from '../core/logger';
import { createRedactingLogger, describeError, pinSecret } from '../core/redact';
import { SingleFlight } from '../core/single-flight';

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

const ignore = (): undefined => undefined;

export class Session {
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly logger: Logger;
  private readonly policy: RefreshPolicy;
  private readonly activity: ActivityLog;
  private readonly states: ConnectionStates;
  private readonly grant: Grant;
  private readonly runner: RefreshRunner;
  private readonly connect: ConnectFlow;
  private readonly givingUp: GivingUpOptions;
  private readonly refreshTimer: DeadlineTimer;
  /** The renewal in progress: every caller shares it. */
  private readonly renewal = new SingleFlight<TokenSet>();
  private started = false;
  private stopped = false;
  private disconnecting = false;

  constructor(options: SessionOptions) {
    const { config, tokenEndpoint, jobberApi } = options;
    const clock = (this.clock = options.clock ?? systemClock);
    const random = (this.random = options.random ?? Math.random);
    const logger = (this.logger = createRedactingLogger(options.logger ?? silentLogger));
    const policy = (this.policy = resolvePolicy(options.policy));
    const states = (this.states = new ConnectionStates(logger));
    const activity = (this.activity = new ActivityLog({ clock, logger, onChange: () => states.emit() }));
    const grant = (this.grant = new Grant(options.store, endpointBindingFor(config)));
    const tokenClock = new TokenClockNotes(activity);
    this.runner = new RefreshRunner({ grant, tokenEndpoint, jobberApi, clock, random, policy, activity, tokenClock, viaBroker: config.broker !== undefined });
    const givingUp = (this.givingUp = { clock, jobberApi, timeoutMs: policy.disconnectTimeoutMs, grantRevoker: options.grantRevoker ?? null });
    this.connect = new ConnectFlow({ config, grant, states, tokenEndpoint, jobberApi, clock, activity, logger, tokenClock, maxTimerMs: policy.maxTimerMs, givingUp });
    this.refreshTimer = new DeadlineTimer(clock, policy.maxTimerMs);
    // The longest-lived secret: never allowed to drop out of exact-value redaction.
    if (config.clientSecret) pinSecret(config.clientSecret);
  }

  /** The renderer-safe view of the connection (a copy; never holds a token). */
  getState(): ConnectionState {
    return this.states.snapshot();
  }

  /** Activity entries, newest first, at most 50, already redacted. */
  getActivity(): ActivityEntry[] {
    return this.activity.entries();
  }

  /** Calls `listener` with the state after every state change and every new activity entry. */
  subscribe(listener: (state: ConnectionState) => void): () => void {
    return this.states.subscribe(listener);
  }

  /**
   * Loads the store and settles: disconnected, connected (refresh planned, or run at once when the
   * token is (nearly) expired or a crash marker is found), needs-reconnect or storage-unavailable.
   * Resolves once settled, after any refresh it had to run at once. Never throws.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const result = await this.grant.load().catch((error: unknown) => storeReadFailed(describeError(error)));
    if ('state' in result) return this.settle(result);
    if (this.stopped) return;
    if (result.kind === 'loaded') this.grant.pin(result.connection.tokens);
    const stored = settleStored(result, this.grant.endpoint);
    if ('state' in stored) return this.settle(stored);
    this.grant.setLive(stored);
    this.activity.info(MESSAGES.loaded(stored.account));
    const marker = stored.refreshInFlight;
    if (marker) {
      this.activity.warning(MESSAGES.crashMarkerFound, { refreshTokenFingerprint: marker.refreshTokenFingerprint, startedAt: marker.startedAt });
      await this.refresh('interrupted').catch(ignore);
    } else if (this.enterConnected()) {
      await this.refresh('startup').catch(ignore);
    }
  }

  /** Starts a Connect (or returns the one pending): ConnectFlow.begin. */
  beginConnect(): BegunConnect {
    return this.connect.begin();
  }

  /** True when `callbackUrl` carries a pending Connect's state; uses nothing up. */
  expectsCallback(callbackUrl: string): boolean {
    return this.connect.expectsCallback(callbackUrl);
  }

  /** Finishes a Connect from its callback (ConnectFlow.complete), then connected. Throws AuthError. */
  async completeConnect(callbackUrl: string, source: CallbackSource = 'auth-window'): Promise<void> {
    this.goLive(await this.connect.complete(callbackUrl, source));
  }

  /** Takes a grant obtained outside the authorize flow (broker pairing; ConnectFlow.adopt), then connected. */
  async adoptGrant(tokens: TokenSet, account: AccountSummary): Promise<void> {
    this.goLive(await this.connect.adopt(tokens, account));
  }

  /** Null when adoptGrant would accept a grant now, else the error it would throw. */
  adoptionRefusal(): AuthError | null {
    return this.connect.adoptionRefusal();
  }

  /** The person closed the window, the request timed out, or Cancel: back to the resting state. */
  cancelConnect(reason: CancelReason, detail?: string): void {
    this.connect.cancel(reason, detail);
  }

  /**
   * The working grant's long-lived credential (broker mode: the device credential, for the broker's
   * event stream), or null. Main process only: never for the renderer, logs or errors.
   */
  grantCredential(): string | null {
    return this.grant.live?.tokens.refreshToken ?? null;
  }

  /**
   * A valid access token, refreshed first when it expires within the caller margin. Throws
   * AuthError 'not-connected' without a grant; while offline with an expired token, the last
   * transient error. While offline with a still-valid token, returns it.
   */
  async getAccessToken(): Promise<string> {
    const live = this.grant.live;
    if (!live) throw this.notConnectedError();
    const now = this.clock.now();
    const { accessToken, accessTokenExpiresAt } = live.tokens;
    if (this.states.current.status === 'offline-retrying' && !this.renewal.inFlight) {
      // Backing off: do not turn every API call into a refresh attempt.
      if (now < accessTokenExpiresAt) return accessToken;
      throw this.runner.lastTransientError ?? new AuthError('network', MESSAGES.offlineExpired);
    }
    // Still good for longer than the caller margin: hand it out, even while a refresh runs.
    if (now + callerMargin(live.tokens, this.policy) < accessTokenExpiresAt) return accessToken;
    try {
      return (await this.refresh('caller')).accessToken;
    } catch (error) {
      const current = this.grant.live;
      if (isAuthError(error) && (error.transient || error.kind === 'storage') && current && this.clock.now() < current.tokens.accessTokenExpiresAt) {
        return current.tokens.accessToken;
      }
      throw error;
    }
  }

  /**
   * The API answered 401 for `tokenUsed`: refresh if it is still the current token; if a refresh is
   * running or already replaced it, the current token without another request.
   */
  async reportUnauthorized(tokenUsed: string): Promise<string> {
    const live = this.grant.live;
    if (!live) throw this.notConnectedError();
    const inFlight = this.renewal.inFlight;
    if (inFlight) return (await inFlight).accessToken;
    if (live.tokens.accessToken !== tokenUsed) return this.getAccessToken();
    return (await this.refresh('unauthorized')).accessToken;
  }

  /** Jobber said "User has disconnected this app": the grant is gone → needs-reconnect. */
  reportDisconnectedInJobber(): void {
    const live = this.grant.live;
    const outcome = live && this.runner.loseGrant('disconnected-in-jobber', rejectedMessage('disconnected-in-jobber', live.account));
    if (outcome) this.show(outcome);
  }

  /** Person-initiated refresh. Throws the AuthError on failure; the state is updated either way. */
  async refreshNow(): Promise<void> {
    // After 'refusing-to-renew' the grant was set aside, not lost: Retry puts it back to work.
    if (!this.grant.live && !this.runner.unpark()) throw this.notConnectedError();
    await this.refresh('manual');
  }

  /** The computer woke up: timers drifted, so check every deadline now (refresh if due/overdue). */
  systemResumed(): void {
    this.activity.info(MESSAGES.woke);
    this.connect.resume();
    this.runner.resume();
    if (this.grant.live && !this.renewal.inFlight && this.refreshTimer.dueAt === null && !this.halted) {
      // No timer (should not happen with a live grant): plan one from the token itself.
      if (this.enterConnected()) void this.refresh('resume').catch(ignore);
      return;
    }
    this.refreshTimer.check();
  }

  /** The network came back: if waiting to retry, retry now. */
  networkOnline(): void {
    if (this.states.current.status !== 'offline-retrying' || !this.grant.live || this.renewal.inFlight || this.halted) return;
    void this.refresh('online').catch(ignore);
  }

  /**
   * Tells Jobber (bounded by policy.disconnectTimeoutMs), then wipes the local tokens whether or
   * not Jobber could be told; without a working grant it only wipes the saved sign-in. Abandons a
   * sign-in being finished. Never throws; the message says what happened.
   */
  async disconnect(): Promise<{ jobberNotified: boolean; message: string }> {
    const duringSignIn = this.connect.abandonForDisconnect();
    this.disconnecting = true;
    this.holdTimers();
    const report = await dropGrant({
      grant: this.grant,
      givingUp: this.givingUp,
      accessToken: () => this.tokenForDisconnect(),
      renew: () => (this.grant.live ? this.refresh('disconnect').then((tokens) => tokens.accessToken) : null),
      telling: () => this.activity.info(MESSAGES.disconnecting),
      dropped: () => this.runner.forget(),
    });
    this.disconnecting = false;
    this.holdTimers();
    const { wiped, hadGrant, told } = report;
    const message = disconnectMessage({ ...report, duringSignIn });
    const state = this.states.current;
    // In storage-unavailable nothing can connect until storage works again: stay there.
    this.states.set(state.status === 'storage-unavailable' ? { ...state } : { status: 'disconnected', lastError: wiped ? null : { kind: 'storage', message }, notice: message });
    this.activity.add(wiped && (told.notified || !hadGrant) ? 'info' : 'warning', message);
    return { jobberNotified: told.notified, message };
  }

  /**
   * Shutdown: clears timers, abandons a sign-in being finished, lets an in-flight refresh finish
   * persisting (at most policy.shutdownWaitMs, longer than the token request timeout), retries an
   * owed save once and waits for queued store writes. Leaves the store consistent (at worst with a
   * crash marker, handled at next start).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.holdTimers();
    this.connect.stop();
    const inFlight = this.renewal.inFlight;
    if (inFlight) {
      this.activity.info(MESSAGES.finishingRenewal);
      await waitAtMost(this.clock, this.policy.shutdownWaitMs, inFlight);
    }
    await this.runner.flushUnsaved((error: unknown) => this.logger.error(MESSAGES.shutdownSaveFailed(describeError(error))));
    await this.grant.idle();
    this.logger.info('Session stopped.');
  }

  /** True once stop() began or while a Disconnect runs: no timer is armed then. */
  private get halted(): boolean {
    return this.stopped || this.disconnecting;
  }

  private holdTimers(): void {
    this.runner.halted = this.halted;
    if (!this.halted) return;
    this.refreshTimer.clear();
    this.runner.clearTimers();
  }

  private settle({ state, level, message }: Settled): void {
    this.states.set(state);
    this.activity.add(level, message);
  }

  /** A saved record from Connect or a pairing becomes the working grant. */
  private goLive(record: StoredConnection): void {
    this.grant.setLive(record);
    this.runner.resetBackoff();
    this.activity.info(MESSAGES.connected(record.account));
    this.enterConnected();
  }

  /** State → connected with the next refresh planned; true when that time has already come. */
  private enterConnected(): boolean {
    const live = this.grant.live;
    if (!live) return false;
    const now = this.clock.now();
    // The floor after a successful refresh: whatever the token or the clock says, no refresh loop.
    const lastSuccessAt = live.lastRefresh?.result === 'ok' ? live.lastRefresh.at : undefined;
    const planned = nextRefreshAt(live.tokens, this.policy, this.random, now, lastSuccessAt);
    this.states.set({ ...grantDetails(live), status: 'connected', nextRefreshAt: planned });
    if (!this.halted) this.refreshTimer.arm(planned, () => void this.refresh('scheduled').catch(ignore));
    return planned <= now;
  }

  private refresh(trigger: RefreshTrigger): Promise<TokenSet> {
    return this.renewal.run(() => this.renew(trigger));
  }

  private async renew(trigger: RefreshTrigger): Promise<TokenSet> {
    const live = this.grant.live;
    if (!live) throw this.notConnectedError();
    const gen = this.grant.generation;
    this.refreshTimer.clear();
    const startedAt = this.clock.now();
    this.states.set({ ...grantDetails(live), status: 'refreshing', startedAt });
    const outcome = await this.runner.renew(live, trigger, startedAt);
    this.show(outcome);
    if (outcome.kind !== 'renewed') throw outcome.error;
    // Read after the publication: a state listener may have dropped the grant meanwhile.
    if (this.grant.live && !this.grant.live.account) void this.identifyAccount(gen);
    return outcome.tokens;
  }

  /** The one place a renewal's outcome becomes a connection state (and its activity line). */
  private show(outcome: RenewalOutcome): void {
    switch (outcome.kind) {
      case 'renewed':
        this.enterConnected();
        return;
      case 'retrying': {
        const { at, attempt, cause, message, details, error } = outcome;
        this.states.set({ ...details, status: 'offline-retrying', cause, nextAttemptAt: at, attempt, message });
        this.activity.warning(`${message} (${error.message})`, { attempt, nextAttemptAt: at });
        if (!this.halted) this.refreshTimer.arm(at, () => void this.refresh('retry').catch(ignore));
        return;
      }
      case 'lost':
      case 'credentials-rejected':
      case 'refusing-to-renew': {
        const { account, message, error } = outcome;
        this.refreshTimer.clear();
        this.states.set({ status: 'needs-reconnect', reason: outcome.kind === 'lost' ? outcome.reason : outcome.kind, account, message });
        this.activity.error(error ? `${message} (${error.message})` : message);
        return;
      }
      case 'superseded':
        return;
    }
  }

  /** The account a renewed grant still lacks (its fetch failed at Connect), shown once known. */
  private async identifyAccount(gen: number): Promise<void> {
    const account = await this.runner.identifyAccount(gen);
    if (!account) return;
    const state = this.states.current;
    if (state.status === 'connected' || state.status === 'refreshing' || state.status === 'offline-retrying') this.states.set({ ...state, account });
    this.activity.info(MESSAGES.identified(account.name));
  }

  private async tokenForDisconnect(): Promise<string> {
    const inFlight = this.renewal.inFlight;
    if (inFlight) return (await inFlight).accessToken;
    const live = this.grant.live;
    if (!live) throw this.notConnectedError();
    if (this.clock.now() < live.tokens.accessTokenExpiresAt) return live.tokens.accessToken;
    return (await this.refresh('disconnect')).accessToken;
  }

  private notConnectedError(): AuthError {
    const state = this.states.current;
    if (state.status === 'needs-reconnect' || state.status === 'storage-unavailable') return new AuthError('not-connected', state.message);
    return new AuthError('not-connected', MESSAGES.notConnected);
  }
}
