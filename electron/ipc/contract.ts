/**
 * The one IPC contract: every channel between main and renderer, once, in INVOKE_CONTRACT with
 * its API method name, its input schema and how it answers a refusal. The preload, the handler
 * registration, the typed wrapper's checks, the renderer's bridge check and `JobberConnectApi` are
 * all derived from that table. Browser-safe: zod and type-only imports.
 */
import { z } from 'zod';
import type { AccountSummary, ActivityEntry, ConnectionState, UserFacingError } from '../auth/connection-state';
import type { QueryCost } from '../jobber/query-cost';
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
  ConnectionState,
  ConnectionStatus,
  GrantDetails,
  NeedsReconnectReason,
  RefreshOutcome,
  StorageUnavailableReason,
  UserFacingError,
  UserFacingErrorKind,
} from '../auth/connection-state';
export type { QueryCost } from '../jobber/query-cost';
export type { AuthMode, Environment, FieldErrors, SettingsField, SettingsInput, SettingsUpdate } from './settings-schema';

/** Everything the renderer needs to draw the dashboard. Never holds a secret. */
export interface AppSnapshot {
  environment: Environment;
  connection: ConnectionState;
  /** Newest first, bounded length, already redacted. */
  activity: ActivityEntry[];
}

/** Settings as the renderer may see them: every stored field; the client secret is write-only. */
export type SettingsView = Required<StoredPlainSettings> & { clientSecretSaved: boolean };

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
  'get-state': { method: 'getState', input: noArguments, answer: rejects<AppSnapshot>() },
  connect: { method: 'connect', input: noArguments, answer: errorResult<ActionResult>() },
  cancel: { method: 'cancel', input: noArguments, answer: errorResult<ActionResult>() },
  disconnect: { method: 'disconnect', input: noArguments, answer: errorResult<DisconnectResult>() },
  'refresh-now': { method: 'refreshNow', input: noArguments, answer: errorResult<ActionResult>() },
  'get-settings': { method: 'getSettings', input: noArguments, answer: rejects<SettingsView>() },
  'save-settings': { method: 'saveSettings', input: z.tuple([settingsUpdateSchema]), answer: fieldErrorsResult },
  'test-api': { method: 'testApi', input: noArguments, answer: errorResult<TestApiResult>() },
} as const;

type Contract = typeof INVOKE_CONTRACT;
export type InvokeChannel = keyof Contract;
export type InvokeMethod = Contract[InvokeChannel]['method'];
/** The arguments a channel's caller sends, and what its handler receives after parsing. */
export type RequestArgs<C extends InvokeChannel> = z.input<Contract[C]['input']>;
export type ParsedArgs<C extends InvokeChannel> = z.output<Contract[C]['input']>;
export type Response<C extends InvokeChannel> = Contract[C]['answer'] extends Answer<infer R> ? R : never;

export const INVOKE_CHANNELS = Object.freeze(Object.keys(INVOKE_CONTRACT)) as readonly InvokeChannel[];

/** Events (main → renderer, `webContents.send`). */
export interface EventContract {
  'state-changed': AppSnapshot;
}
export type EventChannel = keyof EventContract;

/** Channel names on the wire: one prefix so our traffic is easy to recognise and filter. */
export const CHANNEL_PREFIX = 'jobber-connect:';

export function wireName(channel: InvokeChannel | EventChannel): string {
  return CHANNEL_PREFIX + channel;
}

type ChannelOf<M extends InvokeMethod> = { [C in InvokeChannel]: Contract[C]['method'] extends M ? C : never }[InvokeChannel];

/** The API the preload exposes as `window.jobberConnect`: one method per invoke channel, plus the event. */
export type JobberConnectApi = {
  [M in InvokeMethod]: (...args: RequestArgs<ChannelOf<M>>) => Promise<Response<ChannelOf<M>>>;
} & {
  /** Returns an unsubscribe function. The Electron event object is never passed on. */
  onStateChanged(listener: (snapshot: AppSnapshot) => void): () => void;
};

/** Every method name of JobberConnectApi (the renderer's bridge check). */
export const API_METHODS: ReadonlyArray<keyof JobberConnectApi> = Object.freeze([
  ...INVOKE_CHANNELS.map((channel) => INVOKE_CONTRACT[channel].method),
  'onStateChanged' as const,
]);
