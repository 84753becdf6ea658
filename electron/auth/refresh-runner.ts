/**
 * One rotation-safe renewal of the grant, and what came of it: a crash marker is persisted before
 * the refresh token is spent, the new pair is persisted before anyone uses it (with save retries
 * when that fails), and a failure is classified into an outcome (retry later, grant lost, grant set
 * aside). It changes the grant and keeps the refresh bookkeeping (backoff and refusal counters, the
 * grant set aside for Retry, the owed save); it never publishes a state: the Session turns each
 * outcome into one, and owns the single flight and the refresh schedule.
 */
import type { ActivityLog } from './activity-log';
import type { AccountSummary, GrantDetails, RetryCause } from '../ipc/connection-state';
import { DeadlineTimer } from './deadline-timer';
import type { RefreshSchedule } from './refresh-schedule';
import { AuthError } from '../core/errors';
import type { Clock, RandomSource } from '../core/clock';
import { type Grant, grantDetails } from './grant';
import type { JobberAccountApi, TokenEndpoint } from './ports';
import { describeError, fingerprint } from '../core/redact';
import { type RefreshPolicy, backoffDelay } from './refresh-policy';
import {
  INTERRUPTED_REFRESH_MESSAGE,
  LOST_ANSWER_MESSAGE,
  MESSAGES,
  keepsRefusingMessage,
  type RefreshTrigger,
  TRIGGER_TEXT,
  rejectedMessage,
} from './session-messages';
import { type TokenClockNotes, storable, toAuthError } from './token-answers';
import type { StoredConnection, TokenSet } from './token-model';

/** Why the grant is gone (the stored record is kept, marked rejected). */
export type LostReason = 'refresh-rejected' | 'interrupted-refresh' | 'renewal-answer-lost' | 'disconnected-in-jobber';

/** What one renewal (or a report that the grant is gone) came to. */
export type RenewalOutcome =
  /** The new pair is live (saved, or owed a save retry). */
  | { kind: 'renewed'; tokens: TokenSet }
  /** A transient failure: the grant is kept and the renewal should be retried at `at`. */
  | { kind: 'retrying'; at: number; attempt: number; cause: RetryCause; message: string; details: GrantDetails; error: AuthError }
  /** The grant is gone: not live any more, the stored record marked rejected. */
  | { kind: 'lost'; reason: LostReason; account: AccountSummary | null; message: string; error?: AuthError }
  /** Jobber refused the app's client id or secret: not live, the record kept unmarked for fixed Settings. */
  | { kind: 'credentials-rejected'; account: AccountSummary | null; message: string; error: AuthError }
  /** Refused again and again without saying the grant is gone: set aside, unmarked, for Retry. */
  | { kind: 'refusing-to-renew'; account: AccountSummary | null; message: string; error: AuthError }
  /** The grant was replaced or dropped meanwhile (Disconnect, shutdown, a new sign-in): nothing to show. */
  | { kind: 'superseded'; error: AuthError };

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

export interface RefreshRunnerOptions {
  grant: Grant;
  tokenEndpoint: TokenEndpoint;
  jobberApi: JobberAccountApi;
  clock: Clock;
  random: RandomSource;
  policy: RefreshPolicy;
  activity: ActivityLog;
  /** Warnings a fresh pair's expiry earns (shared with the sign-in, so each is given once). */
  tokenClock: TokenClockNotes;
  /** Broker mode: tokens come from the broker, so "can't be reached" names it. */
  viaBroker: boolean;
  /** Says when no save retry may be scheduled (the Session stops or disconnects). */
  schedule: Pick<RefreshSchedule, 'halted'>;
}

export class RefreshRunner {
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
  private readonly saveRetryTimer: DeadlineTimer;

  constructor(private readonly options: RefreshRunnerOptions) {
    this.saveRetryTimer = new DeadlineTimer(options.clock, options.policy.maxTimerMs);
  }

  /** The last transient failure since the last success (or fresh grant), if any. */
  get lastTransientError(): AuthError | null {
    return this.lastFailure;
  }

