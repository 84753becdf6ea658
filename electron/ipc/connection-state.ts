/**
 * The connection states the person sees: types and one pure predicate, shared with the renderer
 * through the IPC contract. Nothing here may ever carry a token, an authorization code, a `state`
 * value or a secret.
 */
import type { AuthMode } from './settings-schema';
import type { AuthErrorKind } from '../core/errors';

export interface AccountSummary {
  id: string;
  name: string;
}

/** Result of the most recent refresh attempt, for "last refresh" in the UI. */
export interface RefreshOutcome {
  at: number;
  result: 'ok' | 'transient-failure' | 'rejected';
  /** Redacted, human-readable detail (never a token). */
  message?: string;
}

export type NeedsReconnectReason =
  | 'refresh-rejected'
  /** Jobber refused the app's client ID or secret: fix Settings, the saved sign-in is kept. */
  | 'credentials-rejected'
  | 'disconnected-in-jobber'
  | 'storage-changed'
  /** The saved sign-in belongs to another token endpoint or client id: never sent there, reconnect. */
  | 'endpoint-changed'
  | 'interrupted-refresh'
  /** A renewal's answer was lost on the way back and Jobber had already replaced the sign-in. */
  | 'renewal-answer-lost'
  /** Jobber kept answering 4xx to renewals without saying the sign-in is gone: kept, Retry possible. */
  | 'refusing-to-renew';

/**
 * Why a renewal is being retried: Jobber could not be reached (network, timeout), Jobber is having
 * trouble (5xx, 429), Jobber refused without saying the sign-in is gone (other 4xx), its answer
 * could not be read, or the sign-in could not be saved here. Only the first is "offline".
 */
export type RetryCause = 'unreachable' | 'jobber-trouble' | 'refused' | 'unreadable' | 'storage';

export type StorageUnavailableReason = 'no-keyring' | 'basic-text' | 'store-unreadable';

/** Every error kind the person can be shown: the engine's, plus the IPC wrapper's own two refusals. */
export type UserFacingErrorKind = AuthErrorKind | 'invalid-input' | 'internal';

/** A typed, redacted error the renderer can show: `kind` drives wording, `message` says what to do next. */
export interface UserFacingError {
  kind: UserFacingErrorKind;
  message: string;
}

/** Fields shared by every state that holds a working grant. */
export interface GrantDetails {
  account: AccountSummary;
  connectedAt: number;
  accessTokenIssuedAt: number;
  accessTokenExpiresAt: number;
  lastRefresh: RefreshOutcome | null;
}

export type ConnectionState =
  | { status: 'not-configured'; problems: string[] }
  | { status: 'disconnected'; lastError: UserFacingError | null; notice: string | null }
  | { status: 'connecting'; startedAt: number; expiresAt: number; mode: AuthMode }
  | (GrantDetails & { status: 'connected'; nextRefreshAt: number })
  | (GrantDetails & { status: 'refreshing'; startedAt: number })
  | (GrantDetails & {
      status: 'offline-retrying';
      cause: RetryCause;
      nextAttemptAt: number;
      attempt: number;
      message: string;
    })
  | {
      status: 'needs-reconnect';
      reason: NeedsReconnectReason;
      account: AccountSummary | null;
      message: string;
    }
  | { status: 'storage-unavailable'; reason: StorageUnavailableReason; message: string };

export type ConnectionStatus = ConnectionState['status'];

/** Jobber warns that the API version in use is ending (`extensions.versioning.warning`). */
export interface VersionWarning {
  version: string;
  /** YYYY-MM-DD: the date in Jobber's warning, else the version date + 18 months (the documented latest). */
  endsOn: string;
  /** Jobber's own words, redacted. */
  message: string;
}

/** What Jobber's API last said about the account and the API version; independent of the token. */
export interface ApiStatus {
  /** The version Jobber actually answered with, null before any answer. */
  version: string | null;
  versionWarning: VersionWarning | null;
  /** 'inactive' from Jobber's "This account is not active" until an answer succeeds again. */
  account: 'unknown' | 'active' | 'inactive';
}

/** One line of the activity list: already redacted, newest first when shown. */
export interface ActivityEntry {
  at: number;
  level: 'info' | 'warning' | 'error';
  message: string;
}

const LIVE_GRANT = ['connected', 'refreshing', 'offline-retrying'] as const;

/** The statuses that show a live grant: its account and token times, and a broker's events matter. */
export const LIVE_GRANT_STATUSES: ReadonlySet<ConnectionState['status']> = new Set(LIVE_GRANT);

/** A state that shows a live grant (one of LIVE_GRANT_STATUSES). */
export function showsLiveGrant(state: ConnectionState): state is Extract<ConnectionState, { status: (typeof LIVE_GRANT)[number] }> {
  return LIVE_GRANT_STATUSES.has(state.status);
}
