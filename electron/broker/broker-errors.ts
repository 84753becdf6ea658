/**
 * The one place where the broker's answers become AuthErrors (kinds the session already maps to
 * states). The codes come from the broker's HTTP contract (v1); anything else the broker says is
 * treated as "unexpected, keep the grant". Pure: no I/O; the message never carries a credential,
 * code or the broker's free text beyond a short, redacted excerpt.
 */
import { AuthError, type AuthErrorKind } from '../core/errors';
import { parseRetryAfter } from '../core/http';
import { redact } from '../core/redact';

/** What the app was doing, for the first words of every message. */
export type BrokerAction = 'start' | 'redeem' | 'token' | 'disconnect' | 'pairing-preview' | 'pairing-redeem';

const ACTION: Record<BrokerAction, string> = {
  start: 'Starting the sign-in through the broker',
  redeem: 'Finishing the sign-in through the broker',
  token: 'Renewing the access token through the broker',
  disconnect: 'Disconnecting through the broker',
  'pairing-preview': 'Checking the pairing link with the broker',
  'pairing-redeem': 'Accepting the pairing link',
};

/** A failed answer as it arrived: status, the contract's error code (if the body had one), Retry-After. */
export interface BrokerAnswer {
  status: number;
  /** `error` of the `{"error","message"}` body, when the body was such JSON. */
  code: string | null;
  retryAfter: string | undefined;
}

/** What happens next when the broker cannot be reached: renewals keep the sign-in and retry. */
function unreachableHint(action: BrokerAction): string {
  return action === 'token'
    ? 'The sign-in is kept; the app keeps trying, exactly as when Jobber itself cannot be reached.'
    : 'Check the internet connection and try again.';
}

function error(action: BrokerAction, kind: AuthErrorKind, detail: string, retryAfterMs?: number): AuthError {
  return new AuthError(kind, redact(`${ACTION[action]} failed: ${detail}`), retryAfterMs === undefined ? {} : { retryAfterMs });
}

/** The broker's `error` field, only when it is a plain code (nothing else is repeated back). */
export function readErrorCode(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const code = (body as { error?: unknown }).error;
  return typeof code === 'string' && /^[a-z0-9_]{1,64}$/.test(code) ? code : null;
}

/**
 * Maps a non-2xx answer (contract v1):
 * - 401 unknown_device, 410 grant_rejected → 'rejected-grant' (needs reconnect, each with its reason);
 * - 410 grant_disconnected → 'disconnected-in-jobber';
 * - 400 invalid_handoff / invalid_pairing → 'rejected-grant' (that sign-in or link is used up);
 * - 400 return_to_not_allowed → 'misconfigured';
 * - 429 → 'rate-limited' with Retry-After; 5xx → 'server-error' (Retry-After when given);
 * - anything else → 'invalid-response' (transient: never grounds to drop a grant).
 */
export function brokerFailure(action: BrokerAction, answer: BrokerAnswer, host: string, now: number): AuthError {
  const { status, code } = answer;
  const where = `(HTTP ${status}${code ? `, ${code}` : ''})`;
  if (status === 401 && code === 'unknown_device') {
    return error(
      action,
      'rejected-grant',
      `the broker at ${host} no longer knows this computer ${where}: its connection was removed or revoked. Connect again.`,
    );
  }
  if (status === 410 && code === 'grant_rejected') {
    return error(action, 'rejected-grant', `Jobber refused to renew this connection at the broker ${where}: the sign-in has ended. Connect again.`);
  }
  if (status === 410 && code === 'grant_disconnected') {
    return error(action, 'disconnected-in-jobber', `the app was disconnected in Jobber ${where}.`);
  }
  if (status === 400 && code === 'invalid_handoff') {
    return error(action, 'rejected-grant', `the broker did not accept the sign-in hand-off ${where}: it expired, was already used, or did not come from this sign-in. Click Connect to try again.`);
  }
  if (status === 400 && code === 'invalid_pairing') {
    return error(action, 'rejected-grant', `the pairing link has expired or was already used ${where}. Start again from Jobber's App Marketplace.`);
  }
  if (status === 400 && code === 'return_to_not_allowed') {
    return error(action, 'misconfigured', `the broker at ${host} does not accept this app's callback URL ${where}. Use the default callback URL, or ask the broker's operator to allow it.`);
  }
  const retryAfterMs = parseRetryAfter(answer.retryAfter, now);
  if (status === 429) return error(action, 'rate-limited', `the broker at ${host} is limiting requests ${where}. It will be retried.`, retryAfterMs);
  if (status >= 500) {
    return error(action, 'server-error', `Jobber or the broker is having trouble ${where}. It will be retried.`, retryAfterMs);
  }
  return error(action, 'invalid-response', `the broker at ${host} answered unexpectedly ${where}. It will be retried.`);
}

/** No answer at all: the broker is unreachable ('network') or too slow ('timeout'). */
export function brokerUnreachable(action: BrokerAction, host: string, how: { timeoutMs: number } | { code: string | undefined }): AuthError {
  if ('timeoutMs' in how) {
    return error(action, 'timeout', `cannot reach the broker at ${host}: no answer within ${Math.round(how.timeoutMs / 1000)} s. ${unreachableHint(action)}`);
  }
  // The code comes from classifyTransport, which passes on only a plain one.
  const codePart = how.code !== undefined ? ` (${how.code})` : '';
  return error(action, 'network', `cannot reach the broker at ${host}${codePart}. ${unreachableHint(action)}`);
}

/** A 2xx answer whose body does not match the contract. */
export function brokerMalformed(action: BrokerAction, host: string, status: number, fields: string[]): AuthError {
  const which = fields.length > 0 ? `: ${fields.slice(0, 5).join(', ')}` : '';
  return error(action, 'invalid-response', `the broker at ${host} answered HTTP ${status} with a body that is not the expected answer${which}.`);
}