  /**
   * Renews `live`, the grant's working record in generation `gen` (read by the caller before it
   * published 'refreshing': a listener may have dropped the grant since). Never throws.
   */
  async renew(live: StoredConnection, gen: number, trigger: RefreshTrigger, startedAt: number): Promise<RenewalOutcome> {
    const { grant, activity } = this.options;
    const spent = live.tokens.refreshToken;
    const marker = { startedAt, refreshTokenFingerprint: fingerprint(spent) };
    activity.info(TRIGGER_TEXT[trigger], { refreshTokenFingerprint: marker.refreshTokenFingerprint });

    // 1. Say, durably, that this refresh token is about to be spent.
    const marked: StoredConnection = { ...live, refreshInFlight: marker };
    try {
      await grant.persist(gen, marked);
    } catch (error) {
      const failure = new AuthError('storage', MESSAGES.saveBeforeRenewFailed(describeError(error)));
      return gen === grant.generation ? this.transient(failure) : { kind: 'superseded', error: failure };
    }
    if (gen !== grant.generation) return this.superseded();
    grant.setLive({ ...marked, account: grant.live?.account ?? marked.account });
    this.unsaved = false;

    // 2. Spend it.
    let fresh: TokenSet;
    try {
      fresh = await this.options.tokenEndpoint.refresh(spent);
    } catch (error) {
      const failure = toAuthError(error);
      return gen === grant.generation ? this.classify(failure, trigger) : { kind: 'superseded', error: failure };
    }
    if (gen !== grant.generation) return this.superseded();
    grant.pin(fresh);

    // 3. Persist the new pair (marker cleared) in one atomic save, before anyone uses it.
    const base = grant.live ?? marked;
    const next: StoredConnection = { ...base, tokens: storable(fresh), refreshInFlight: null, lastRefresh: { at: this.options.clock.now(), result: 'ok' } };
    let saved = true;
    try {
      saved = await grant.persist(gen, next);
    } catch (error) {
      saved = false;
      activity.error(MESSAGES.renewedNotSaved(describeError(error)));
    }
    if (gen !== grant.generation) return this.superseded();

    // 4. Swap; the Session lets waiters have it.
    grant.setLive({ ...next, account: next.account ?? grant.live?.account ?? null });
    this.attempt = 0;
    this.lastFailure = null;
    this.answerMayBeLost = false;
    this.refusals = null;
    if (!saved) this.scheduleSaveRetry(true);
    this.options.tokenClock.note(fresh);
    activity.info(MESSAGES.renewed(fresh.accessTokenExpiresAt), {
      accessTokenExpiresAt: fresh.accessTokenExpiresAt,
      refreshTokenFingerprint: fingerprint(fresh.refreshToken),
    });
    return { kind: 'renewed', tokens: next.tokens };
  }

  /** The grant is gone: stop using it, keep the stored record (marked rejected). Null without a live grant. */
  private loseGrant(reason: LostReason, message: string, error?: AuthError): RenewalOutcome | null {
    const { grant, clock, activity } = this.options;
    const live = grant.live;
    if (!live) return null;
    const gen = grant.nextGeneration();
    grant.setLive(null);
    this.forget();
    const kept: StoredConnection = { ...live, refreshInFlight: null, lastRefresh: { at: clock.now(), result: 'rejected', message } };
    grant.persist(gen, kept).catch((failure: unknown) => activity.error(MESSAGES.refusalNotRecorded(describeError(failure))));
    return { kind: 'lost', reason, account: live.account, message, ...(error ? { error } : {}) };
  }

  /** Jobber said "User has disconnected this app" (an API answer, the broker's events): the grant is gone. */
  disconnectedInJobber(error?: AuthError): RenewalOutcome | null {
    const live = this.options.grant.live;
    return live && this.loseGrant('disconnected-in-jobber', rejectedMessage('disconnected-in-jobber', live.account), error);
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
    const { grant } = this.options;
    const parked = this.parked;
    if (parked === null || grant.live !== null) return false;
    this.parked = null;
    grant.nextGeneration();
    grant.setLive(parked);
    return true;
  }

  /** The grant was dropped: no backoff history, no save owed, no save retry. */
  forget(): void {
    this.resetBackoff();
    this.unsaved = false;
    this.saveRetryTimer.clear();
  }

  /** Stops any save retry (the grant itself is untouched). */
  clearTimers(): void {
    this.saveRetryTimer.clear();
  }

  /** After sleep: a save retry whose time has come runs now. */
  resume(): void {
    this.saveRetryTimer.check();
  }

  /**
   * Shutdown: one last save of a renewed pair that could not be saved before, or null when none is
   * owed. Failures go to `onError` (nothing else is left to tell).
   */
  flushUnsaved(onError: (error: unknown) => void): Promise<void> | null {
    const { grant } = this.options;
    const live = grant.live;
    if (!this.unsaved || !live) return null;
    return grant.persist(grant.generation, live).then(() => {
      this.unsaved = false;
    }, onError);
  }

  /**
   * The account of a live grant that has none yet (its fetch failed at Connect), as generation
   * `gen`: fetched, made part of the live record and saved. Null when it cannot be had now.
   */
  async identifyAccount(gen: number): Promise<AccountSummary | null> {
    const { grant, activity } = this.options;
    const live = grant.live;
    if (this.accountFetchInFlight || !live || live.account) return null;
    this.accountFetchInFlight = true;
    try {
      const account = await this.options.jobberApi.fetchAccount(live.tokens.accessToken);
      const current = grant.live;
      if (gen !== grant.generation || !current) return null;
      const identified: StoredConnection = { ...current, account };
      grant.setLive(identified);
      grant.persist(gen, identified).catch((error: unknown) => activity.warning(MESSAGES.accountNameNotSavedLater(describeError(error))));
      return account;
    } catch (error) {
      activity.warning(MESSAGES.accountNotIdentifiedYet(describeError(error)));
      return null;
    } finally {
      this.accountFetchInFlight = false;
    }
  }

