/**
 * Telling Jobber that a grant is being given up (the appDisconnect mutation, or in broker mode the
 * broker), bounded in time: used by Disconnect and when a sign-in is cancelled after Jobber already
 * approved it. Renewing the token, when that is allowed, is the caller's business (passed in). Also
 * the wording of Disconnect's result. Dropping a grant wipes the store through the Grant; no state.
 */
import { AuthError, isAuthError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { ActivityLog } from './activity-log';
import type { Settled } from './connection-states';
import type { Grant } from './grant';
import type { ConnectionState } from '../ipc/connection-state';
import type { GrantRevoker, JobberAccountApi } from './ports';
import { describeError } from '../core/redact';
import { MESSAGES } from './session-messages';

interface NotifyJobberOptions {
  clock: Clock;
  jobberApi: JobberAccountApi;
  /** Upper bound for the whole exchange, renewal included. */
  timeoutMs: number;
  /** The access token to send (it may have to be renewed first). */
  accessToken: () => Promise<string>;
  /**
   * Called once when Jobber answers 401 to a token believed valid (clock skew, early revocation):
   * a renewed token, or null when renewing is not possible (then the 401 stands).
   */
  renew?: () => Promise<string> | null;
}

/** Whether Jobber was told; `problem` is a redacted reason when it was not. */
export interface NotifyJobberOutcome {
  notified: boolean;
  problem: string;
}

/** Calls appDisconnect within `timeoutMs`. Never throws. "Already disconnected in Jobber" counts as told. */
async function notifyJobberOfDisconnect(options: NotifyJobberOptions): Promise<NotifyJobberOutcome> {
  const { clock, jobberApi, timeoutMs } = options;
  const controller = new AbortController();
  let rejectTimeout: (error: AuthError) => void = () => undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    rejectTimeout = reject;
  });
  timedOut.catch(() => undefined);
  const timer = clock.setTimer(timeoutMs, () => {
    controller.abort();
    rejectTimeout(new AuthError('timeout', MESSAGES.jobberDidNotAnswer(timeoutMs)));
  });
  try {
    const accessToken = await Promise.race([options.accessToken(), timedOut]);
    try {
      await Promise.race([jobberApi.appDisconnect(accessToken, controller.signal), timedOut]);
    } catch (error) {
      const renewal = isAuthError(error) && error.kind === 'unauthorized' ? (options.renew?.() ?? null) : null;
      if (renewal === null) throw error;
      const renewed = await Promise.race([renewal, timedOut]);
      await Promise.race([jobberApi.appDisconnect(renewed, controller.signal), timedOut]);
    }
    return { notified: true, problem: '' };
  } catch (error) {
    // Already disconnected in Jobber: Jobber knows, which is what the call was for.
    if (isAuthError(error) && error.kind === 'disconnected-in-jobber') return { notified: true, problem: '' };
    return { notified: false, problem: describeError(error) };
  } finally {
    clock.clearTimer(timer);
  }
}

/** Who is told that a grant is given up, and how long that may take. */
export interface GivingUpOptions {
  clock: Clock;
  jobberApi: JobberAccountApi;
  timeoutMs: number;
  /** Broker mode: the broker is told (it tells Jobber and forgets the grant); null: Jobber itself. */
  grantRevoker: GrantRevoker | null;
}

/**
 * Tells whoever issued a grant that it is given up: the broker (given the grant's `credential`)
 * or Jobber (appDisconnect with `accessToken`, renewed once through `renew` after a 401). Never throws.
 */
export function tellGrantGivenUp(
  options: GivingUpOptions,
  credential: string,
  accessToken: () => Promise<string>,
  renew?: () => Promise<string> | null,
): Promise<NotifyJobberOutcome> {
  const { clock, jobberApi, timeoutMs, grantRevoker } = options;
  if (grantRevoker) return grantRevoker.revoke(credential, timeoutMs);
  return notifyJobberOfDisconnect({ clock, jobberApi, timeoutMs, accessToken, ...(renew ? { renew } : {}) });
}

