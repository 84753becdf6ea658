/**
 * The connection state machine and its public API: start-up, Connect (connect-flow.ts), tokens for
 * API callers, outside events, Disconnect and shutdown. It owns the grant (grant.ts) and runs
 * renewals one flight at a time: refresh-runner.ts does each and says what came of it, and the
 * Session alone turns that into a state (renewal-states.ts). Ports only: no Electron, no I/O.
 *
 * Invariants:
 * - At most one refresh is in flight, ever; refresh-runner.ts keeps the rotation-safe order.
 * - The stored record is replaced only by a successful connect or refresh, removed only by Disconnect
 *   (or a sign-in cancelled after it was saved); a rejected grant or unreadable storage keep it.
 * - Nothing that leaves this module (state, activity, errors, logs) carries a token, code or state.
 * - Nothing is written to the store after stop() began, except what was already queued.
 */
import type { AccountSummary, ActivityEntry, ConnectionState } from '../ipc/connection-state';
import type { JobberConfig } from './config-types';
import { AccessTokens, notConnectedError } from './access-tokens';
import { ActivityLog } from './activity-log';
import type { CallbackSource } from './callback-parser';
import { ConnectFlow, type BegunConnect, type CancelReason } from './connect-flow';
import { ConnectionStates, type Settled } from './connection-states';
import { endpointBindingFor } from './endpoint-binding';
import { Grant } from './grant';
import type { GrantRevoker, JobberAccountApi, TokenEndpoint, TokenStore } from './ports';
import { type RefreshPolicy, resolvePolicy } from './refresh-policy';
import { RefreshSchedule } from './refresh-schedule';
import { RefreshRunner, type RenewalOutcome } from './refresh-runner';
import { connectedState, refreshingState, shownAfter, withAccount } from './renewal-states';
import { afterDisconnect, dropGrant, type GivingUpOptions } from './session-disconnect';
import { MESSAGES, type RefreshTrigger } from './session-messages';
import { settleStored, storeReadFailed } from './startup-settling';
import { TokenClockNotes } from './token-answers';
import type { StoredConnection, TokenSet } from './token-model';
import type { AuthError } from '../core/errors';
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
  grantRevoker?: GrantRevoker; // Broker mode: who is told on Disconnect instead of Jobber's appDisconnect.
}

export class Session {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly policy: RefreshPolicy;
  private readonly activity: ActivityLog;
  private readonly states: ConnectionStates;
  private readonly grant: Grant;
  private readonly runner: RefreshRunner;
  private readonly connect: ConnectFlow;
  private readonly givingUp: GivingUpOptions;
  private readonly schedule: RefreshSchedule;
  /** The renewal in progress: every caller shares it. */
  private readonly renewal = new SingleFlight<TokenSet>();
  private readonly tokens: AccessTokens;
  private started = false;
  private stopped = false;

