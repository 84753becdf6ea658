/**
 * Configuration: merges saved settings, the process environment and `.env` text into one validated
 * JobberConfig (or says why it can't), and validates settings updates coming from the renderer.
 * Pure: the caller reads the environment, the `.env` file and the settings store and passes them in.
 */
import { parseEnv } from 'node:util';
import { z } from 'zod';
import {
  BROKER_FIELD_SCHEMAS,
  CONNECT_THROUGH,
  brokerOrigin,
  checkBrokerUrl,
  validateBrokerSettings,
  type BrokerSettingsFields,
  type ConnectThrough,
} from '../broker/broker-settings';
import type { AuthMode } from './connection-state';
import {
  DEFAULT_GRAPHQL_VERSION,
  DEFAULT_REDIRECT_URI,
  JOBBER_API_BASE_URL,
  SETTINGS_FIELDS,
  type Environment,
  type JobberConfig,
  type SettingsField,
  type SettingsUpdate,
} from './config-types';

export interface StoredSettings extends BrokerSettingsFields {
  mode: Environment;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  authMode: AuthMode;
  graphqlVersion: string;
  allowWeakStorage: boolean;
  apiBaseUrl?: string;
}

export interface ConfigSources {
  env: Record<string, string | undefined>;
  dotenvText?: string | null;
  settings?: Partial<StoredSettings> | null;
  /** The broker URL built into this copy of the app (default-broker-url.ts), if any. */
  defaultBrokerUrl?: string;
}

export type ConfigResult =
  | { kind: 'jobber'; config: JobberConfig }
  | { kind: 'broker'; config: JobberConfig }
  | { kind: 'sandbox'; redirectUri: string; graphqlVersion: string; authMode: AuthMode; reason: string }
  | { kind: 'invalid'; problems: string[] };

export const AUTH_MODES = ['app-window', 'system-browser'] as const satisfies readonly AuthMode[];
export const ENVIRONMENTS = ['jobber', 'sandbox'] as const satisfies readonly Environment[];
export const DEFAULT_AUTH_MODE: AuthMode = 'app-window';

export const SANDBOX_CLIENT_ID = 'sandbox-client-id';
export const SANDBOX_CLIENT_SECRET = 'sandbox-client-secret';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

// Schemes that must never receive an authorization code: they run code, read files or belong to
// the browser itself.
const FORBIDDEN_CALLBACK_SCHEMES = new Set([
  'javascript:',
  'data:',
  'file:',
  'blob:',
  'about:',
  'vbscript:',
  'filesystem:',
  'ws:',
  'wss:',
  'ftp:',
  'mailto:',
  'chrome:',
  'chrome-extension:',
  'devtools:',
  'view-source:',
]);

function tryParse(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** Null when `value` is a usable OAuth callback URL, else a sentence saying what is wrong. */
export function checkRedirectUri(value: string): string | null {
  const url = tryParse(value);
  if (url === null) {
    return 'is not a valid URL: use the exact OAuth Callback URL registered for your app, e.g. com.jobberconnect.app:/oauth/callback.';
  }
  if (url.hash !== '' || value.includes('#')) return 'must not contain a fragment (#…).';
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    return LOOPBACK_HOSTS.has(url.hostname)
      ? null
      : 'may only use http:// on this computer (127.0.0.1, localhost or [::1]); use https:// or a custom scheme otherwise.';
  }
  if (FORBIDDEN_CALLBACK_SCHEMES.has(url.protocol)) return `cannot use the ${url.protocol} scheme.`;
  if (url.hostname === '' && url.pathname.replace(/^\/+/, '') === '') {
    return 'needs a path after the scheme, e.g. com.jobberconnect.app:/oauth/callback.';
  }
  return null;
}

/**
 * Null when the redirect URI can work with `authMode`. In system-browser mode a loopback http
 * callback is received by a listener the app opens on that exact port, so the port must be given.
 */
export function checkRedirectForAuthMode(redirectUri: string, authMode: AuthMode): string | null {
  if (authMode !== 'system-browser') return null;
  const url = tryParse(redirectUri);
  if (url === null || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.port !== '') return null;
  return 'needs an explicit port for signing in with the system browser, e.g. http://127.0.0.1:53682/callback.';
}

