/**
 * Snapshot and settings factories shared by the component tests and the Playwright browser
 * tests. Pure data (no vitest, no DOM), relative to a base time so each suite can pick its clock.
 */
import type {
  AccountSummary,
  ActivityEntry,
  ApiStatus,
  AppSnapshot,
  ConnectionState,
  Environment,
  GrantDetails,
  SettingsView,
} from '../../../electron/ipc/contract';

/** A fixed instant (2 June 2025 15:00 UTC) for deterministic tests. */
export const T0 = Date.UTC(2025, 5, 2, 15, 0, 0);
export const MINUTE = 60_000;

export const ACCOUNT: AccountSummary = { id: 'Z2lkOi8vSm9iYmVyL0FjY291bnQvMTIzNDU=', name: 'Green Acres Lawn Care' };

type Of<S extends ConnectionState['status']> = Extract<ConnectionState, { status: S }>;

/** Working-grant fields: connected 2 h ago, token issued 15 min ago with a 60 min lifetime. */
export function grant(now = T0, overrides: Partial<GrantDetails> = {}): GrantDetails {
  return {
    account: ACCOUNT,
    connectedAt: now - 120 * MINUTE,
    accessTokenIssuedAt: now - 15 * MINUTE,
    accessTokenExpiresAt: now + 45 * MINUTE,
    lastRefresh: { at: now - 15 * MINUTE, result: 'ok' },
    ...overrides,
  };
}

/** One factory per connection state, each taking the base time and overrides. */
export const states = {
  notConfigured: (_now = T0, o: Partial<Of<'not-configured'>> = {}): Of<'not-configured'> => ({
    status: 'not-configured',
    problems: ['Client ID is missing.', 'Client secret is missing.'],
    ...o,
  }),
  disconnected: (_now = T0, o: Partial<Of<'disconnected'>> = {}): Of<'disconnected'> => ({
    status: 'disconnected',
    lastError: null,
    notice: null,
    ...o,
  }),
  connecting: (now = T0, o: Partial<Of<'connecting'>> = {}): Of<'connecting'> => ({
    status: 'connecting',
    startedAt: now,
    expiresAt: now + 10 * MINUTE,
    mode: 'app-window',
    ...o,
  }),
  connected: (now = T0, o: Partial<Of<'connected'>> = {}): Of<'connected'> => ({
    ...grant(now),
    status: 'connected',
    nextRefreshAt: now + 38 * MINUTE,
    ...o,
  }),
  refreshing: (now = T0, o: Partial<Of<'refreshing'>> = {}): Of<'refreshing'> => ({
    ...grant(now),
    status: 'refreshing',
    startedAt: now,
    ...o,
  }),
  offlineRetrying: (now = T0, o: Partial<Of<'offline-retrying'>> = {}): Of<'offline-retrying'> => ({
    ...grant(now, { lastRefresh: { at: now - MINUTE, result: 'transient-failure', message: 'Network unreachable' } }),
    status: 'offline-retrying',
    cause: 'unreachable',
    nextAttemptAt: now + 30_000,
    attempt: 2,
    message: 'Could not reach api.getjobber.com (network error).',
    ...o,
  }),
  needsReconnect: (_now = T0, o: Partial<Of<'needs-reconnect'>> = {}): Of<'needs-reconnect'> => ({
    status: 'needs-reconnect',
    reason: 'refresh-rejected',
    account: ACCOUNT,
    // Main's sentence for the reason (session-messages.ts), shown as it is.
    message: "Jobber no longer accepts this app's sign-in for “Green Acres Lawn Care”; reconnect to continue.",
    ...o,
  }),
  storageUnavailable: (_now = T0, o: Partial<Of<'storage-unavailable'>> = {}): Of<'storage-unavailable'> => ({
    status: 'storage-unavailable',
    reason: 'no-keyring',
    message: 'safeStorage reports no available encryption backend.',
    ...o,
  }),
} as const;

/** A few redacted activity lines, newest first. */
export function activity(now = T0): ActivityEntry[] {
  return [
    { at: now - 15 * MINUTE, level: 'info', message: 'Access token refreshed.' },
    { at: now - 62 * MINUTE, level: 'warning', message: 'Refresh failed (network); retrying in 30 s.' },
    { at: now - 120 * MINUTE, level: 'info', message: 'Connected to Green Acres Lawn Care.' },
  ];
}

/** Before Jobber has answered any API call. */
export const UNKNOWN_API: ApiStatus = { version: null, versionWarning: null, account: 'unknown' };

/** Wraps a connection state in a full snapshot. */
export function snapshot(
  connection: ConnectionState,
  options: { environment?: Environment; activity?: ActivityEntry[]; api?: ApiStatus } = {},
): AppSnapshot {
  return { environment: options.environment ?? 'jobber', connection, activity: options.activity ?? [], api: options.api ?? UNKNOWN_API };
}

/** Settings as main would report them. */
export function settingsView(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    mode: 'jobber',
    clientId: 'client-abc123',
    clientSecretSaved: false,
    redirectUri: 'com.jobberconnect.app:/oauth/callback',
    authMode: 'app-window',
    graphqlVersion: '2025-04-16',
    allowWeakStorage: false,
    connectThrough: 'this-computer',
    brokerUrl: '',
    builtInBrokerUrl: null,
    ...overrides,
  };
}