  constructor(options: SessionOptions) {
    const { config, tokenEndpoint, jobberApi } = options;
    const clock = (this.clock = options.clock ?? systemClock);
    const random = options.random ?? Math.random;
    const logger = (this.logger = createRedactingLogger(options.logger ?? silentLogger));
    const policy = (this.policy = resolvePolicy(options.policy));
    const states = (this.states = new ConnectionStates(logger));
    const activity = (this.activity = new ActivityLog({ clock, logger, onChange: () => states.emit() }));
    const grant = (this.grant = new Grant(options.store, endpointBindingFor(config)));
    const tokenClock = new TokenClockNotes(activity);
    const schedule = (this.schedule = new RefreshSchedule(clock, random, policy));
    const runner = (this.runner = new RefreshRunner({ grant, tokenEndpoint, jobberApi, clock, random, policy, activity, tokenClock, schedule, viaBroker: config.broker !== undefined }));
    const givingUp = (this.givingUp = { clock, jobberApi, timeoutMs: policy.disconnectTimeoutMs, grantRevoker: options.grantRevoker ?? null });
    this.connect = new ConnectFlow({ config, grant, states, tokenEndpoint, jobberApi, clock, activity, logger, tokenClock, maxTimerMs: policy.maxTimerMs, givingUp });
    this.tokens = new AccessTokens({ grant, states, runner, clock, policy, renewal: this.renewal, renew: (trigger) => this.refresh(trigger) });
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
   * Loads the store and settles (a refresh runs at once for a (nearly) expired token or a crash
   * marker). Resolves once settled, that refresh included. Never throws.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const result = await this.grant.load().catch((error: unknown) => storeReadFailed(describeError(error)));
    if ('state' in result) return this.settle(result);
    if (this.stopped) return;
    const stored = settleStored(result, this.grant.endpoint);
    if ('state' in stored) return this.settle(stored);
    this.grant.setLive(stored);
    this.activity.info(MESSAGES.loaded(stored.account));
    const marker = stored.refreshInFlight;
    if (marker) {
      this.activity.warning(MESSAGES.crashMarkerFound, { refreshTokenFingerprint: marker.refreshTokenFingerprint, startedAt: marker.startedAt });
      await this.refresh('interrupted').catch(() => undefined);
    } else if (this.enterConnected()) {
      await this.refresh('startup').catch(() => undefined);
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

  /** The working grant's refresh token (broker mode: device credential, for its event stream). Main process only. */
  grantCredential(): string | null {
    return this.grant.live?.tokens.refreshToken ?? null;
  }

  /** A valid access token (AccessTokens.forCaller). Throws AuthError, 'not-connected' without a grant. */
  getAccessToken(): Promise<string> {
    return this.tokens.forCaller();
  }

  /** The API answered 401 for `tokenUsed`: a renewed token, at most one renewal (AccessTokens.afterUnauthorized). */
  reportUnauthorized(tokenUsed: string): Promise<string> {
    return this.tokens.afterUnauthorized(tokenUsed);
  }

  /** Jobber said "User has disconnected this app": the grant is gone → needs-reconnect. */
  reportDisconnectedInJobber(): void {
    this.show(this.runner.disconnectedInJobber());
  }

  /** Person-initiated refresh. Throws the AuthError on failure; the state is updated either way. */
  async refreshNow(): Promise<void> {
    // After 'refusing-to-renew' the grant was set aside, not lost: Retry puts it back to work.
    if (!this.grant.live && !this.runner.unpark()) throw notConnectedError(this.states.current);
    await this.refresh('manual');
  }

  /** The computer woke up: timers drifted, so check every deadline now (a live grant without one gets one). */
  systemResumed(): void {
    this.activity.info(MESSAGES.woke);
    this.connect.resume();
    this.runner.resume();
    if (this.grant.live && !this.renewal.inFlight && this.schedule.dueAt === null && !this.schedule.halted) {
      if (this.enterConnected()) void this.refresh('resume');
    } else {
      this.schedule.check();
    }
  }

  /** The network came back: if waiting to retry, retry now. */
  networkOnline(): void {
    if (this.states.current.status !== 'offline-retrying' || !this.grant.live || this.renewal.inFlight || this.schedule.halted) return;
    void this.refresh('online');
  }

  /** Tells Jobber or the broker (bounded), then wipes the saved sign-in either way; ends a sign-in under way. Never throws. */
  async disconnect(): Promise<{ jobberNotified: boolean; message: string }> {
    const duringSignIn = this.connect.abandonForDisconnect();
    this.schedule.holdForDisconnect(true);
    this.runner.clearTimers();
    const dropped = await dropGrant({
      grant: this.grant,
      givingUp: this.givingUp,
      accessToken: () => this.tokens.forDisconnect(),
      renew: () => (this.grant.live ? this.refresh('disconnect').then((tokens) => tokens.accessToken) : null),
      duringSignIn,
      activity: this.activity,
      dropped: () => this.runner.forget(),
    });
    this.schedule.holdForDisconnect(false);
    const settled = afterDisconnect({ ...dropped, duringSignIn }, this.states.current);
    this.settle(settled);
    return { jobberNotified: dropped.told.notified, message: settled.message };
  }

  /**
   * Shutdown: lets an in-flight refresh finish persisting (at most policy.shutdownWaitMs), saves an
   * owed pair once, waits for queued writes. The store is left consistent (at worst a crash marker).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.schedule.stop();
    this.runner.clearTimers();
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

  private settle({ state, level, message, fields }: Settled): void {
    this.states.set(state);
    this.activity.add(level, message, fields);
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
    const planned = this.schedule.nextFor(live);
    this.states.set(connectedState(live, planned));
    this.schedule.plan(planned, () => void this.refresh('scheduled'));
    return planned <= this.clock.now();
  }

  private refresh(trigger: RefreshTrigger): Promise<TokenSet> {
    return this.renewal.run(() => this.renew(trigger));
  }

  private async renew(trigger: RefreshTrigger): Promise<TokenSet> {
    const live = this.grant.live;
    if (!live) throw notConnectedError(this.states.current);
    const gen = this.grant.generation;
    this.schedule.clear();
    const startedAt = this.clock.now();
    this.states.set(refreshingState(live, startedAt));
    const outcome = await this.runner.renew(live, gen, trigger, startedAt);
    this.show(outcome);
    if (outcome.kind !== 'renewed') throw outcome.error;
    // Read after the publication: a state listener may have dropped the grant meanwhile.
    if (this.grant.live && !this.grant.live.account) void this.identifyAccount(gen);
    return outcome.tokens;
  }

  /** The one place a renewal's outcome becomes a connection state. */
  private show(outcome: RenewalOutcome | null): void {
    if (outcome?.kind === 'renewed') this.enterConnected();
    if (!outcome || outcome.kind === 'renewed' || outcome.kind === 'superseded') return;
    this.schedule.clear();
    this.settle(shownAfter(outcome));
    if (outcome.kind === 'retrying') this.schedule.plan(outcome.at, () => void this.refresh('retry'));
  }

  /** The account a renewed grant still lacks (its fetch failed at Connect), shown once known. */
  private async identifyAccount(gen: number): Promise<void> {
    const account = await this.runner.identifyAccount(gen);
    if (!account) return;
    const named = withAccount(this.states.current, account);
    if (named) this.states.set(named);
    this.activity.info(MESSAGES.identified(account.name));
  }
}