/** Null when `value` is a usable API origin (https, or http on loopback), else what is wrong. */
export function checkApiBaseUrl(value: string): string | null {
  const url = tryParse(value);
  if (url === null) return 'is not a valid URL, e.g. https://api.getjobber.com.';
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password.';
  if (url.search !== '' || url.hash !== '') return 'must not contain a query or fragment.';
  if (url.pathname !== '/') return 'must be an origin only (scheme, host and port), e.g. https://api.getjobber.com.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return 'must use https:// (http:// is allowed only for 127.0.0.1, localhost or [::1]).';
}

/** Null when `value` is a real YYYY-MM-DD date, else what is wrong. */
export function checkGraphqlVersion(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return `must look like ${DEFAULT_GRAPHQL_VERSION} (YYYY-MM-DD).`;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return `is not a real date (YYYY-MM-DD, e.g. ${DEFAULT_GRAPHQL_VERSION}).`;
  }
  return null;
}

function isAuthMode(value: string): value is AuthMode {
  return (AUTH_MODES as readonly string[]).includes(value);
}

function isEnvironment(value: string): value is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}

function parseDotenv(text: string | null | undefined): Record<string, string | undefined> {
  if (typeof text !== 'string' || text === '') return {};
  try {
    return parseEnv(text);
  } catch {
    return {};
  }
}

/** First non-empty (after trimming) value, in precedence order. */
function firstValue(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim();
  }
  return undefined;
}

/**
 * Builds the engine's configuration. Precedence per field: saved settings > process env > `.env`
 * text. Env names: JOBBER_CLIENT_ID, JOBBER_CLIENT_SECRET, JOBBER_REDIRECT_URI,
 * JOBBER_API_BASE_URL, JOBBER_GRAPHQL_VERSION, JOBBER_AUTH_MODE, JOBBER_MODE, JOBBER_CONNECT_THROUGH,
 * JOBBER_BROKER_URL (then the built-in default broker URL). "Connect through: broker", or a broker
 * URL with no client id and no explicit mode, gives 'broker'. Otherwise, with no client id (and no
 * explicit 'jobber' mode) or mode 'sandbox', the result is 'sandbox'. Every invalid field is
 * reported at once, each problem naming its variable.
 */
