/**
 * The rotation-safe refresh pipeline of a Session: single flight, crash marker persisted before the
 * refresh token is spent, the new pair persisted before anyone uses it (with save retries when that
 * fails), the refresh schedule and the backoff while offline, and the classification of failures
 * into states (rejected grant, disconnected in Jobber, refused credentials, transient).
 *
 * Boundary: it owns only the refresh bookkeeping (the flight, backoff counters, the unsaved flag and
 * the refresh and save-retry timers). The grant, the generation, the state and the store queue stay
 * the Session's and are reached through RefreshHost; Connect, Disconnect and start-up stay there too.
 */
import type { ActivityLog } from './activity-log';
import type { ConnectionState, GrantDetails, NeedsReconnectReason, RetryCause } from '../ipc/connection-state';
import { DeadlineTimer } from './deadline-timer';
import { AuthError } from '../core/errors';
import type { Clock, RandomSource } from '../core/clock';
import type { JobberAccountApi, TokenEndpoint } from './ports';
import { describeError, fingerprint } from '../core/redact';
import { type RefreshPolicy, backoffDelay, nextRefreshAt } from './refresh-policy';
import {
  INTERRUPTED_REFRESH_MESSAGE,
  LOST_ANSWER_MESSAGE,
  MESSAGES,
  keepsRefusingMessage,
  type RefreshTrigger,
  TRIGGER_TEXT,
  UNKNOWN_ACCOUNT,
  rejectedMessage,
} from './session-messages';
import { storable, toAuthError } from './token-answers';
import type { StoredConnection, TokenSet } from './token-model';

/**
 * Failures after which Jobber may have rotated the refresh token without us seeing the answer: a
 * 5xx can come from a proxy after Jobber committed, a reset or timeout can follow the commit, and
 * a truncated or unreadable 200 is an answer that was lost on the way.
 */
const ANSWER_MAY_BE_LOST: ReadonlySet<AuthError['kind']> = new Set(['timeout', 'network', 'invalid-response', 'server-error']);

/** How each kind of retried failure is worded: only an unanswered request is "can't reach". */
function retryCause(kind: AuthError['kind']): RetryCause {
  switch (kind) {
    case 'network':
    case 'timeout':
      return 'unreachable';
    case 'server-error':
    case 'rate-limited':
    case 'throttled':
      return 'jobber-trouble';
    case 'refused':
      return 'refused';
    case 'storage':
      return 'storage';
    default:
      return 'unreadable';
  }
}

/** What the refresh pipeline needs from the Session that owns the grant. */
export interface RefreshHost {
  clock: Clock;
  random: RandomSource;
  policy: RefreshPolicy;
  activity: ActivityLog;
  tokenEndpoint: TokenEndpoint;
  jobberApi: JobberAccountApi;
  /** The working grant (the Session's in-memory truth); null whenever tokens must not be used. */
  live(): StoredConnection | null;
  setLive(live: StoredConnection | null): void;
  /** Bumped whenever the grant is replaced or dropped: late results of older work are discarded. */
  generation(): number;
  /** Bumps the generation and returns the new one. */
  bumpGeneration(): number;
  state(): ConnectionState;
  setState(next: ConnectionState): void;
  /** True once stop() began or while a Disconnect runs: no new timers then. */
  halted(): boolean;
  /** Saves `record` (in the store queue) unless the generation moved on since `gen` (then false). */
  persist(gen: number, record: StoredConnection): Promise<boolean>;
  /** Keeps a new pair scrubbed from everything that leaves the session. */
  pinTokens(tokens: TokenSet): void;
  /** Warnings a fresh pair's expiry earns. */
  noteTokenClock(tokens: TokenSet): void;
  notConnectedError(): AuthError;
  /** Broker mode: tokens come from the broker, so "can't be reached" names it. */
  viaBroker?: boolean;
}

/** The renderer-safe details of a grant (copies; never a token). */
export function grantDetails(live: StoredConnection): GrantDetails {
  return {
    account: live.account ? { ...live.account } : { ...UNKNOWN_ACCOUNT },
    connectedAt: live.connectedAt,
    accessTokenIssuedAt: live.tokens.accessTokenIssuedAt,
    accessTokenExpiresAt: live.tokens.accessTokenExpiresAt,
    lastRefresh: live.lastRefresh ? { ...live.lastRefresh } : null,
  };
}

