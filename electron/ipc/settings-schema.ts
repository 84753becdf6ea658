/**
 * The one settings schema: each settings field once, with its type, its rule and its label. The
 * renderer's form validation, the save-settings IPC input, the stored form (settings-store.ts,
 * without the secret), config.ts's checks of environment values and the field list all come from
 * here. Browser-safe (zod and the WHATWG URL only), so the renderer runs the same rules as main.
 */
// zod/mini: the renderer bundles this file, and mini's functions tree-shake (classic zod does not).
import * as z from 'zod/mini';
import { parseUrl } from '../core/url';

export const ENVIRONMENTS = ['jobber', 'sandbox'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const AUTH_MODES = ['app-window', 'system-browser'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/**
 * Connect through: this computer (the app holds Jobber's client id and secret) or a broker (a
 * server holds them; the app holds only a device credential and the broker's address).
 */
export const CONNECT_THROUGH = ['this-computer', 'broker'] as const;
export type ConnectThrough = (typeof CONNECT_THROUGH)[number];

export const DEFAULT_AUTH_MODE: AuthMode = 'app-window';
export const DEFAULT_GRAPHQL_VERSION = '2025-04-16';
/** RFC 8252 §7.1: a reverse-domain private-use scheme. */
export const DEFAULT_CALLBACK_SCHEME = 'com.jobberconnect.app';
export const DEFAULT_REDIRECT_URI = `${DEFAULT_CALLBACK_SCHEME}:/oauth/callback`;

/**
 * Jobber documents no length for client ids or secrets (real ones are well under 100 characters),
 * so one generous cap serves both: it only bounds what main and the store will hold. The form, the
 * IPC schema and the store disagreed before (256 or 512 for the id, 1,024 or 512 for the secret),
 * so a value could pass one layer and be refused by the next.
 */
export const MAX_CREDENTIAL_LENGTH = 512;
/** Browsers handle URLs of about 2,000 characters everywhere; a callback URL is far shorter. */
export const MAX_REDIRECT_URI_LENGTH = 2048;

export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

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

/** Null when `value` is a usable OAuth callback URL, else the end of a sentence saying what is wrong. */
export function checkRedirectUri(value: string): string | null {
  const url = parseUrl(value);
  if (url === null) {
    return `is not a valid URL: use the exact OAuth Callback URL registered for your app, e.g. ${DEFAULT_REDIRECT_URI}.`;
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
  // RFC 8252 §7.1: a private-use scheme MUST be a reverse domain name the app's developer controls,
  // so no other app on the computer claims the same scheme and receives the code. The renderer
  // already refused `myapp:` while main accepted it; main now refuses it too.
  if (!url.protocol.slice(0, -1).includes('.')) {
    return `needs a custom scheme that is a reverse domain name you control (RFC 8252), e.g. ${DEFAULT_REDIRECT_URI}.`;
  }
  if (url.hostname === '' && url.pathname.replace(/^\/+/, '') === '') {
    return `needs a path after the scheme, e.g. ${DEFAULT_REDIRECT_URI}.`;
  }
  return null;
}

/**
 * Null when `value` is a usable broker address, else what is wrong (a sentence that never repeats
 * the value). https anywhere; plain http only on this computer, where nobody can listen in. An
 * origin only: the broker API's paths (/v1/…) are fixed.
 */
export function checkBrokerUrl(value: string): string | null {
  const url = parseUrl(value);
  if (url === null) return 'is not a valid URL, e.g. https://broker.example.com.';
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password.';
  if (url.search !== '' || url.hash !== '' || value.includes('#') || value.includes('?')) {
    return 'must not contain a query or fragment.';
  }
  if (url.pathname !== '/') return 'must be an address only (scheme, host and port), e.g. https://broker.example.com.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return 'must use https:// (http:// is allowed only for 127.0.0.1, localhost or [::1]).';
}

/** The origin of a broker URL that passed checkBrokerUrl. */
export function brokerOrigin(value: string): string {
  return parseUrl(value)?.origin ?? value;
}

/**
 * Null when the redirect URI can work with `authMode`. In system-browser mode a loopback http
 * callback is received by a listener the app opens on that exact port, so the port must be given.
 */
export function checkRedirectForAuthMode(redirectUri: string, authMode: AuthMode): string | null {
  if (authMode !== 'system-browser') return null;
  const url = parseUrl(redirectUri);
  if (url === null || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.port !== '') return null;
  return 'needs an explicit port for signing in with the system browser, e.g. http://127.0.0.1:53682/callback.';
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

/** How each field is named in the form and in every message about it. */
export const SETTINGS_LABELS = {
  mode: 'Mode',
  connectThrough: 'Connect through',
  brokerUrl: 'Broker URL',
  clientId: 'Client ID',
  clientSecret: 'Client secret',
  redirectUri: 'Redirect URI',
  authMode: 'Sign in with',
  graphqlVersion: 'GraphQL API version',
  allowWeakStorage: 'Allow weak storage',
} as const;

const L = SETTINGS_LABELS;

const text = (label: string, max: number) =>
  z.string({ error: `${label} must be text.` }).check(z.maxLength(max, { error: `${label} is too long (at most ${max} characters).` }));

/**
 * Each field's type and size, in form order: what the store may hold, and the first check of any
 * update. The keys are the field list.
 */
const FIELD_TYPES = {
  mode: z.enum(ENVIRONMENTS, { error: 'Choose either Jobber or Sandbox.' }),
  connectThrough: z.enum(CONNECT_THROUGH, { error: 'Choose this computer or a broker.' }),
  brokerUrl: text(L.brokerUrl, MAX_REDIRECT_URI_LENGTH),
  clientId: text(L.clientId, MAX_CREDENTIAL_LENGTH),
  clientSecret: text(L.clientSecret, MAX_CREDENTIAL_LENGTH),
  redirectUri: text(L.redirectUri, MAX_REDIRECT_URI_LENGTH),
  authMode: z.enum(AUTH_MODES, { error: 'Choose where to sign in: the app window or your browser.' }),
  graphqlVersion: text(L.graphqlVersion, 32),
  allowWeakStorage: z.boolean({ error: 'Choose whether to allow unencrypted token storage.' }),
} as const;

export type SettingsField = keyof typeof FIELD_TYPES;
// A field without a label is a compile error here.
void (SETTINGS_LABELS satisfies { [F in SettingsField]: string });

const credential = (field: 'clientId' | 'clientSecret') =>
  FIELD_TYPES[field].check(
    z.trim(),
    z.refine((value) => !/\s/.test(value), { error: `${L[field]} must not contain spaces; paste it exactly as shown in Jobber.` }),
  );

/** A text field's own check as a zod check: its sentence, after the field's label. */
const sentence = (field: SettingsField, check: (value: string) => string | null) =>
  z.superRefine<string>((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${L[field]} ${problem}` });
  });

const checked = (field: 'redirectUri' | 'graphqlVersion', check: (value: string) => string | null) =>
  FIELD_TYPES[field].check(z.trim(), z.minLength(1, { error: `${L[field]} is required.` }), sentence(field, check));

/** The rules on top of the types: what a usable value of each field is. */
const FIELD_RULES = {
  mode: FIELD_TYPES.mode,
  // Both may be left out (a caller that knows nothing of brokers): this computer, no broker URL.
  connectThrough: z._default(FIELD_TYPES.connectThrough, 'this-computer'),
  // Empty: the broker built into this copy of the app, if there is one (checked between fields).
  brokerUrl: z._default(
    FIELD_TYPES.brokerUrl.check(
      z.trim(),
      sentence('brokerUrl', (value) => (value === '' ? null : checkBrokerUrl(value))),
    ),
    '',
  ),
  clientId: credential('clientId'),
  // Empty (after trimming) or absent keeps the saved secret.
  clientSecret: z.optional(credential('clientSecret')),
  redirectUri: checked('redirectUri', checkRedirectUri),
  authMode: FIELD_TYPES.authMode,
  graphqlVersion: checked('graphqlVersion', checkGraphqlVersion),
  allowWeakStorage: FIELD_TYPES.allowWeakStorage,
} as const satisfies { [F in SettingsField]: z.ZodMiniType };

const settingsObject = z.object(FIELD_RULES);

/** A settings update after validation: trimmed, `clientSecret` absent = keep the saved one. */
export type SettingsUpdate = Omit<z.output<typeof settingsObject>, 'clientSecret'> & { clientSecret?: string };

/** Every settings field, in form order. */
export const SETTINGS_FIELDS: readonly SettingsField[] = Object.freeze(z.keyof(settingsObject).options);

/** What main and the form know beyond the update itself: a saved secret, a built-in broker. */
export interface SettingsContext {
  secretSaved: boolean;
  /** This copy of the app was built with a default broker URL. */
  builtInBroker: boolean;
}

type DirectFields = { mode: Environment; connectThrough: ConnectThrough };

/** Jobber mode with the client id and secret held here (not through a broker). */
export function connectsDirectly(update: DirectFields): boolean {
  return update.mode === 'jobber' && update.connectThrough === 'this-computer';
}

/** The message for a direct update with no secret given and none saved, or null. */
export function missingSecret(update: DirectFields & { clientSecret?: string | undefined }, secretSaved: boolean): string | null {
  if (!connectsDirectly(update) || update.clientSecret || secretSaved) return null;
  return `${L.clientSecret} is required to connect to Jobber: copy it from your app in Jobber's Developer Center.`;
}

/** The message for a broker update with no broker URL and none built in, or null. */
export function missingBrokerUrl(update: { connectThrough: ConnectThrough; brokerUrl: string }, builtInBroker: boolean): string | null {
  if (update.connectThrough !== 'broker' || update.brokerUrl.trim() !== '' || builtInBroker) return null;
  return `${L.brokerUrl} is required to connect through a broker, e.g. https://broker.example.com.`;
}

/**
 * A settings update (unknown keys refused): field rules, then the rules between fields. The output
 * is trimmed, and an empty secret is left out (keep the saved one). Whether a secret or a broker
 * URL must be given depends on what is saved and built in: `context` null skips those rules (the
 * IPC layer cannot know; the controller applies them).
 */
function updateSchema(context: SettingsContext | null) {
  const strict = z.strictObject(FIELD_RULES).check(
    z.superRefine((value, ctx) => {
      const modeProblem = checkRedirectForAuthMode(value.redirectUri, value.authMode);
      if (modeProblem) ctx.addIssue({ code: 'custom', path: ['redirectUri'], message: `${L.redirectUri} ${modeProblem}` });
      if (connectsDirectly(value) && value.clientId === '') {
        ctx.addIssue({
          code: 'custom',
          path: ['clientId'],
          message: `${L.clientId} is required to connect to Jobber: copy it from your app in Jobber's Developer Center.`,
        });
      }
      const secretProblem = context === null ? null : missingSecret(value, context.secretSaved);
      if (secretProblem) ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: secretProblem });
      const brokerProblem = context === null ? null : missingBrokerUrl(value, context.builtInBroker);
      if (brokerProblem) ctx.addIssue({ code: 'custom', path: ['brokerUrl'], message: brokerProblem });
    }),
  );
  return z.pipe(strict, z.transform(({ clientSecret, ...rest }: z.output<typeof strict>): SettingsUpdate => (clientSecret ? { ...rest, clientSecret } : rest)));
}

/** What main's save-settings channel accepts; the controller adds `missingSecret` and `missingBrokerUrl`. */
export const settingsUpdateSchema = updateSchema(null);

/** A settings update as sent (before trimming). */
export type SettingsInput = z.input<typeof settingsUpdateSchema>;

/** The non-secret settings as stored: each field's type and size, every field optional. */
const { clientSecret: _secretIsSealedSeparately, ...STORED_FIELD_TYPES } = FIELD_TYPES;
export const storedSettingsSchema = z.partial(z.object(STORED_FIELD_TYPES));
export type StoredPlainSettings = z.infer<typeof storedSettingsSchema>;

/** Each stored field's value when neither the saved settings nor the environment give one. */
export const SETTINGS_DEFAULTS = {
  mode: 'sandbox',
  connectThrough: 'this-computer',
  brokerUrl: '',
  clientId: '',
  redirectUri: DEFAULT_REDIRECT_URI,
  authMode: DEFAULT_AUTH_MODE,
  graphqlVersion: DEFAULT_GRAPHQL_VERSION,
  allowWeakStorage: false,
} as const satisfies Required<StoredPlainSettings>;

/** What a field's hint may depend on: facts about this install, never the draft. */
export interface HintContext {
  clientSecretSaved: boolean;
  builtInBrokerUrl: string | null;
}

/** How the settings form shows a field: the renderer draws every field from this table, in order. */
export type SettingsControl = (
  | { kind: 'choice'; options: ReadonlyArray<{ value: string; label: string }> }
  | { kind: 'text'; short?: boolean; numeric?: boolean; url?: boolean }
  | { kind: 'secret' }
  | { kind: 'checkbox'; warningWhenOn: string }
) & {
  hint: string | ((context: HintContext) => string);
  /** Whether the form shows the field for these choices (default: always); a hidden field keeps its value. */
  shownWhen?: (choices: { mode: Environment; connectThrough: ConnectThrough }) => boolean;
};

/** Through a broker, Jobber's client id and secret live on the broker: not asked for here. */
const throughBroker = ({ mode, connectThrough }: { mode: Environment; connectThrough: ConnectThrough }) => mode === 'jobber' && connectThrough === 'broker';

/** A choice field's options, one per value of its enum (a value without a label is a compile error). */
function choices<V extends string>(values: readonly V[], labels: { [K in V]: string }): ReadonlyArray<{ value: V; label: string }> {
  return values.map((value) => ({ value, label: labels[value] }));
}

export const SETTINGS_CONTROLS = {
  mode: {
    kind: 'choice',
    options: choices(ENVIRONMENTS, { jobber: 'Jobber', sandbox: 'Sandbox' }),
    hint: 'Sandbox uses a local stand-in for Jobber on this computer: no real account or data.',
  },
  connectThrough: {
    kind: 'choice',
    options: choices(CONNECT_THROUGH, { 'this-computer': 'This computer', broker: 'Broker (URL)' }),
    hint: 'A broker keeps the Jobber app’s client secret on a server, so this computer never needs it.',
    shownWhen: ({ mode }) => mode === 'jobber',
  },
  brokerUrl: {
    kind: 'text',
    url: true,
    hint: ({ builtInBrokerUrl }) =>
      `https://, or http:// only on this computer (127.0.0.1, localhost).${builtInBrokerUrl ? ` Leave empty to use the broker this app was built with (${builtInBrokerUrl}).` : ''}`,
    shownWhen: throughBroker,
  },
  clientId: { kind: 'text', hint: 'From your app’s page in Jobber’s Developer Center.', shownWhen: (choices) => !throughBroker(choices) },
  clientSecret: {
    kind: 'secret',
    shownWhen: (choices) => !throughBroker(choices),
    hint: ({ clientSecretSaved }) =>
      clientSecretSaved
        ? 'A secret is saved. Leave this empty to keep it, or type a new one to replace it.'
        : 'No secret is saved yet. It is stored encrypted and never shown again.',
  },
  redirectUri: { kind: 'text', hint: 'Must match the OAuth Callback URL registered for your app in Jobber exactly.' },
  authMode: {
    kind: 'choice',
    options: choices(AUTH_MODES, { 'app-window': 'App window', 'system-browser': 'System browser' }),
    hint: 'The system browser can reuse your existing Jobber sign-in; it needs a custom-scheme or 127.0.0.1 redirect URI.',
  },
  graphqlVersion: { kind: 'text', hint: `Sent as X-JOBBER-GRAPHQL-VERSION, for example ${DEFAULT_GRAPHQL_VERSION}.`, short: true, numeric: true },
  allowWeakStorage: {
    kind: 'checkbox',
    hint: 'Only for Linux without a keyring. Your Jobber sign-in is then saved without real encryption: anyone who can read your files can use it.',
    warningWhenOn: 'Weak storage is allowed. Turn this off as soon as a system keyring is available.',
  },
} as const satisfies { [F in SettingsField]: SettingsControl };

/** A control's hint for this install. */
export function hintFor(control: SettingsControl, context: HintContext): string {
  return typeof control.hint === 'function' ? control.hint(context) : control.hint;
}

export type FieldErrors = Partial<Record<SettingsField, string>>;

function isField(value: unknown): value is SettingsField {
  return typeof value === 'string' && Object.hasOwn(FIELD_TYPES, value);
}

/**
 * Turns schema issues into one message per field (the first), for the form. `pathOffset` skips the
 * leading tuple index when the issues come from an IPC argument list. zod's messages never repeat
 * the input value, so a mistyped secret is not reflected back.
 */
export function settingsFieldErrors(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }, pathOffset = 0): FieldErrors {
  const result: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[pathOffset];
    if (isField(field)) result[field] ??= issue.message;
    else result.mode ??= 'The settings could not be read.';
  }
  return result;
}

/** The whole validation, as the form runs it before sending and main runs it on save. */
export function validateSettings(
  input: unknown,
  context: SettingsContext,
): { ok: true; value: SettingsUpdate } | { ok: false; fieldErrors: FieldErrors } {
  const parsed = updateSchema(context).safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, fieldErrors: settingsFieldErrors(parsed.error) };
}