/** What dropGrant works with; the functions come from the Session, which may have to renew. */
export interface DropGrantOptions {
  grant: Grant;
  givingUp: GivingUpOptions;
  /** The access token to tell Jobber with, and a renewed one after a 401 (null: not possible). */
  accessToken: () => Promise<string>;
  renew: () => Promise<string> | null;
  /** A sign-in was being finished (it was abandoned, and tells whoever issued its grant). */
  duringSignIn: boolean;
  /** Where "telling Jobber" and a broker that could not be told of an ended grant are noted. */
  activity: ActivityLog;
  /** Called once the grant is dropped (before the wipe). */
  dropped: () => void;
}

/**
 * Gives up the working grant, if any: tells Jobber (or the broker), then drops it (a new
 * generation, so work still running for it is discarded) and wipes the saved record, whether or
 * not Jobber could be told.
 */
export async function dropGrant(options: DropGrantOptions): Promise<Omit<DisconnectReport, 'duringSignIn'>> {
  const { grant } = options;
  const live = grant.live;
  let told: NotifyJobberOutcome = { notified: false, problem: '' };
  if (live) {
    options.activity.info(MESSAGES.disconnecting);
    told = await tellGrantGivenUp(options.givingUp, live.tokens.refreshToken, options.accessToken, options.renew);
  } else if (options.givingUp.grantRevoker && !options.duringSignIn) {
    // A broker keeps a grant that ended (needs-reconnect) for a while, so the device can learn why:
    // told now, it forgets the grant and this computer's credential at once instead of later.
    // (A sign-in being abandoned tells the broker about its own grant.)
    const ended = await grant.savedCredential();
    if (ended !== null) {
      options.activity.info(MESSAGES.disconnecting);
      const told = await options.givingUp.grantRevoker.revoke(ended, options.givingUp.timeoutMs);
      // The broker forgets it by itself in time: a warning, and the Disconnect goes on.
      if (!told.notified) options.activity.warning(MESSAGES.brokerNotToldOfEnded(told.problem));
    }
  }
  grant.nextGeneration();
  const dropped = grant.live ?? live;
  grant.setLive(null);
  options.dropped();
  let wiped = true;
  let wipeProblem = '';
  try {
    await grant.clear();
  } catch (error) {
    wiped = false;
    wipeProblem = describeError(error);
  }
  if (dropped) grant.unpin(dropped.tokens);
  return { wiped, wipeProblem, hadGrant: live !== null, told };
}

/** What a Disconnect did, as Disconnect's result says it. */
export interface DisconnectReport {
  /** The saved sign-in was removed; else `wipeProblem` says why not. */
  wiped: boolean;
  wipeProblem: string;
  /** A sign-in was being finished (it was abandoned). */
  duringSignIn: boolean;
  /** There was a working grant (so Jobber had to be told). */
  hadGrant: boolean;
  told: NotifyJobberOutcome;
}

/** Where a Disconnect leaves the connection (from `current`), and the line that says what happened. */
export function afterDisconnect(report: DisconnectReport, current: ConnectionState): Settled {
  const { wiped, wipeProblem, duringSignIn, hadGrant, told } = report;
  let message: string;
  if (!wiped) message = MESSAGES.disconnectWipeFailed(wipeProblem);
  else if (duringSignIn) message = MESSAGES.disconnectedDuringSignIn;
  else if (!hadGrant) message = MESSAGES.removedSaved;
  else message = told.notified ? MESSAGES.disconnectedTold : MESSAGES.disconnectedNotTold(told.problem);
  const level = wiped && (told.notified || !hadGrant) ? 'info' : 'warning';
  // In storage-unavailable nothing can connect until storage works again: stay there.
  if (current.status === 'storage-unavailable') return { state: { ...current }, level, message };
  return { state: { status: 'disconnected', lastError: wiped ? null : { kind: 'storage', message }, notice: message }, level, message };
}
