/**
 * The connection states of a working grant's renewals: refreshing, connected, and what each
 * renewal outcome shows with the activity line that goes with it. The Session is the one that
 * applies them; the refresh runner never publishes a state.
 */
import { showsLiveGrant, type AccountSummary, type ConnectionState } from '../ipc/connection-state';
import type { Settled } from './connection-states';
import { grantDetails } from './grant';
import type { RenewalOutcome } from './refresh-runner';
import type { StoredConnection } from './token-model';

export function refreshingState(live: StoredConnection, startedAt: number): ConnectionState {
  return { ...grantDetails(live), status: 'refreshing', startedAt };
}

export function connectedState(live: StoredConnection, nextRefreshAt: number): ConnectionState {
  return { ...grantDetails(live), status: 'connected', nextRefreshAt };
}

/** What a renewal that did not renew shows: offline-retrying, or needs-reconnect with the reason. */
export function shownAfter(outcome: Exclude<RenewalOutcome, { kind: 'renewed' | 'superseded' }>): Settled {
  if (outcome.kind === 'retrying') {
    const { at, attempt, cause, message, details, error } = outcome;
    return {
      state: { ...details, status: 'offline-retrying', cause, nextAttemptAt: at, attempt, message },
      level: 'warning',
      message: `${message} (${error.message})`,
      fields: { attempt, nextAttemptAt: at },
    };
  }
  const { account, message, error } = outcome;
  const reason = outcome.kind === 'lost' ? outcome.reason : outcome.kind;
  return { state: { status: 'needs-reconnect', reason, account, message }, level: 'error', message: error ? `${message} (${error.message})` : message };
}

/** `state` naming the account learned after Connect, or null when it shows no grant. */
export function withAccount(state: ConnectionState, account: AccountSummary): ConnectionState | null {
  return showsLiveGrant(state) ? { ...state, account } : null;
}