/** Runs, schedules and retries the refreshes of one Session's grant. */
export class RefreshRunner {
  private refreshPromise: Promise<TokenSet> | null = null;
  /** Consecutive transient failures, for backoff. */
  private attempt = 0;
  private lastFailure: AuthError | null = null;
  /** A failed attempt since the last success may have been answered by Jobber with a rotation we never saw. */
  private answerMayBeLost = false;
  /** Consecutive 4xx refusals that did not say the grant is gone, and when the first came. */
  private refusals: { count: number; since: number } | null = null;
  /** The grant set aside after repeated refusals ('refusing-to-renew'), for Retry. */
  private parked: StoredConnection | null = null;
  /** The live record could not be persisted after a refresh; retried by saveRetryTimer. */
  private unsaved = false;
  private saveAttempts = 0;
  private accountFetchInFlight = false;
  private readonly refreshTimer: DeadlineTimer;
  private readonly saveRetryTimer: DeadlineTimer;

  constructor(private readonly host: RefreshHost) {
    this.refreshTimer = new DeadlineTimer(host.clock, host.policy.maxTimerMs);
    this.saveRetryTimer = new DeadlineTimer(host.clock, host.policy.maxTimerMs);
  }

  /** The refresh in progress, if any. */
  get inFlight(): Promise<TokenSet> | null {
    return this.refreshPromise;
  }

  /** The last transient failure since the last success (or fresh grant), if any. */
  get lastTransientError(): AuthError | null {
    return this.lastFailure;
  }

