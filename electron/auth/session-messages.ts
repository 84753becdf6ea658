/**
 * Every sentence the session shows the person (state messages, notices, activity entries), so the
 * wording has one home. Pure functions of redacted inputs: callers pass already-safe details
 * (describeError output, AuthError messages), never a token, code, state or secret.
 */
import type { AccountSummary, NeedsReconnectReason, RetryCause } from '../ipc/connection-state';
import type { StoreUnreadableReason } from './ports';

/** Shown while the account name could not be fetched yet. */
export const UNKNOWN_ACCOUNT: Readonly<AccountSummary> = Object.freeze({ id: '', name: 'Unknown account' });

export const INTERRUPTED_REFRESH_MESSAGE =
  'The app was closed while renewing its Jobber sign-in and Jobber had already replaced it; reconnect to continue.';

export const LOST_ANSWER_MESSAGE =
  "The renewal's answer was lost on the way back from Jobber, and Jobber may already have replaced the sign-in: " +
  'the saved one is no longer accepted. Reconnect to continue.';

/** Needs-reconnect after repeated 4xx answers to renewals that never said the sign-in is gone. */
export function keepsRefusingMessage(status: number | undefined): string {
  const code = status === undefined ? '4xx' : String(status);
  return `Jobber keeps refusing to renew: HTTP ${code}. The saved sign-in is kept; click Retry to try again, or Reconnect.`;
}

/** What started a refresh; each has its own activity line. */
export type RefreshTrigger =
  | 'scheduled'
  | 'retry'
  | 'caller'
  | 'unauthorized'
  | 'manual'
  | 'startup'
  | 'interrupted'
  | 'resume'
  | 'online'
  | 'disconnect';

export const TRIGGER_TEXT: Readonly<Record<RefreshTrigger, string>> = {
  scheduled: 'Renewing the Jobber access token ahead of its expiry.',
  retry: 'Retrying the Jobber token renewal.',
  caller: 'Renewing the Jobber access token: it was about to expire.',
  unauthorized: 'Jobber refused the access token; renewing it.',
  manual: 'Renewing the Jobber access token (requested).',
  startup: 'Renewing the saved Jobber access token: it had expired or was about to.',
  interrupted: 'Renewing the Jobber sign-in again: the app was closed while a renewal was in progress.',
  resume: 'Renewing the Jobber access token after the computer woke up.',
  online: 'Network is back; retrying the Jobber token renewal.',
  disconnect: 'Renewing the Jobber access token so Jobber can be told about the disconnect.',
};

/** Local wall-clock time as HH:MM, for "retrying at …" and "valid until …". */
export function clockTime(ms: number): string {
  const date = new Date(ms);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** “Name” of a known account, or a neutral phrase. */
export function accountName(account: AccountSummary | null): string {
  return account && account.name ? `“${account.name}”` : 'an unidentified Jobber account';
}

/** Why the grant is gone, in the words needs-reconnect shows. */
export function rejectedMessage(reason: NeedsReconnectReason, account: AccountSummary | null): string {
  const name = account && account.name ? `“${account.name}”` : 'the Jobber account';
  switch (reason) {
    case 'interrupted-refresh':
      return INTERRUPTED_REFRESH_MESSAGE;
    case 'disconnected-in-jobber':
      return `This app was disconnected from ${name} in Jobber; reconnect to use it again.`;
    case 'storage-changed':
      return 'The saved Jobber sign-in can no longer be read on this computer; reconnect to continue.';
    case 'refresh-rejected':
      return `Jobber no longer accepts this app's sign-in for ${name}; reconnect to continue.`;
    case 'credentials-rejected':
      return "Jobber refused this app's client ID or secret; check them in Settings. The saved sign-in is kept.";
    case 'renewal-answer-lost':
      return LOST_ANSWER_MESSAGE;
    case 'refusing-to-renew':
      return keepsRefusingMessage(undefined);
    case 'endpoint-changed':
      return 'The saved Jobber sign-in belongs to another Jobber server or app, so it was not used; reconnect to continue.';
  }
}

/** The first half of "…; retrying at HH:MM" for each retry cause. */
const RETRY_TEXT: Readonly<Record<RetryCause, string>> = {
  unreachable: "Can't reach Jobber",
  'jobber-trouble': 'Jobber is having trouble',
  refused: 'Jobber refused the renewal without saying why',
  unreadable: "Jobber's answer could not be read",
  storage: "The Jobber sign-in can't be saved on this computer",
};

/** Whole minutes or hours, for the clock-skew warning. */
function roughDuration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `${hours} hours`;
}

