/**
 * Configuration: merges saved settings, the process environment and `.env` text into one validated
 * JobberConfig (or says why it can't). The settings rules are the settings schema's
 * (electron/ipc/settings-schema.ts); this module applies them to whichever source a value came from.
 * Pure: the caller reads the environment, the `.env` file and the settings store and passes them in.
 */
import { parseEnv } from 'node:util';
import {
  AUTH_MODES,
  CONNECT_THROUGH,
  DEFAULT_AUTH_MODE,
  DEFAULT_GRAPHQL_VERSION,
  DEFAULT_REDIRECT_URI,
  ENVIRONMENTS,
  LOOPBACK_HOSTS,
  brokerOrigin,
  checkBrokerUrl,
  checkGraphqlVersion,
  checkRedirectForAuthMode,
  checkRedirectUri,
  type AuthMode,
  type ConnectThrough,
  type Environment,
  type StoredPlainSettings,
} from '../ipc/settings-schema';
import { JOBBER_API_BASE_URL, type JobberConfig } from '../auth/config-types';
import { parseUrl } from '../core/url';

/** Saved settings as the settings store hands them over: the stored fields plus the decrypted secret. */
export type StoredSettings = Required<StoredPlainSettings> & { clientSecret: string };

export interface ConfigSources {
  env: Record<string, string | undefined>;
  dotenvText?: string | null;
  settings?: Partial<StoredSettings> | null;
  /**
   * A packaged (shipped) build: Jobber mode then talks to JOBBER_API_BASE_URL's default,
   * https://api.getjobber.com, only. The override exists for development against a local server.
   */
  packaged?: boolean;
  /** The broker URL built into this copy of the app (default-broker-url.ts), if any. */
  defaultBrokerUrl?: string;
}

export type ConfigResult =
  | { kind: 'jobber'; config: JobberConfig }
  | { kind: 'broker'; config: JobberConfig }
  | { kind: 'sandbox'; redirectUri: string; graphqlVersion: string; authMode: AuthMode; reason: string }
  | { kind: 'invalid'; problems: string[] };

export const SANDBOX_CLIENT_ID = 'sandbox-client-id';
export const SANDBOX_CLIENT_SECRET = 'sandbox-client-secret';

/** Null when `value` is a usable API origin (https, or http on loopback), else what is wrong. */
export function checkApiBaseUrl(value: string): string | null {
  const url = parseUrl(value);
  if (url === null) return 'is not a valid URL, e.g. https://api.getjobber.com.';
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password.';
  if (url.search !== '' || url.hash !== '') return 'must not contain a query or fragment.';
  if (url.pathname !== '/') return 'must be an origin only (scheme, host and port), e.g. https://api.getjobber.com.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return 'must use https:// (http:// is allowed only for 127.0.0.1, localhost or [::1]).';
}

function isAuthMode(value: string): value is AuthMode {
  return (AUTH_MODES as readonly string[]).includes(value);
}

function isEnvironment(value: string): value is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}

/** `"a" or "b"`, from the schema's list of choices. */
function quotedChoices(choices: readonly string[]): string {
  return choices.map((choice) => `"${choice}"`).join(' or ');
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
 * JOBBER_GRAPHQL_VERSION, JOBBER_AUTH_MODE, JOBBER_MODE, JOBBER_CONNECT_THROUGH, JOBBER_BROKER_URL
 * (then the built-in default broker URL); JOBBER_API_BASE_URL (env or `.env` only, and only when
 * not packaged). "Connect through: broker", or a broker URL with no client id and no explicit
 * mode, gives 'broker'. Otherwise, with no client id
 * (and no explicit 'jobber' mode) or mode 'sandbox', the result is 'sandbox'. Every invalid field is
 * reported at once, each problem naming its variable.
 */
export function loadConfig(sources: ConfigSources): ConfigResult {
  const settings = sources.settings ?? {};
  const env = sources.env ?? {};
  const dotenv = parseDotenv(sources.dotenvText);
  const pick = (settingsKey: keyof StoredSettings, envName: string): string | undefined =>
    firstValue(settings[settingsKey], env[envName], dotenv[envName]);
  // Never from settings.json: any process running as this user can write that file, and the token
  // endpoint receives the client secret and the refresh token. Never in a shipped build either.
  const apiBaseUrlOverride = sources.packaged === true ? undefined : firstValue(env.JOBBER_API_BASE_URL, dotenv.JOBBER_API_BASE_URL);

  const problems: string[] = [];
  const modeRaw = pick('mode', 'JOBBER_MODE');
  const clientId = pick('clientId', 'JOBBER_CLIENT_ID');
  const clientSecret = pick('clientSecret', 'JOBBER_CLIENT_SECRET');
  const redirectUri = pick('redirectUri', 'JOBBER_REDIRECT_URI') ?? DEFAULT_REDIRECT_URI;
  const graphqlVersion = pick('graphqlVersion', 'JOBBER_GRAPHQL_VERSION') ?? DEFAULT_GRAPHQL_VERSION;
  const authModeRaw = pick('authMode', 'JOBBER_AUTH_MODE') ?? DEFAULT_AUTH_MODE;
  const apiBaseUrlRaw = apiBaseUrlOverride ?? JOBBER_API_BASE_URL;

  const connectThroughRaw = pick('connectThrough', 'JOBBER_CONNECT_THROUGH');
  const brokerUrl = firstValue(settings.brokerUrl, env.JOBBER_BROKER_URL, dotenv.JOBBER_BROKER_URL, sources.defaultBrokerUrl);

  let mode: Environment | undefined;
  if (modeRaw !== undefined) {
    const lowered = modeRaw.toLowerCase();
    if (isEnvironment(lowered)) mode = lowered;
    else problems.push(`JOBBER_MODE must be ${quotedChoices(ENVIRONMENTS)} (got "${modeRaw.slice(0, 40)}").`);
  }

  const redirectProblem = checkRedirectUri(redirectUri);
  if (redirectProblem) problems.push(`JOBBER_REDIRECT_URI ${redirectProblem}`);
  const versionProblem = checkGraphqlVersion(graphqlVersion);
  if (versionProblem) problems.push(`JOBBER_GRAPHQL_VERSION ${versionProblem}`);
  let authMode: AuthMode = DEFAULT_AUTH_MODE;
  if (isAuthMode(authModeRaw)) authMode = authModeRaw;
  else problems.push(`JOBBER_AUTH_MODE must be ${quotedChoices(AUTH_MODES)} (got "${authModeRaw.slice(0, 40)}").`);
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
