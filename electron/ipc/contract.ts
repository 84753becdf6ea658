/**
 * The one IPC contract: every channel between main and renderer, with its payload types.
 * Main, preload and renderer all import from here; no channel name is spelled anywhere else.
 * Type-only imports keep this file safe for the renderer's browser-only tsconfig.
 */
import type {
  AccountSummary,
  ActivityEntry,
  AuthMode,
  ConnectionState,
  UserFacingError,
} from '../auth/connection-state';
import type { Environment, SettingsField, SettingsUpdate } from '../auth/config-types';
import type { BrokerSettingsView, ConnectThrough } from '../broker/broker-settings';
import type { PairingView } from '../broker/broker-views';
import type { QueryCost } from '../jobber/query-cost';

export type {
  AccountSummary,
  ActivityEntry,
  AuthMode,
  ConnectionState,
  ConnectionStatus,
  GrantDetails,
  NeedsReconnectReason,
  RefreshOutcome,
  StorageUnavailableReason,
  UserFacingError,
} from '../auth/connection-state';
export type { Environment, SettingsField, SettingsUpdate } from '../auth/config-types';
export { SETTINGS_FIELDS } from '../auth/config-types';
export type { QueryCost } from '../jobber/query-cost';
export type { BrokerSettingsView, ConnectThrough, PairingView };

/** Everything the renderer needs to draw the dashboard. Never holds a secret. */
export interface AppSnapshot {
  environment: Environment;
  connection: ConnectionState;
  /** Newest first, bounded length, already redacted. */
  activity: ActivityEntry[];
  /** Broker mode: the broker's host, for "via broker <host>"; absent or null otherwise. */
  broker?: { host: string } | null;
  /** A Marketplace pairing waiting for the person to confirm its Jobber account. */
  pairing?: PairingView | null;
}

/** Settings as the renderer may see them: the client secret is write-only. */
export interface SettingsView extends BrokerSettingsView {
  mode: Environment;
  clientId: string;
  clientSecretSaved: boolean;
  redirectUri: string;
  authMode: AuthMode;
  graphqlVersion: string;
  allowWeakStorage: boolean;
}

export type SaveSettingsResult =
  | { ok: true; settings: SettingsView }
  | { ok: false; fieldErrors: Partial<Record<SettingsField, string>> };

export type ActionResult = { ok: true } | { ok: false; error: UserFacingError };

export type DisconnectResult =
  | { ok: true; jobberNotified: boolean; message: string }
  | { ok: false; error: UserFacingError };


export type TestApiResult =
  | { ok: true; account: AccountSummary; cost: QueryCost | null; durationMs: number }
  | { ok: false; error: UserFacingError };

/** Request/response channels (renderer → main, `ipcRenderer.invoke`). */
export interface InvokeContract {
  'get-state': { request: void; response: AppSnapshot };
  connect: { request: void; response: ActionResult };
  cancel: { request: void; response: ActionResult };
  disconnect: { request: void; response: DisconnectResult };
  'refresh-now': { request: void; response: ActionResult };
  'get-settings': { request: void; response: SettingsView };
  'save-settings': { request: SettingsUpdate; response: SaveSettingsResult };
  'test-api': { request: void; response: TestApiResult };
  'confirm-pairing': { request: void; response: ActionResult };
  'decline-pairing': { request: void; response: ActionResult };
}

/** Events (main → renderer, `webContents.send`). */
export interface EventContract {
  'state-changed': AppSnapshot;
}

export type InvokeChannel = keyof InvokeContract;
export type EventChannel = keyof EventContract;

/** Channel names on the wire: one prefix so our traffic is easy to recognise and filter. */
export const CHANNEL_PREFIX = 'jobber-connect:';

export const INVOKE_CHANNELS = [
  'get-state',
  'connect',
  'cancel',
  'disconnect',
  'refresh-now',
  'get-settings',
  'save-settings',
  'test-api',
  'confirm-pairing',
  'decline-pairing',
] as const satisfies readonly InvokeChannel[];

export const EVENT_CHANNELS = ['state-changed'] as const satisfies readonly EventChannel[];

export function wireName(channel: InvokeChannel | EventChannel): string {
  return CHANNEL_PREFIX + channel;
}

/** Methods of the API that are one invoke each (every method but the event subscription). */
export type InvokeMethod = Exclude<keyof JobberConnectApi, 'onStateChanged'>;

/**
 * Which channel each API method invokes. The preload builds `window.jobberConnect` from this map
 * and the renderer's bridge check reads API_METHODS, so neither keeps its own list.
 */
export const API_INVOKE_METHODS = {
  getState: 'get-state',
  connect: 'connect',
  cancel: 'cancel',
  disconnect: 'disconnect',
  refreshNow: 'refresh-now',
  getSettings: 'get-settings',
  saveSettings: 'save-settings',
  testApi: 'test-api',
  confirmPairing: 'confirm-pairing',
  declinePairing: 'decline-pairing',
} as const satisfies { [M in InvokeMethod]: InvokeChannel };

/** Every method name of JobberConnectApi. */
export const API_METHODS: ReadonlyArray<keyof JobberConnectApi> = Object.freeze([
  ...(Object.keys(API_INVOKE_METHODS) as InvokeMethod[]),
  'onStateChanged',
]);

/** The API the preload exposes as `window.jobberConnect`. */
export interface JobberConnectApi {
  getState(): Promise<AppSnapshot>;
  connect(): Promise<ActionResult>;
  cancel(): Promise<ActionResult>;
  disconnect(): Promise<DisconnectResult>;
  refreshNow(): Promise<ActionResult>;
  getSettings(): Promise<SettingsView>;
  saveSettings(update: SettingsUpdate): Promise<SaveSettingsResult>;
  testApi(): Promise<TestApiResult>;
  /** Accepts the Jobber account of the pairing waiting for confirmation. */
  confirmPairing(): Promise<ActionResult>;
  /** Refuses it: nothing is connected. */
  declinePairing(): Promise<ActionResult>;
  /** Returns an unsubscribe function. The Electron event object is never passed on. */
  onStateChanged(listener: (snapshot: AppSnapshot) => void): () => void;
}
