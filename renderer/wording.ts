/**
 * Every sentence the person reads about the connection: status names, error kinds and the reasons
 * behind storage-unavailable. The one place that maps machine kinds to words, so nothing else in
 * the renderer matches on a kind or on main's message text. Needs-reconnect is main's own
 * sentence (`state.message`, the one the system notification shows too), never restated here.
 */
import type {
  ApiStatus,
  ConnectionState,
  ConnectionStatus,
  RefreshOutcome,
  RetryCause,
  StorageUnavailableReason,
  UserFacingError,
  UserFacingErrorKind,
  VersionWarning,
} from '../electron/ipc/contract';
import { LIVE_GRANT_STATUSES } from '../electron/ipc/connection-state';

/** Short badge text for each status. */
export const STATUS_LABEL: Record<ConnectionStatus, string> = {
  'not-configured': 'Not configured',
  disconnected: 'Disconnected',
  connecting: 'Connecting',
  connected: 'Connected',
  refreshing: 'Refreshing',
  // Not "offline": a refusal or a 5xx is Jobber answering, not the network failing.
  'offline-retrying': 'Retrying',
  'needs-reconnect': 'Needs reconnect',
  'storage-unavailable': 'Storage unavailable',
};

/** The badge while Jobber says the account is not active: the sign-in is fine, the account is not. */
export const ACCOUNT_INACTIVE_BADGE = { label: 'Needs attention', tone: 'danger' } as const;

/** True when a state holds a working grant but Jobber said the account is not active. */
export function accountNeedsAttention(state: ConnectionState, api: ApiStatus): boolean {
  return api.account === 'inactive' && LIVE_GRANT_STATUSES.has(state.status);
}

/** What an inactive Jobber account means and what to do. */
export function describeAccountInactive(accountName: string): string {
  return `Jobber says the account ${accountName} is not active, so the app cannot use it. Check the account’s subscription in Jobber. The sign-in is kept and works again once the account is active.`;
}

/** The dashboard notice for Jobber's version warning: the version in use and its end date. */
export function describeVersionWarning(warning: VersionWarning): string {
  return `This app uses Jobber API version ${warning.version}, which Jobber stops serving after ${warning.endsOn}. Choose a newer API version in Settings (or update the app) before then.`;
}

/** Visual tone of the badge; the CSS gives each tone its colours in light and dark themes. */
export type StatusTone = 'neutral' | 'progress' | 'good' | 'warning' | 'danger';

export const STATUS_TONE: Record<ConnectionStatus, StatusTone> = {
  'not-configured': 'neutral',
  disconnected: 'neutral',
  connecting: 'progress',
  connected: 'good',
  refreshing: 'progress',
  'offline-retrying': 'warning',
  'needs-reconnect': 'danger',
  'storage-unavailable': 'danger',
};

const FALLBACK_ERROR = 'Something went wrong. The detail below says what; try again.';

/**
 * Headline plus next step for each error kind main can report: a kind added to the union without
 * words here is a compile error.
 */
const ERROR_WORDING: Readonly<Record<UserFacingErrorKind, string>> = {
  network: 'Could not reach Jobber. Check your internet connection, then try again.',
  timeout: 'Jobber took too long to answer. Try again in a moment.',
  'server-error': 'Jobber had a problem on its side. Try again in a few minutes.',
  'rate-limited': 'Jobber asked the app to slow down. Wait a minute, then try again.',
  refused: 'Jobber refused to renew the sign-in without saying it is gone. The app tries again.',
  'invalid-response':
    'Jobber sent an answer the app could not read. Try again; if it keeps happening, check the GraphQL API version in Settings.',
  'rejected-grant': 'Jobber refused the saved sign-in. Reconnect to continue.',
  'disconnected-in-jobber': 'This app was disconnected in Jobber. Reconnect to continue.',
  misconfigured:
    'Jobber did not accept the app’s client ID, client secret or redirect URI. Check them in Settings, then connect again.',
  denied: 'Access was not granted in Jobber. Connect again and choose Allow to continue.',
  'state-mismatch': 'The sign-in reply did not match this app’s request, so it was ignored. Connect again.',
  'unknown-state': 'The sign-in reply did not belong to a request from this app, so it was ignored. Connect again.',
  'expired-state': 'The sign-in request expired after 10 minutes. Connect again.',
  'missing-code': 'Jobber’s reply had no authorisation code. Connect again.',
  'stateless-callback':
    'A sign-in started outside this app (for example from Jobber’s App Marketplace) was refused for safety. Use Connect here instead.',
  'malformed-callback': 'The sign-in reply was not in the expected form. Connect again.',
  cancelled: 'Sign-in was cancelled. Connect again when you are ready.',
  'not-connected': 'The app is not connected to Jobber. Connect first.',
  'already-connected': 'The app is already connected to Jobber. Disconnect first to connect another account.',
  unauthorized: 'Jobber did not accept the access token. Use Refresh now; if that fails, reconnect.',
  throttled: 'Jobber’s query allowance is used up for the moment. Wait a few seconds, then try again.',
  graphql: 'Jobber reported a problem with the request. The detail below says what.',
  'account-inactive': 'The Jobber account is not active. Check the account in Jobber, then reconnect.',
  storage: 'The sign-in could not be stored securely on this computer. Check storage in Settings.',
  // The IPC wrapper's own refusals: main's message (the detail) already says what happened.
  'invalid-input': FALLBACK_ERROR,
  internal: FALLBACK_ERROR,
};