export function loadConfig(sources: ConfigSources): ConfigResult {
  const settings = sources.settings ?? {};
  const env = sources.env ?? {};
  const dotenv = parseDotenv(sources.dotenvText);
  const pick = (settingsKey: keyof StoredSettings, envName: string): string | undefined =>
    firstValue(settings[settingsKey], env[envName], dotenv[envName]);

  const problems: string[] = [];
  const modeRaw = pick('mode', 'JOBBER_MODE');
  const clientId = pick('clientId', 'JOBBER_CLIENT_ID');
  const clientSecret = pick('clientSecret', 'JOBBER_CLIENT_SECRET');
  const redirectUri = pick('redirectUri', 'JOBBER_REDIRECT_URI') ?? DEFAULT_REDIRECT_URI;
  const graphqlVersion = pick('graphqlVersion', 'JOBBER_GRAPHQL_VERSION') ?? DEFAULT_GRAPHQL_VERSION;
  const authModeRaw = pick('authMode', 'JOBBER_AUTH_MODE') ?? DEFAULT_AUTH_MODE;
  const apiBaseUrlRaw = pick('apiBaseUrl', 'JOBBER_API_BASE_URL') ?? JOBBER_API_BASE_URL;

  const connectThroughRaw = pick('connectThrough', 'JOBBER_CONNECT_THROUGH');
  const brokerUrl = firstValue(settings.brokerUrl, env.JOBBER_BROKER_URL, dotenv.JOBBER_BROKER_URL, sources.defaultBrokerUrl);

  let mode: Environment | undefined;
  if (modeRaw !== undefined) {
    const lowered = modeRaw.toLowerCase();
    if (isEnvironment(lowered)) mode = lowered;
    else problems.push(`JOBBER_MODE must be "jobber" or "sandbox" (got "${modeRaw.slice(0, 40)}").`);
  }

  const redirectProblem = checkRedirectUri(redirectUri);
  if (redirectProblem) problems.push(`JOBBER_REDIRECT_URI ${redirectProblem}`);
  const versionProblem = checkGraphqlVersion(graphqlVersion);
  if (versionProblem) problems.push(`JOBBER_GRAPHQL_VERSION ${versionProblem}`);
  let authMode: AuthMode = DEFAULT_AUTH_MODE;
  if (isAuthMode(authModeRaw)) authMode = authModeRaw;
  else problems.push(`JOBBER_AUTH_MODE must be "app-window" or "system-browser" (got "${authModeRaw.slice(0, 40)}").`);
  const modeProblem = redirectProblem ? null : checkRedirectForAuthMode(redirectUri, authMode);
  if (modeProblem) problems.push(`JOBBER_REDIRECT_URI ${modeProblem}`);

  let connectThrough: ConnectThrough | undefined;
  if (connectThroughRaw !== undefined) {
    const lowered = connectThroughRaw.toLowerCase();
    if ((CONNECT_THROUGH as readonly string[]).includes(lowered)) connectThrough = lowered as ConnectThrough;
    else problems.push(`JOBBER_CONNECT_THROUGH must be "this-computer" or "broker" (got "${connectThroughRaw.slice(0, 40)}").`);
  }
  // A broker (chosen, or built in / given with nothing else configured) means nobody here needs
  // Jobber's client id or secret: a fresh install with a built-in broker connects as is.
  const viaBroker =
    mode !== 'sandbox' &&
    (connectThrough === 'broker' || (connectThrough === undefined && mode === undefined && clientId === undefined && brokerUrl !== undefined));
  if (viaBroker) {
    const brokerProblem = brokerUrl === undefined ? 'is missing: set the broker URL in Settings (or JOBBER_BROKER_URL).' : checkBrokerUrl(brokerUrl);
    if (brokerProblem) problems.push(`JOBBER_BROKER_URL ${brokerProblem}`);
    const apiProblem = checkApiBaseUrl(apiBaseUrlRaw);
    if (apiProblem) problems.push(`JOBBER_API_BASE_URL ${apiProblem}`);
    if (problems.length > 0 || brokerUrl === undefined) return { kind: 'invalid', problems };
    return {
      kind: 'broker',
      config: {
        environment: 'jobber',
        clientId: '',
        clientSecret: '',
        redirectUri,
        apiBaseUrl: new URL(apiBaseUrlRaw).origin,
        graphqlVersion,
        authMode,
        broker: { origin: brokerOrigin(brokerUrl) },
      },
    };
  }

  const sandboxReason =
    mode === 'sandbox'
      ? 'Sandbox mode is selected in settings or JOBBER_MODE.'
      : mode === undefined && clientId === undefined
        ? 'No Jobber client id is configured (JOBBER_CLIENT_ID or settings), so the app runs against the local sandbox.'
        : null;

  if (sandboxReason !== null) {
    if (problems.length > 0) return { kind: 'invalid', problems };
    return { kind: 'sandbox', redirectUri, graphqlVersion, authMode, reason: sandboxReason };
  }

  if (clientId === undefined) {
    problems.push("JOBBER_CLIENT_ID is missing: copy it from your app in Jobber's Developer Center.");
  }
  if (clientSecret === undefined) {
    problems.push("JOBBER_CLIENT_SECRET is missing: copy it from your app in Jobber's Developer Center.");
  }
  const apiProblem = checkApiBaseUrl(apiBaseUrlRaw);
  if (apiProblem) problems.push(`JOBBER_API_BASE_URL ${apiProblem}`);

  if (problems.length > 0 || clientId === undefined || clientSecret === undefined) {
    return { kind: 'invalid', problems };
  }
  return {
    kind: 'jobber',
    config: {
      environment: 'jobber',
      clientId,
      clientSecret,
      redirectUri,
      apiBaseUrl: new URL(apiBaseUrlRaw).origin,
      graphqlVersion,
      authMode,
    },
  };
}