  /** Single flight: every caller shares the one refresh in progress. */
  refresh(trigger: RefreshTrigger): Promise<TokenSet> {
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

  /** State → connected with the next refresh planned; returns true when that time has already come. */
  enterConnected(): boolean {
    const host = this.host;
    const live = host.live();
    if (!live) return false;
    const now = host.clock.now();
    // The floor after a successful refresh: whatever the token or the clock says, no refresh loop.
    const lastSuccessAt = live.lastRefresh?.result === 'ok' ? live.lastRefresh.at : undefined;
    const planned = nextRefreshAt(live.tokens, host.policy, host.random, now, lastSuccessAt);
    host.setState({ ...grantDetails(live), status: 'connected', nextRefreshAt: planned });
    if (!host.halted()) {
      this.refreshTimer.arm(planned, () => void this.refresh('scheduled').catch(() => undefined));
    }
    return planned <= now;
  }

  /** The grant is gone: stop using it, keep the stored record (marked rejected), needs-reconnect. */
  loseGrant(reason: NeedsReconnectReason, message: string, cause?: AuthError): void {
    const host = this.host;
    const live = host.live();
    if (!live) return;
    const gen = host.bumpGeneration();
    host.setLive(null);
    this.clearTimers();
    this.resetBackoff();
    this.unsaved = false;
    const kept: StoredConnection = { ...live, refreshInFlight: null, lastRefresh: { at: host.clock.now(), result: 'rejected', message } };
    host.persist(gen, kept).catch((error: unknown) => host.activity.error(MESSAGES.refusalNotRecorded(describeError(error))));
    host.setState({ status: 'needs-reconnect', reason, account: live.account, message });
    host.activity.error(cause ? `${message} (${cause.message})` : message);
  }

  /** A new grant starts without backoff history (and nothing set aside). */
  resetBackoff(): void {
    this.attempt = 0;
    this.lastFailure = null;
    this.answerMayBeLost = false;
    this.refusals = null;
    this.parked = null;
  }

  /**
   * Retry after 'refusing-to-renew': the grant set aside becomes the working grant again. False
   * when nothing was set aside.
   */
  unpark(): boolean {
    const parked = this.parked;
    if (parked === null || this.host.live() !== null) return false;
    this.parked = null;
    this.host.bumpGeneration();
    this.host.setLive(parked);
    return true;
  }

  /** The grant was dropped (Disconnect): no backoff history, no save owed, no timers. */
  forget(): void {
    this.resetBackoff();
    this.unsaved = false;
    this.clearTimers();
  }

  /** Stops the refresh schedule and any save retry (the grant itself is untouched). */
  clearTimers(): void {
    this.refreshTimer.clear();
    this.saveRetryTimer.clear();
  }

  /**
   * After sleep: checks the save-retry deadline, then the refresh deadline (refresh if due or
   * overdue). A live grant without a planned refresh gets one planned from the token itself.
   */
  resume(): void {
    this.saveRetryTimer.check();
    const live = this.host.live();
    if (live && !this.refreshPromise && this.refreshTimer.dueAt === null && !this.host.halted()) {
      // No timer (should not happen with a live grant): plan one from the token itself.
      if (this.enterConnected()) void this.refresh('resume').catch(() => undefined);
      return;
    }
    this.refreshTimer.check();
  }

  /**
   * Shutdown: one last save of a renewed pair that could not be saved before, or null when none is
   * owed. Failures go to `onError` (nothing else is left to tell).
   */
  flushUnsaved(onError: (error: unknown) => void): Promise<void> | null {
    const live = this.host.live();
    if (!this.unsaved || !live) return null;
    return this.host.persist(this.host.generation(), live).then(() => {
      this.unsaved = false;
    }, onError);
  }

  private async runRefresh(trigger: RefreshTrigger): Promise<TokenSet> {
    const host = this.host;
    const live = host.live();
    if (!live) throw host.notConnectedError();
    const gen = host.generation();
    this.refreshTimer.clear();
    const startedAt = host.clock.now();
    const spent = live.tokens.refreshToken;
    const marker = { startedAt, refreshTokenFingerprint: fingerprint(spent) };
    host.setState({ ...grantDetails(live), status: 'refreshing', startedAt });
    host.activity.info(TRIGGER_TEXT[trigger], { refreshTokenFingerprint: marker.refreshTokenFingerprint });

    // 1. Say, durably, that this refresh token is about to be spent.
    const marked: StoredConnection = { ...live, refreshInFlight: marker };
    try {
      await host.persist(gen, marked);
    } catch (error) {
      const failure = new AuthError('storage', MESSAGES.saveBeforeRenewFailed(describeError(error)));
      if (gen === host.generation()) this.handleTransient(failure);
      throw failure;
    }
    if (gen !== host.generation()) throw new AuthError('cancelled', MESSAGES.closedWhileRenewing);
    host.setLive({ ...marked, account: host.live()?.account ?? marked.account });
    this.unsaved = false;

    // 2. Spend it.
    let fresh: TokenSet;
    try {
      fresh = await host.tokenEndpoint.refresh(spent);
    } catch (error) {
      const failure = toAuthError(error);
      if (gen === host.generation()) this.handleRefreshFailure(failure, trigger);
      throw failure;
    }
    if (gen !== host.generation()) throw new AuthError('cancelled', MESSAGES.closedWhileRenewing);
    host.pinTokens(fresh);

    // 3. Persist the new pair (marker cleared) in one atomic save, before anyone uses it.
    const base = host.live() ?? marked;
    const next: StoredConnection = {
      ...base,
      tokens: storable(fresh),
      refreshInFlight: null,
      lastRefresh: { at: host.clock.now(), result: 'ok' },
    };
    let saved = true;
    try {
      saved = await host.persist(gen, next);
    } catch (error) {
      saved = false;
      host.activity.error(MESSAGES.renewedNotSaved(describeError(error)));
    }
    if (gen !== host.generation()) throw new AuthError('cancelled', MESSAGES.closedWhileRenewing);

    // 4. Swap, then let waiters have it.
    const swapped: StoredConnection = { ...next, account: next.account ?? host.live()?.account ?? null };
    host.setLive(swapped);
    this.attempt = 0;
    this.lastFailure = null;
    this.answerMayBeLost = false;
    this.refusals = null;
    if (!saved) this.scheduleSaveRetry(true);
    host.noteTokenClock(fresh);
    host.activity.info(MESSAGES.renewed(fresh.accessTokenExpiresAt), {
      accessTokenExpiresAt: fresh.accessTokenExpiresAt,
      refreshTokenFingerprint: fingerprint(fresh.refreshToken),
    });
    this.enterConnected();
    // Read after enterConnected's publication: a state listener may have dropped the grant meanwhile.
    const after = host.live();
    if (after !== null && !after.account) void this.fetchMissingAccount(gen);
    return next.tokens;
  }

  private handleRefreshFailure(failure: AuthError, trigger: RefreshTrigger): void {
    const host = this.host;
    const live = host.live();
    if (!live) return;
    if (failure.kind === 'disconnected-in-jobber') {
      this.loseGrant('disconnected-in-jobber', rejectedMessage('disconnected-in-jobber', live.account), failure);
      return;
    }
    if (failure.kind === 'rejected-grant') {
      // Rotation kills the spent token the moment Jobber answers. If the previous attempt's answer
      // may have been lost on the way back, that is the likeliest story: say so rather than
      // blaming Jobber.
      if (trigger === 'interrupted') {
        this.loseGrant('interrupted-refresh', INTERRUPTED_REFRESH_MESSAGE, failure);
      } else if (this.answerMayBeLost) {
        this.loseGrant('renewal-answer-lost', LOST_ANSWER_MESSAGE, failure);
      } else {
        this.loseGrant('refresh-rejected', rejectedMessage('refresh-rejected', live.account), failure);
      }
      return;
    }
    if (failure.kind === 'misconfigured') {
      // The refresh token was not accepted for spending: kept (no rejection recorded), so a session
      // with corrected Settings tries it again.
      this.setAside('credentials-rejected', MESSAGES.credentialsRejected(failure.message), live);
      return;
    }
    if (failure.kind === 'refused' && this.refusedTooOften()) {
      const message = keepsRefusingMessage(failure.httpStatus);
      this.setAside('refusing-to-renew', `${message}`, live, failure);
      return;
    }
    // Transient kinds, and anything unexpected: the grant may well be fine, so keep it and retry.
    this.handleTransient(failure);
  }

  /** Counts a refusal in the current run of them; true once the policy says to stop retrying. */
  private refusedTooOften(): boolean {
    const { policy, clock } = this.host;
    const now = clock.now();
    this.refusals = this.refusals === null ? { count: 1, since: now } : { ...this.refusals, count: this.refusals.count + 1 };
    return this.refusals.count >= policy.refusalLimit && now - this.refusals.since >= policy.refusalSpanMs;
  }

  /**
   * Needs-reconnect with the grant kept on disk unmarked (marker cleared, no rejection recorded):
   * the sign-in may well be fine. 'refusing-to-renew' also keeps it in memory for Retry (unpark).
   */
  private setAside(reason: 'credentials-rejected' | 'refusing-to-renew', message: string, live: StoredConnection, cause?: AuthError): void {
    const host = this.host;
    const gen = host.bumpGeneration();
    host.setLive(null);
    this.clearTimers();
    this.resetBackoff();
    const kept: StoredConnection = { ...live, refreshInFlight: null };
    if (reason === 'refusing-to-renew') this.parked = kept;
    host.persist(gen, kept).catch((error: unknown) => host.activity.error(MESSAGES.savedSignInNotUpdated(describeError(error))));
    host.setState({ status: 'needs-reconnect', reason, account: live.account, message });
    host.activity.error(cause ? `${message} (${cause.message})` : message);
  }

  private handleTransient(failure: AuthError): void {
    const host = this.host;
    const live = host.live();
    if (!live) return;
    this.attempt += 1;
    this.lastFailure = failure;
    if (ANSWER_MAY_BE_LOST.has(failure.kind)) this.answerMayBeLost = true;
    if (failure.kind !== 'refused') this.refusals = null;
    const now = host.clock.now();
    const nextAttemptAt = now + backoffDelay(this.attempt, host.policy, host.random, failure.retryAfterMs);
    const cause = retryCause(failure.kind);
    const message = MESSAGES.retrying(cause, nextAttemptAt, host.viaBroker);
    const retrying: StoredConnection = { ...live, lastRefresh: { at: now, result: 'transient-failure', message: failure.message } };
    host.setLive(retrying);
    host.setState({ ...grantDetails(retrying), status: 'offline-retrying', cause, nextAttemptAt, attempt: this.attempt, message });
    host.activity.warning(`${message} (${failure.message})`, { attempt: this.attempt, nextAttemptAt });
    if (!host.halted()) {
      this.refreshTimer.arm(nextAttemptAt, () => void this.refresh('retry').catch(() => undefined));
    }
  }

  private async fetchMissingAccount(gen: number): Promise<void> {
    const host = this.host;
    const live = host.live();
    if (this.accountFetchInFlight || !live || live.account) return;
    this.accountFetchInFlight = true;
    try {
      const account = await host.jobberApi.fetchAccount(live.tokens.accessToken);
      const current = host.live();
      if (gen !== host.generation() || !current) return;
      const identified: StoredConnection = { ...current, account };
      host.setLive(identified);
      const state = host.state();
      if (state.status === 'connected' || state.status === 'refreshing' || state.status === 'offline-retrying') {
        host.setState({ ...state, account });
      }
      host.activity.info(MESSAGES.identified(account.name));
      await host.persist(gen, identified).catch((error: unknown) =>
        host.activity.warning(MESSAGES.accountNameNotSavedLater(describeError(error))),
      );
    } catch (error) {
      host.activity.warning(MESSAGES.accountNotIdentifiedYet(describeError(error)));
    } finally {
      this.accountFetchInFlight = false;
    }
  }

  private scheduleSaveRetry(first: boolean): void {
    this.unsaved = true;
    if (first) this.saveAttempts = 0;
    this.saveAttempts += 1;
    if (this.host.halted()) return;
    const at = this.host.clock.now() + backoffDelay(this.saveAttempts, this.host.policy, this.host.random);
    this.saveRetryTimer.arm(at, () => void this.retrySave());
  }

  private async retrySave(): Promise<void> {
    const host = this.host;
    const live = host.live();
    if (!this.unsaved || !live) return;
    const gen = host.generation();
    try {
      const saved = await host.persist(gen, live);
      if (saved && host.live() === live) {
        this.unsaved = false;
        host.activity.info(MESSAGES.savedRenewed);
      }
    } catch (error) {
      host.activity.error(MESSAGES.saveRetryFailed(describeError(error)));
      if (gen === host.generation()) this.scheduleSaveRetry(false);
    }
  }
}