  private superseded(): RenewalOutcome {
    return { kind: 'superseded', error: new AuthError('cancelled', MESSAGES.closedWhileRenewing) };
  }

  private classify(failure: AuthError, trigger: RefreshTrigger): RenewalOutcome {
    const live = this.options.grant.live;
    if (!live) return { kind: 'superseded', error: failure };
    if (failure.kind === 'disconnected-in-jobber') return this.disconnectedInJobber(failure) ?? { kind: 'superseded', error: failure };
    if (failure.kind === 'rejected-grant') {
      // Rotation kills the spent token the moment Jobber answers. If the previous attempt's answer
      // may have been lost on the way back, that is the likeliest story: say so rather than
      // blaming Jobber.
      if (trigger === 'interrupted') return this.lost('interrupted-refresh', INTERRUPTED_REFRESH_MESSAGE, failure);
      if (this.answerMayBeLost) return this.lost('renewal-answer-lost', LOST_ANSWER_MESSAGE, failure);
      return this.lost('refresh-rejected', rejectedMessage('refresh-rejected', live.account), failure);
    }
    if (failure.kind === 'misconfigured') {
      // The refresh token was not accepted for spending: kept (no rejection recorded), so a session
      // with corrected Settings tries it again.
      return this.setAside('credentials-rejected', MESSAGES.credentialsRejected(failure.message), live, failure);
    }
    if (failure.kind === 'refused' && this.refusedTooOften()) {
      return this.setAside('refusing-to-renew', keepsRefusingMessage(failure.httpStatus), live, failure);
    }
    // Transient kinds, and anything unexpected: the grant may well be fine, so keep it and retry.
    return this.transient(failure);
  }

  private lost(reason: LostReason, message: string, error: AuthError): RenewalOutcome {
    return this.loseGrant(reason, message, error) ?? { kind: 'superseded', error };
  }

  /** Counts a refusal in the current run of them; true once the policy says to stop retrying. */
  private refusedTooOften(): boolean {
    const { policy, clock } = this.options;
    const now = clock.now();
    this.refusals = this.refusals === null ? { count: 1, since: now } : { ...this.refusals, count: this.refusals.count + 1 };
    return this.refusals.count >= policy.refusalLimit && now - this.refusals.since >= policy.refusalSpanMs;
  }

  /**
   * Not live any more, the grant kept on disk unmarked (marker cleared, no rejection recorded): the
   * sign-in may well be fine. 'refusing-to-renew' also keeps it in memory for Retry (unpark).
   */
  private setAside(kind: 'credentials-rejected' | 'refusing-to-renew', message: string, live: StoredConnection, error: AuthError): RenewalOutcome {
    const { grant, activity } = this.options;
    const gen = grant.nextGeneration();
    grant.setLive(null);
    this.saveRetryTimer.clear();
    this.resetBackoff();
    const kept: StoredConnection = { ...live, refreshInFlight: null };
    if (kind === 'refusing-to-renew') this.parked = kept;
    grant.persist(gen, kept).catch((failure: unknown) => activity.error(MESSAGES.savedSignInNotUpdated(describeError(failure))));
    return { kind, account: live.account, message, error };
  }

  private transient(failure: AuthError): RenewalOutcome {
    const { grant, clock, policy, random } = this.options;
    const live = grant.live;
    if (!live) return { kind: 'superseded', error: failure };
    this.attempt += 1;
    this.lastFailure = failure;
    if (ANSWER_MAY_BE_LOST.has(failure.kind)) this.answerMayBeLost = true;
    if (failure.kind !== 'refused') this.refusals = null;
    const now = clock.now();
    const at = now + backoffDelay(this.attempt, policy, random, failure.retryAfterMs);
    const cause = retryCause(failure.kind);
    const message = MESSAGES.retrying(cause, at, this.options.viaBroker);
    const retrying: StoredConnection = { ...live, lastRefresh: { at: now, result: 'transient-failure', message: failure.message } };
    grant.setLive(retrying);
    return { kind: 'retrying', at, attempt: this.attempt, cause, message, details: grantDetails(retrying), error: failure };
  }

  private scheduleSaveRetry(first: boolean): void {
    this.unsaved = true;
    if (first) this.saveAttempts = 0;
    this.saveAttempts += 1;
    if (this.options.schedule.halted) return;
    const at = this.options.clock.now() + backoffDelay(this.saveAttempts, this.options.policy, this.options.random);
    this.saveRetryTimer.arm(at, () => void this.retrySave());
  }

  private async retrySave(): Promise<void> {
    const { grant, activity } = this.options;
    const live = grant.live;
    if (!this.unsaved || !live) return;
    const gen = grant.generation;
    try {
      const saved = await grant.persist(gen, live);
      if (saved && grant.live === live) {
        this.unsaved = false;
        activity.info(MESSAGES.savedRenewed);
      }
    } catch (error) {
      activity.error(MESSAGES.saveRetryFailed(describeError(error)));
      if (gen === grant.generation) this.scheduleSaveRetry(false);
    }
  }
}
