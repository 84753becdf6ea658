/**
 * The validated configuration the engine runs with. Produced by `loadConfig` (config.ts) from
 * environment, `.env` and saved settings; in sandbox mode the URLs point at the local sandbox.
 */
import type { BrokerSettingsFields } from '../broker/broker-settings';
import type { AuthMode } from './connection-state';

export type Environment = 'jobber' | 'sandbox';

export interface JobberConfig {
  environment: Environment;
  clientId: string;
  clientSecret: string;
  /** The one OAuth Callback URL registered for the app (custom scheme, https or loopback http). */
  redirectUri: string;
  /** Origin of the OAuth + GraphQL endpoints, e.g. https://api.getjobber.com. */
  apiBaseUrl: string;
  /** Value of X-JOBBER-GRAPHQL-VERSION, YYYY-MM-DD. */
  graphqlVersion: string;
  authMode: AuthMode;
  /** Set in broker mode: tokens come from this broker, which holds the client id and secret. */
  broker?: BrokerEndpoint;
}

/** The broker the app connects through (broker mode). */
export interface BrokerEndpoint {
  /** `https://host[:port]` (http only on loopback), checked by checkBrokerUrl. */
  origin: string;
}

export const JOBBER_API_BASE_URL = 'https://api.getjobber.com';
export const DEFAULT_GRAPHQL_VERSION = '2025-04-16';
/** RFC 8252 §7.1: a reverse-domain private-use scheme. */
export const DEFAULT_CALLBACK_SCHEME = 'com.jobberconnect.app';
export const DEFAULT_REDIRECT_URI = `${DEFAULT_CALLBACK_SCHEME}:/oauth/callback`;

/**
 * A settings change from the renderer, after validation (validateSettingsUpdate in config.ts).
 * `clientSecret` absent keeps the saved one. Re-exported by the IPC contract.
 */
export interface SettingsUpdate extends BrokerSettingsFields {
  mode: Environment;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  authMode: AuthMode;
  graphqlVersion: string;
  allowWeakStorage: boolean;
}

export type SettingsField = keyof SettingsUpdate;

/**
 * Every settings field, in form order: the one list the validation, the IPC schema and the
 * renderer's form are built from. `satisfies` and the check below keep it in step with
 * SettingsUpdate.
 */
export const SETTINGS_FIELDS = [
  'mode',
  'connectThrough',
  'brokerUrl',
  'clientId',
  'clientSecret',
  'redirectUri',
  'authMode',
  'graphqlVersion',
  'allowWeakStorage',
] as const satisfies readonly SettingsField[];

// Compile-time check: a field added to SettingsUpdate but not to SETTINGS_FIELDS fails here.
const _settingsFieldsComplete: Exclude<SettingsField, (typeof SETTINGS_FIELDS)[number]> extends never ? true : never = true;