/** The configuration for the embedded sandbox at `sandboxUrl`, with its fixed dummy credentials. */
export function sandboxConfig(
  sandboxUrl: string,
  options: { redirectUri: string; graphqlVersion: string; authMode: AuthMode },
): JobberConfig {
  return {
    environment: 'sandbox',
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    redirectUri: options.redirectUri,
    apiBaseUrl: sandboxUrl.replace(/\/+$/, ''),
    graphqlVersion: options.graphqlVersion,
    authMode: options.authMode,
  };
}

// ---------------------------------------------------------------------------------------------
// Settings updates from the renderer (untrusted input).

const MAX_CREDENTIAL_LENGTH = 512;

function credential(label: string) {
  return z
    .string({ error: `${label} must be text.` })
    .trim()
    .max(MAX_CREDENTIAL_LENGTH, { error: `${label} is too long (at most ${MAX_CREDENTIAL_LENGTH} characters).` })
    .refine((value) => !/\s/.test(value), { error: `${label} must not contain spaces; paste it exactly as shown in Jobber.` });
}

function withCheck(check: (value: string) => string | null, label: string) {
  return z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, { error: `${label} is required.` })
    .superRefine((value, ctx) => {
      const problem = check(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${label} ${problem}` });
    });
}

const settingsUpdateSchema = z.object({
  mode: z.enum(ENVIRONMENTS, { error: 'Choose either Jobber or Sandbox.' }),
  clientId: credential('Client ID').default(''),
  clientSecret: credential('Client secret').optional(),
  redirectUri: withCheck(checkRedirectUri, 'Callback URL'),
  authMode: z.enum(AUTH_MODES, { error: 'Choose where to sign in: the app window or your browser.' }),
  graphqlVersion: withCheck(checkGraphqlVersion, 'GraphQL version'),
  allowWeakStorage: z.boolean({ error: 'Choose whether to allow unencrypted token storage.' }),
  ...BROKER_FIELD_SCHEMAS,
});

function isFieldName(value: unknown): value is SettingsField {
  return typeof value === 'string' && (SETTINGS_FIELDS as readonly string[]).includes(value);
}

/**
 * Validates a settings update from the renderer. A 'jobber'-mode update needs a client id, and a
 * client secret unless one is already saved (`hasSavedSecret`); an empty secret keeps the saved
 * one. Messages are human and keyed by field; they never repeat the submitted secret.
 */
export function validateSettingsUpdate(
  update: unknown,
  hasSavedSecret: boolean,
  defaultBrokerUrl?: string,
): { ok: true; value: SettingsUpdate } | { ok: false; fieldErrors: Partial<Record<SettingsField, string>> } {
  // A non-object becomes {} so each field reports itself as missing rather than one anonymous error.
  const input = typeof update === 'object' && update !== null && !Array.isArray(update) ? update : {};
  const parsed = settingsUpdateSchema.safeParse(input);
  const fieldErrors: Partial<Record<SettingsField, string>> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (isFieldName(field) && fieldErrors[field] === undefined) fieldErrors[field] = issue.message;
    }
    return { ok: false, fieldErrors };
  }

  const { clientSecret, brokerUrl, ...rest } = parsed.data;
  const value: SettingsUpdate = { ...rest };
  if (clientSecret !== undefined && clientSecret !== '') value.clientSecret = clientSecret;
  if (brokerUrl !== undefined && brokerUrl.trim() !== '') value.brokerUrl = brokerUrl.trim();
  Object.assign(fieldErrors, validateBrokerSettings(value, defaultBrokerUrl));

  const modeProblem = checkRedirectForAuthMode(value.redirectUri, value.authMode);
  if (modeProblem) fieldErrors.redirectUri = `Callback URL ${modeProblem}`;
  if (value.mode === 'jobber' && value.connectThrough !== 'broker') {
    if (value.clientId === '') {
      fieldErrors.clientId = "Client ID is required to connect to Jobber: copy it from your app in Jobber's Developer Center.";
    }
    if (value.clientSecret === undefined && !hasSavedSecret) {
      fieldErrors.clientSecret =
        "Client secret is required to connect to Jobber: copy it from your app in Jobber's Developer Center.";
    }
  }
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  return { ok: true, value };
}
