/**
 * Where a Session starts when the store holds no working grant: nothing saved, unreadable storage,
 * a record issued by another token endpoint, or one whose last refresh Jobber rejected. Pure: the
 * state to show and the activity line that goes with it.
 */
import type { Settled } from './connection-states';
import { describeEndpoint, sameEndpoint } from './endpoint-binding';
import type { StoreLoadResult, StoreUnreadableReason } from './ports';
import { MESSAGES, rejectedMessage } from './session-messages';
import type { EndpointBinding, StoredConnection } from './token-model';

/** The store could not be read at all (it threw). */
export function storeReadFailed(detail: string): Settled {
  const message = MESSAGES.storeReadFailed(detail);
  return { state: { status: 'storage-unavailable', reason: 'store-unreadable', message }, level: 'error', message };
}

/** The store answered, but what it holds cannot be read (no keyring, changed keyring, corrupt…). */
function storeUnreadable(reason: StoreUnreadableReason, detail: string): Settled {
  if (reason === 'unavailable' || reason === 'basic-text') {
    const which = reason === 'basic-text' ? 'basic-text' : 'no-keyring';
    const message = MESSAGES.storageUnavailable(which, detail);
    return { state: { status: 'storage-unavailable', reason: which, message }, level: 'error', message };
  }
  const message = MESSAGES.storeUnreadable(reason, detail);
  return { state: { status: 'needs-reconnect', reason: 'storage-changed', account: null, message }, level: 'error', message };
}

/**
 * Why a loaded record must not become the working grant, or null when it may. It stays in the
 * store as it is either way: never spent.
 */
function unusableRecord(connection: StoredConnection, endpoint: EndpointBinding): Settled | null {
  const { account } = connection;
  if (connection.endpoint && !sameEndpoint(connection.endpoint, endpoint)) {
    const message = MESSAGES.endpointChanged(describeEndpoint(connection.endpoint), describeEndpoint(endpoint));
    return { state: { status: 'needs-reconnect', reason: 'endpoint-changed', account, message }, level: 'warning', message };
  }
  if (connection.lastRefresh?.result === 'rejected') {
    // No request is spent on a refresh token Jobber already refused.
    const message = connection.lastRefresh.message ?? rejectedMessage('refresh-rejected', account);
    return { state: { status: 'needs-reconnect', reason: 'refresh-rejected', account, message }, level: 'warning', message: MESSAGES.refusedEarlier(message) };
  }
  return null;
}

/** The record to work with, or where to settle when the store holds none that may be used. */
export function settleStored(result: StoreLoadResult, endpoint: EndpointBinding): Settled | StoredConnection {
  if (result.kind === 'empty') {
    return { state: { status: 'disconnected', lastError: null, notice: null }, level: 'info', message: MESSAGES.noSavedConnection };
  }
  if (result.kind === 'unreadable') return storeUnreadable(result.reason, result.message);
  return unusableRecord(result.connection, endpoint) ?? result.connection;
}
