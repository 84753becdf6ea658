/**
 * The sign-in (Connect): the pending request (PKCE verifier and single-use state), the authorize
 * URL, the callback, the code exchange, the account fetch and the first saves through the grant;
 * also a grant obtained outside the authorize flow (broker pairing). It shows the sign-in's own
 * states (connecting, and back to where it started on cancel or failure) and hands a saved record
 * to the Session, which makes it live.
 *
 * Cancel, Disconnect or shutdown while the code is being exchanged win: Jobber's answer is not
 * kept and, since Jobber did create a grant, it is told (appDisconnect, bounded), except at
 * shutdown, when the answer is dropped without writing or calling anything.
 */
import type { AccountSummary, ConnectionState } from '../ipc/connection-state';
import type { ActivityLog } from './activity-log';
import { buildAuthorizeUrl } from './authorize-request';
import { parseCallback, type CallbackSource } from './callback-parser';
import type { JobberConfig } from './config-types';
import type { ConnectionStates } from './connection-states';
import { DeadlineTimer } from './deadline-timer';
import type { Grant } from './grant';
import { PendingRequests } from './pending-requests';
import type { JobberAccountApi, TokenEndpoint } from './ports';
import { tellGrantGivenUp, type GivingUpOptions } from './session-disconnect';
import { MESSAGES } from './session-messages';
import { type TokenClockNotes, storable, toAuthError } from './token-answers';
import type { StoredConnection, TokenSet } from './token-model';
import { AuthError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { describeError, redact } from '../core/redact';
import { parseUrl } from '../core/url';

export type CancelReason = 'closed' | 'timeout' | 'cancelled' | 'load-failed';

/** What Connect gives the caller to open. `request` (broker mode) is what the broker's authorize step needs. */
export interface BegunConnect {
  authorizeUrl: string;
  expiresAt: number;
  /** True when this is the request a Connect pressed earlier is still waiting on. */
  alreadyPending: boolean;
  request?: { state: string; codeChallenge: string };
}

export interface ConnectFlowOptions {
  config: JobberConfig;
  grant: Grant;
  states: ConnectionStates;
  tokenEndpoint: TokenEndpoint;
  jobberApi: JobberAccountApi;
  clock: Clock;
  activity: ActivityLog;
  logger: Logger;
  tokenClock: TokenClockNotes;
  maxTimerMs: number;
  /** Who is told about a grant approved but given up, and how long that may take. */
  givingUp: GivingUpOptions;
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
const STATE_VALIDATION_FAILURES: ReadonlySet<AuthError['kind']> = new Set(['state-mismatch', 'unknown-state', 'stateless-callback']);

export class ConnectFlow {
  private readonly pending: PendingRequests;
  private readonly timer: DeadlineTimer;
  private attempt: ConnectAttempt | null = null;
  /** Set from the accepted callback until the Connect settles. */
  private completion: Completion | null = null;
  private stopped = false;

  constructor(private readonly options: ConnectFlowOptions) {
    this.pending = new PendingRequests(options.clock);
    this.timer = new DeadlineTimer(options.clock, options.maxTimerMs);
  }

  /** See Session.beginConnect. */
  begin(): BegunConnect {
    const { config, grant, states, clock } = this.options;
    if (states.current.status === 'storage-unavailable') throw new AuthError('storage', states.current.message);
    if (this.completion && !this.completion.abandoned) throw new AuthError('already-connected', MESSAGES.stillFinishing);
    const current = this.attempt;
    if (current && this.pending.hasPending() && clock.now() < current.expiresAt) {
      return { authorizeUrl: current.authorizeUrl, expiresAt: current.expiresAt, alreadyPending: true };
    }
    if (current) this.endAttempt();
    if (grant.live) throw new AuthError('already-connected', MESSAGES.alreadyConnected);
    const resting = current?.resting ?? states.resting();
    const { state, codeChallenge, expiresAt } = this.pending.create();
    const authorizeUrl = buildAuthorizeUrl(config, state, codeChallenge);
    const startedAt = clock.now();
    this.attempt = { authorizeUrl, startedAt, expiresAt, resting: structuredClone(resting) };
    this.timer.arm(expiresAt, () => this.cancel('timeout'));
    states.set({ status: 'connecting', startedAt, expiresAt, mode: config.authMode });
    this.options.activity.info(MESSAGES.signInOpened);
    if (config.broker) return { authorizeUrl, expiresAt, alreadyPending: false, request: { state, codeChallenge } };
    return { authorizeUrl, expiresAt, alreadyPending: false };
  }

  /** See Session.expectsCallback. */
  expectsCallback(callbackUrl: string): boolean {
    const states = parseUrl(callbackUrl)?.searchParams.getAll('state') ?? [];
    return states.length === 1 && this.pending.recognises(states[0] ?? '');
  }

  /** See Session.completeConnect. Resolves with the saved record, for the Session to make live. */
  async complete(callbackUrl: string, source: CallbackSource): Promise<StoredConnection> {
    const { config, activity } = this.options;
    const attempt = this.attempt;
    const parsed = parseCallback(callbackUrl, config.redirectUri, this.pending, source, config.broker ? 'handoff' : 'code');
    if (!parsed.ok) {
      const error = parsed.error;
      if (attempt && STATE_VALIDATION_FAILURES.has(error.kind) && this.pending.hasPending()) {
        activity.warning(MESSAGES.ignoredForeignCallback(error.message));
        throw error;
      }
      if (attempt) {
        this.endAttempt();
        this.returnToResting(attempt.resting, error);
      } else {
        activity.warning(MESSAGES.ignoredCallback(error.message));
      }
      throw error;
    }
    if (!attempt) {
      // parseCallback matched a pending request, so an attempt must exist; be defensive anyway.
      const error = new AuthError('unknown-state', MESSAGES.noConnectInProgress);
      activity.warning(error.message);
      throw error;
    }
    this.endAttempt();
    const completion: Completion = { abandoned: this.stopped ? 'stop' : null, resting: attempt.resting };
    this.completion = completion;
    try {
      return await this.finish(parsed, completion);
    } finally {
      if (this.completion === completion) this.completion = null;
    }
  }

  /** Null when adopt() would accept a grant now, else the error it would throw. */
  adoptionRefusal(): AuthError | null {
    const state = this.options.states.current;
    if (state.status === 'storage-unavailable') return new AuthError('storage', state.message);
    if (this.options.grant.live) return new AuthError('already-connected', MESSAGES.alreadyConnected);
    if (this.completion && !this.completion.abandoned) return new AuthError('already-connected', MESSAGES.stillFinishing);
    if (this.stopped) return new AuthError('cancelled', MESSAGES.closedDuringSetup);
    return null;
  }

  /** See Session.adoptGrant. Resolves with the saved record, for the Session to make live. */
  async adopt(tokens: TokenSet, account: AccountSummary): Promise<StoredConnection> {
    const refusal = this.adoptionRefusal();
    if (refusal) throw refusal;
    const { grant, clock } = this.options;
    if (this.attempt) this.endAttempt();
    grant.pin(tokens);
    const gen = grant.nextGeneration();
    const record: StoredConnection = { version: 1, tokens: storable(tokens), account, connectedAt: clock.now(), lastRefresh: null, refreshInFlight: null };
    let saved = false;
    try {
      saved = await grant.persist(gen, record);
    } catch (error) {
      grant.unpin(tokens);
      throw new AuthError('storage', MESSAGES.saveAfterApprovalFailed(describeError(error)));
    }
    if (!saved || gen !== grant.generation || this.stopped) {
      grant.unpin(tokens);
      throw new AuthError('cancelled', MESSAGES.closedDuringSetup);
    }
    return record;
  }

  /** See Session.cancelConnect. */
  cancel(reason: CancelReason, detail?: string): void {
    const attempt = this.attempt;
    if (!attempt) {
      // Past the callback, Cancel still works: Jobber's answer will be dropped when it comes.
      const completion = this.completion;
      if (completion && this.abandon('cancel')) this.settleCancelled(completion.resting, 'cancelled', MESSAGES.cancelText.cancelled);
      return;
    }
    this.endAttempt();
    const suffix = detail ? ` (${redact(detail)})` : '';
    const texts = MESSAGES.cancelText;
    const text = reason === 'load-failed' ? texts['load-failed'](suffix) : texts[reason];
    this.settleCancelled(attempt.resting, reason, text);
  }

  /** Disconnect: ends a pending request and abandons a sign-in being finished; true if there was one. */
  abandonForDisconnect(): boolean {
    if (this.attempt) this.endAttempt();
    return this.abandon('disconnect');
  }

  /** Shutdown: ends a pending request; a sign-in being finished writes and calls nothing more. */
  stop(): void {
    this.stopped = true;
    if (this.attempt) this.endAttempt();
    this.abandon('stop');
  }

  /** After sleep: a request whose 10 minutes are up ends now. */
  resume(): void {
    this.timer.check();
  }

  private async finish({ code, codeVerifier }: { code: string; codeVerifier: string }, completion: Completion): Promise<StoredConnection> {
    const { grant, activity } = this.options;
    // The state stays 'connecting'; this entry says the wait is now on Jobber's answer, and Cancel
    // still works (it abandons the answer).
    activity.info(MESSAGES.finishingSignIn);

    let tokens: TokenSet;
    try {
      tokens = await this.options.tokenEndpoint.exchangeCode(code, codeVerifier);
    } catch (error) {
      const failure = toAuthError(error);
      if (completion.abandoned) throw new AuthError('cancelled', MESSAGES.cancelText.cancelled);
      this.returnToResting(completion.resting, failure);
      throw failure;
    }
    if (completion.abandoned) return this.abandonApproved(tokens, completion.abandoned, null);
    grant.pin(tokens);
    this.options.tokenClock.note(tokens);

    const gen = grant.nextGeneration();
    let record: StoredConnection = {
      version: 1,
      tokens: storable(tokens),
      account: null,
      connectedAt: this.options.clock.now(),
      lastRefresh: null,
      refreshInFlight: null,
      endpoint: grant.endpoint,
    };
    let saved: boolean;
    try {
      // Checked in the store queue, so a Disconnect's wipe or stop() queued first always wins.
      saved = await grant.save(record, () => !completion.abandoned);
    } catch (error) {
      const failure = new AuthError('storage', MESSAGES.saveAfterApprovalFailed(describeError(error)));
      if (completion.abandoned) return this.abandonApproved(tokens, completion.abandoned, null);
      this.returnToResting(completion.resting, failure);
      throw failure;
    }
    if (!saved || completion.abandoned) return this.abandonApproved(tokens, completion.abandoned ?? 'cancel', saved ? gen : null);

    try {
      const account = await this.options.jobberApi.fetchAccount(tokens.accessToken);
      record = { ...record, account };
      try {
        await grant.persist(gen, record, () => !completion.abandoned);
      } catch (error) {
        activity.warning(MESSAGES.accountNameNotSaved(describeError(error)));
      }
    } catch (error) {
      // Not a failed Connect: the tokens are saved; the account is fetched again after the next refresh.
      activity.warning(MESSAGES.accountNotIdentified(describeError(error)));
    }
    if (completion.abandoned) return this.abandonApproved(tokens, completion.abandoned, gen);
    if (gen !== grant.generation || this.stopped) throw new AuthError('cancelled', MESSAGES.closedDuringSetup);
    return record;
  }

  /**
   * A sign-in Jobber approved was abandoned (Cancel, Disconnect, quit). Keeps nothing: removes the
   * record if it was already saved as generation `savedGen` (a Disconnect's own wipe covers that
   * case too), and tells Jobber the grant is not wanted, except when quitting. Always throws
   * 'cancelled'.
   */
  private async abandonApproved(tokens: TokenSet, reason: Abandon, savedGen: number | null): Promise<never> {
    const { grant, states, activity } = this.options;
    grant.unpin(tokens);
    if (reason === 'stop' || this.stopped) {
      this.options.logger.warn(MESSAGES.discardedAtShutdown);
      throw new AuthError('cancelled', MESSAGES.discardedAtShutdown);
    }
    if (savedGen !== null && reason === 'cancel') {
      grant.nextGeneration();
      await grant.clear().catch((error: unknown) => activity.error(MESSAGES.disconnectWipeFailed(describeError(error))));
      // The record a reconnect was meant to replace has been overwritten: nothing is kept now.
      if (!grant.live && !this.attempt && states.current.status === 'needs-reconnect') {
        states.set({ status: 'disconnected', lastError: null, notice: MESSAGES.cancelText.cancelled });
      }
    }
    const outcome = await tellGrantGivenUp(this.options.givingUp, tokens.refreshToken, () => Promise.resolve(tokens.accessToken));
    activity.add(outcome.notified ? 'info' : 'warning', MESSAGES.discardedApproved(outcome.notified, outcome.problem));
    throw new AuthError('cancelled', MESSAGES.cancelText.cancelled);
  }

  /** Marks a sign-in being finished as abandoned; false when there is none (or it already was). */
  private abandon(reason: Abandon): boolean {
    const completion = this.completion;
    if (!completion || completion.abandoned) return false;
    completion.abandoned = reason;
    return true;
  }

  private settleCancelled(resting: ConnectionState, reason: CancelReason, text: string): void {
    const { states, activity } = this.options;
    if (resting.status === 'disconnected') {
      const lastError =
        reason === 'timeout' ? { kind: 'expired-state' as const, message: text } : reason === 'load-failed' ? { kind: 'network' as const, message: text } : null;
      states.set({ status: 'disconnected', lastError, notice: lastError ? null : text });
    } else {
      states.set(resting);
    }
    activity.add(reason === 'load-failed' ? 'error' : reason === 'timeout' ? 'warning' : 'info', text);
  }

  private endAttempt(): void {
    this.timer.clear();
    this.pending.cancelAll();
    this.attempt = null;
  }

  private returnToResting(resting: ConnectionState, error: AuthError): void {
    const { states, activity } = this.options;
    if (resting.status === 'needs-reconnect') {
      // The next attempt returns to the original wording, not to this one (no stacking).
      states.setFailedReconnect({ ...resting, message: MESSAGES.reconnectFailed(error.message, resting.message) }, resting);
    } else {
      states.set({ status: 'disconnected', lastError: { kind: error.kind, message: error.message }, notice: null });
    }
    activity.add(error.kind === 'denied' ? 'warning' : 'error', MESSAGES.connectFailed(error.message));
  }
}