/**
 * The friendly headline for an error; main's own message is shown beside it as detail. The kind
 * comes over IPC unchecked, so a kind from a newer main still gets the fallback.
 */
export function describeError(error: UserFacingError): string {
  return Object.hasOwn(ERROR_WORDING, error.kind) ? ERROR_WORDING[error.kind] : FALLBACK_ERROR;
}

/** Headline while a renewal is retried, by why it failed: only an unanswered request is "cannot be reached". */
export const RETRY_HEADLINE: Record<RetryCause, string> = {
  unreachable: 'Jobber cannot be reached right now. Your sign-in is kept and the app keeps trying.',
  'jobber-trouble': 'Jobber is having trouble, retrying. Your sign-in is kept.',
  refused: 'Jobber refused to renew the sign-in without saying why. Your sign-in is kept and the app tries again.',
  unreadable: 'Jobber’s answer could not be read. Your sign-in is kept and the app keeps trying.',
  storage: 'The sign-in could not be saved on this computer. The app keeps trying.',
};

/** The 'unreachable' headline in broker mode: the broker's silence looks the same as Jobber's. */
export const RETRY_HEADLINE_VIA_BROKER = 'The broker or Jobber cannot be reached right now. Your sign-in is kept and the app keeps trying.';

/** Why secrets cannot be stored, and what the person can do about it. */
export function describeStorageUnavailable(reason: StorageUnavailableReason): string {
  switch (reason) {
    case 'no-keyring':
      return 'No system keyring was found, so the sign-in cannot be stored securely. Unlock or install a keyring (such as GNOME Keyring or KWallet) and restart the app, or allow weak storage in Settings.';
    case 'basic-text':
      return 'This system only offers plain-text storage for secrets. Set up a keyring and restart the app, or allow weak storage in Settings if you accept the risk.';
    case 'store-unreadable':
      return 'The saved sign-in file could not be read. Open Settings to check storage, then connect again.';
  }
}

/** "Last refresh" result in words. */
export const REFRESH_RESULT_LABEL: Record<RefreshOutcome['result'], string> = {
  ok: 'Succeeded',
  'transient-failure': 'Failed for now, will retry',
  rejected: 'Refused by Jobber',
};

/** What a screen reader hears when the status changes. */
export function announceStatus(state: ConnectionState): string {
  const label = STATUS_LABEL[state.status];
  switch (state.status) {
    case 'connected':
      return `Connection status: ${label} as ${state.account.name}.`;
    case 'needs-reconnect':
      return `Connection status: ${label}. ${state.message}`;
    case 'storage-unavailable':
      return `Connection status: ${label}. ${describeStorageUnavailable(state.reason)}`;
    default:
      return `Connection status: ${label}.`;
  }
}

/** Level names for the activity list (shown as text, never colour alone). */
export const ACTIVITY_LEVEL_LABEL = { info: 'Info', warning: 'Warning', error: 'Error' } as const;

/** Errors that report the person's own choice rather than a fault, shown calmly (not as alerts). */
export function isQuietError(error: UserFacingError): boolean {
  return error.kind === 'cancelled';
}

/** What Disconnect did, depending on whether Jobber could be told. */
export function describeDisconnect(jobberNotified: boolean): string {
  return jobberNotified
    ? 'Disconnected. Jobber was told, and the saved sign-in was removed from this computer.'
    : 'Disconnected on this computer, but Jobber could not be told. To finish, remove Jobber Connect from the connected apps in your Jobber account.';
}

/** The confirm step and result of "Forget saved sign-in" (needs-reconnect, storage-unavailable). */
export const FORGET_WORDING = {
  button: 'Forget saved sign-in',
  busy: 'Forgetting…',
  title: 'Forget the saved sign-in?',
  text: 'The saved Jobber sign-in will be removed from this computer without contacting Jobber. You can connect again afterwards. To also end this app’s access in Jobber, remove Jobber Connect from the connected apps in your Jobber account.',
  confirm: 'Yes, forget it',
  keep: 'Keep it',
  done: 'The saved sign-in was removed from this computer.',
} as const;

/** When the bridge call itself failed (main did not answer). */
export const BRIDGE_CALL_FAILED =
  'The app did not respond. Try again; if it keeps happening, restart Jobber Connect.';
