/**
 * Telling Jobber that a grant is being given up (the appDisconnect mutation), bounded in time: used
 * by Disconnect and when a sign-in is cancelled after Jobber already approved it. Renewing the
 * token, when that is allowed, is the caller's business (passed in). No state, no storage.
 */
import { AuthError, isAuthError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { JobberAccountApi } from './ports';
import { describeError } from '../core/redact';
import { MESSAGES } from './session-messages';

export interface NotifyJobberOptions {
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
export async function notifyJobberOfDisconnect(options: NotifyJobberOptions): Promise<NotifyJobberOutcome> {
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
