/**
 * The one IPC contract: every invoke channel with its API method (channels.ts, zod-free for the
 * preload), its input schema and how it answers a refusal (INVOKE_CONTRACT here). The preload, the
 * handler registration, the typed wrapper's checks, the renderer's bridge check and
 * `JobberConnectApi` are all derived from these two tables. Browser-safe: zod and type-only imports.
 */
import { z } from 'zod';
import { INVOKE_METHODS, type API_METHODS, type EventChannel, type InvokeChannel, type InvokeMethod } from './channels';
import type { AccountSummary, ActivityEntry, ApiStatus, ConnectionState, UserFacingError } from './connection-state';
import type { PairingView } from './pairing-view';
import type { QueryCost } from './query-cost';
import {
  settingsFieldErrors,
  settingsUpdateSchema,
  type Environment,
  type FieldErrors,
  type StoredPlainSettings,
} from './settings-schema';

export type {
  AccountSummary,
  ActivityEntry,
  ApiStatus,
  ConnectionState,
  ConnectionStatus,
  GrantDetails,
  NeedsReconnectReason,
  RetryCause,
  RefreshOutcome,
  VersionWarning,
  StorageUnavailableReason,
  UserFacingError,
  UserFacingErrorKind,
} from './connection-state';
export type { QueryCost } from './query-cost';
export type { AuthMode, ConnectThrough, Environment, FieldErrors, SettingsField, SettingsInput, SettingsUpdate } from './settings-schema';
export type { PairingView };

/** Everything the renderer needs to draw the dashboard. Never holds a secret. */
export interface AppSnapshot {
  environment: Environment;
  connection: ConnectionState;
  /** Newest first, bounded length, already redacted. */
  activity: ActivityEntry[];
  /** What Jobber's API last said about the account and the API version. */
  api: ApiStatus;
  /** Broker mode: the broker's host, for "via broker <host>"; absent or null otherwise. */
  broker?: { host: string } | null;
  /** A Marketplace pairing waiting for the person to confirm its Jobber account. */
  pairing?: PairingView | null;
}

/**
 * Settings as the renderer may see them: every stored field, whether a secret is saved (it is
 * write-only) and the broker URL built into this copy of the app (null when there is none).
 */
export type SettingsView = Required<StoredPlainSettings> & { clientSecretSaved: boolean; builtInBrokerUrl: string | null };

export type SaveSettingsResult = { ok: true; settings: SettingsView } | { ok: false; fieldErrors: FieldErrors };

export type ActionResult = { ok: true } | { ok: false; error: UserFacingError };

export type DisconnectResult =
  | { ok: true; jobberNotified: boolean; message: string }
  | { ok: false; error: UserFacingError };

export type TestApiResult =
  | { ok: true; account: AccountSummary; cost: QueryCost | null; durationMs: number }
  | { ok: false; error: UserFacingError };

/**
 * How a channel answers a call it refuses (invalid input) or whose handler failed, and so which
 * response type it has. `refuse` null: the call rejects (responses with no error form; our preload
 * never sends those channels arguments).
 */
export interface Answer<Response> {
  readonly refuse: ((error: UserFacingError, issues?: z.ZodError) => Response) | null;
}

const rejects = <Response>(): Answer<Response> => ({ refuse: null });

/** A `{ ok: false, error }` result; the rest parameter makes a response without that form a compile error. */
const errorResult = <Response>(
  ..._check: [{ ok: false; error: UserFacingError }] extends [Response] ? [] : [never]
): Answer<Response> => ({ refuse: (error) => ({ ok: false, error }) as Response });

/** Channels whose request is `void`: the preload sends no arguments at all. */
const noArguments = z.tuple([]);

/** save-settings answers a refusal with a message per field, as the form shows them. */
const fieldErrorsResult: Answer<SaveSettingsResult> = {
  // Issue paths start with the argument's index in the tuple, then the field.
  refuse: (_error, issues) => ({
    ok: false,
    fieldErrors: issues ? settingsFieldErrors(issues, 1) : { mode: 'The settings could not be saved.' },
  }),
};

/** Request/response channels (renderer → main, `ipcRenderer.invoke`): each channel once. */
export const INVOKE_CONTRACT = {
  'get-state': { input: noArguments, answer: rejects<AppSnapshot>() },
  connect: { input: noArguments, answer: errorResult<ActionResult>() },
  cancel: { input: noArguments, answer: errorResult<ActionResult>() },
  disconnect: { input: noArguments, answer: errorResult<DisconnectResult>() },
  'refresh-now': { input: noArguments, answer: errorResult<ActionResult>() },
  'get-settings': { input: noArguments, answer: rejects<SettingsView>() },
  'save-settings': { input: z.tuple([settingsUpdateSchema]), answer: fieldErrorsResult },
  'test-api': { input: noArguments, answer: errorResult<TestApiResult>() },
  'confirm-pairing': { input: noArguments, answer: errorResult<ActionResult>() },
  'decline-pairing': { input: noArguments, answer: errorResult<ActionResult>() },
} as const satisfies { [C in InvokeChannel]: { input: z.ZodType<readonly unknown[]>; answer: Answer<unknown> } };

type Contract = typeof INVOKE_CONTRACT;
/** The arguments a channel's caller sends, and what its handler receives after parsing. */
export type RequestArgs<C extends InvokeChannel> = z.input<Contract[C]['input']>;
export type ParsedArgs<C extends InvokeChannel> = z.output<Contract[C]['input']>;
export type Response<C extends InvokeChannel> = Contract[C]['answer'] extends Answer<infer R> ? R : never;

/** Events (main → renderer, `webContents.send`) and their payloads. */
export interface EventContract extends Record<EventChannel, unknown> {
  'state-changed': AppSnapshot;
}

type ChannelOf<M extends InvokeMethod> = { [C in InvokeChannel]: (typeof INVOKE_METHODS)[C] extends M ? C : never }[InvokeChannel];

/** The API the preload exposes as `window.jobberConnect`: one method per invoke channel, plus the event. */
export type JobberConnectApi = {
  [M in InvokeMethod]: (...args: RequestArgs<ChannelOf<M>>) => Promise<Response<ChannelOf<M>>>;
} & {
  /** Returns an unsubscribe function. The Electron event object is never passed on. */
  onStateChanged(listener: (snapshot: AppSnapshot) => void): () => void;
};

// channels.ts's API_METHODS names exactly JobberConnectApi's methods (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<(typeof API_METHODS)[number], keyof JobberConnectApi>;