/** The sentences themselves, grouped by where the session uses them. */
export const MESSAGES = {
  // Start-up
  storeReadFailed: (detail: string) => `The saved Jobber sign-in could not be read (${detail}). Nothing was changed on disk.`,
  noSavedConnection: 'No saved Jobber connection; ready to connect.',
  storageUnavailable: (reason: 'basic-text' | 'no-keyring', detail: string) =>
    reason === 'basic-text'
      ? `This computer's keyring only offers plain-text storage, so the Jobber sign-in cannot be saved safely. ${detail}`
      : `No secure storage (keyring) is available to save the Jobber sign-in. ${detail}`,
  storeUnreadable: (reason: Exclude<StoreUnreadableReason, 'unavailable' | 'basic-text'>, detail: string) => {
    const what =
      reason === 'decrypt-failed'
        ? 'The saved Jobber sign-in could not be decrypted on this computer'
        : reason === 'backend-changed'
          ? "The saved Jobber sign-in was encrypted with a different keyring than this computer's current one"
          : 'The saved Jobber sign-in is damaged';
    return `${what} (${detail}). The old data is kept until you reconnect.`;
  },
  endpointChanged: (saved: string, configured: string) =>
    `The saved sign-in was issued by ${saved}, but the app is now set up for ${configured}. It was not sent anywhere; reconnect to sign in again.`,
  refusedEarlier: (message: string) => `The saved Jobber sign-in was refused by Jobber earlier: ${message}`,
  loaded: (account: AccountSummary | null) => `Loaded the saved connection to ${accountName(account)}.`,
  crashMarkerFound: 'The app was closed while renewing the Jobber sign-in; checking it now.',

  // Connect
  alreadyConnected: 'Already connected to Jobber; disconnect first to connect another account.',
  stillFinishing: 'Jobber already approved a sign-in and it is being finished; wait a moment.',
  signInOpened: 'Opened Jobber sign-in; waiting for approval.',
  ignoredForeignCallback: (detail: string) => `Ignored a sign-in response that does not belong to this Connect: ${detail}`,
  ignoredCallback: (detail: string) => `Ignored a sign-in response: ${detail}`,
  noConnectInProgress: 'A sign-in response arrived, but no Connect is in progress.',
  finishingSignIn: 'Jobber approved the connection; finishing sign-in…',
  noExpiry: "Jobber's access token carried no expiry; assuming the documented 60 minutes.",
  saveAfterApprovalFailed: (detail: string) =>
    `Jobber approved the connection, but it could not be saved on this computer (${detail}). Try again.`,
  accountNameNotSaved: (detail: string) => `Connected, but the account name could not be saved (${detail}).`,
  accountNotIdentified: (detail: string) =>
    `Connected, but the Jobber account could not be identified (${detail}); it will be fetched again at the next renewal.`,
  closedDuringSetup: 'The connection was closed while it was being set up.',
  connected: (account: AccountSummary | null) => `Connected to Jobber account ${accountName(account)}.`,
  cancelText: {
    closed: 'The sign-in window was closed before Jobber approved the connection.',
    timeout: 'The sign-in took longer than 10 minutes and was cancelled. Click Connect to try again.',
    cancelled: 'Sign-in cancelled.',
    'load-failed': (suffix: string) => `Jobber's sign-in page could not be loaded${suffix}. Check the connection and try again.`,
  },
  discardedApproved: (told: boolean, problem: string) =>
    told
      ? 'Sign-in cancelled: the sign-in Jobber had just approved was discarded and Jobber was told.'
      : `Sign-in cancelled: the sign-in Jobber had just approved was discarded, but Jobber could not be told (${problem}).`,
  discardedAtShutdown: 'The app closed while finishing a sign-in; it was not saved. Click Connect to try again.',
  reconnectFailed: (detail: string, previous: string) => `Reconnecting failed: ${detail} ${previous}`,
  connectFailed: (detail: string) => `Connecting to Jobber failed: ${detail}`,

  // Tokens and refresh
  notConnected: 'Not connected to Jobber.',
  offlineExpired: "Jobber can't be reached and the access token has expired.",
  saveBeforeRenewFailed: (detail: string) => `The Jobber sign-in could not be saved before renewing it (${detail}).`,
  closedWhileRenewing: 'The connection was closed while renewing.',
  renewedNotSaved: (detail: string) =>
    `Jobber renewed the sign-in, but it could not be saved on this computer (${detail}). ` +
    'The new sign-in is kept in memory and saving is retried; keep the app open.',
  renewed: (expiresAt: number) => `Renewed the Jobber access token; valid until ${clockTime(expiresAt)}.`,
  credentialsRejected: (detail: string) =>
    `Jobber refused this app's client ID or secret while renewing the sign-in (${detail}). ` +
    'Check them in Settings; the saved sign-in is kept and will be tried again after that.',
  savedSignInNotUpdated: (detail: string) => `Could not update the saved sign-in (${detail}).`,
  /** In broker mode an unanswered renewal may be the broker's silence as much as Jobber's. */
  retrying: (cause: RetryCause, at: number, viaBroker = false) =>
    `${cause === 'unreachable' && viaBroker ? "Can't reach the broker or Jobber" : RETRY_TEXT[cause]}; retrying at ${clockTime(at)}.`,
  refusalNotRecorded: (detail: string) => `Could not record that the sign-in was refused (${detail}).`,
  identified: (name: string) => `Identified the connected Jobber account: ${name}.`,
  accountNameNotSavedLater: (detail: string) => `The account name could not be saved (${detail}).`,
  accountNotIdentifiedYet: (detail: string) => `The Jobber account could not be identified yet (${detail}).`,
  savedRenewed: 'Saved the renewed Jobber sign-in on this computer.',
  saveRetryFailed: (detail: string) => `Saving the renewed Jobber sign-in failed again (${detail}); retrying.`,
  expiredOnArrival:
    "Jobber's new access token already looked expired by this computer's clock, so the app assumes it lasts 60 minutes. " +
    "Check the computer's date and time.",
  clockSkew: (skewMs: number) =>
    `This computer's clock is about ${roughDuration(skewMs)} ${skewMs > 0 ? 'ahead of' : 'behind'} Jobber's. ` +
    "The app allows for it, but setting the correct date and time is advised.",

  // Outside events
  woke: 'The computer woke up; checking the Jobber sign-in.',

  // Disconnect and shutdown
  disconnecting: 'Disconnecting: telling Jobber.',
  disconnectedDuringSignIn: 'Sign-in cancelled: the app was disconnected before the sign-in finished; nothing was kept on this computer.',
  disconnectWipeFailed: (detail: string) =>
    `Disconnected, but the saved sign-in could not be removed from this computer (${detail}).`,
  removedSaved: 'Removed the saved Jobber sign-in from this computer.',
  brokerNotToldOfEnded: (problem: string) =>
    `The broker could not be told that this computer's ended sign-in is given up (${problem}); it forgets it by itself within 30 days.`,
  disconnectedTold: 'Disconnected: Jobber was told and the sign-in was removed from this computer.',
  disconnectedNotTold: (problem: string) =>
    `Disconnected on this computer, but Jobber could not be told (${problem}). ` +
    "The sign-in was removed here; to finish, disconnect the app in Jobber's App Marketplace settings.",
  jobberDidNotAnswer: (timeoutMs: number) => `Jobber did not answer within ${Math.round(timeoutMs / 1000)} seconds`,
  finishingRenewal: 'Finishing the Jobber sign-in renewal before closing…',
  shutdownSaveFailed: (detail: string) => `Could not save the renewed sign-in at shutdown: ${detail}`,
} as const;
