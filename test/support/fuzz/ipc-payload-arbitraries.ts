/**
 * Generators for IPC request arguments as a compromised or buggy renderer could send them: any
 * structured-cloneable value (what Electron's IPC can carry), and settings updates built from
 * hand-labelled field values, so the oracle knows whether the settings schema (the save-settings
 * input) and validateSettings (the same rules plus "a secret is needed when none is saved") should
 * accept them. Shared by test/fuzz/ipc-payloads.test.ts (schemas) and
 * test/security/ipc-fuzz.test.ts (the wrapper).
 */
import fc from 'fast-check';
import { INVOKE_CHANNELS, type InvokeChannel } from '../../../electron/ipc/channels';

const ABSENT = Symbol('absent');

/** One candidate value for a settings field and whether the field's rule accepts it. */
export interface FieldChoice {
  value: unknown;
  /** Passes the settings schema's rule for this field. */
  valid: boolean;
  /** Non-empty after trimming (client id and secret only). */
  filled: boolean;
}

const ok = (value: unknown, filled = true): FieldChoice => ({ value, valid: true, filled });
const bad = (value: unknown): FieldChoice => ({ value, valid: false, filled: false });

const FIELDS = {
  mode: { valid: [ok('jobber'), ok('sandbox')], invalid: [bad('Jobber'), bad('JOBBER'), bad(''), bad('prod'), bad(null), bad(1)] },
  connectThrough: { valid: [ok('this-computer'), ok('broker')], invalid: [bad('Broker'), bad(''), bad('server'), bad(null), bad(true)] },
  brokerUrl: {
    // Empty: the broker built into the app, if any (required only when connecting through one).
    valid: [ok('', false), ok('   ', false), ok('https://broker.example.com'), ok('http://127.0.0.1:8787'), ok(' https://broker.example.com:8443/ ')],
    invalid: [
      bad('http://broker.example.com'),
      bad('https://broker.example.com/v1'),
      bad('https://user:pw@broker.example.com'),
      bad('https://broker.example.com?x=1'),
      bad('not a url'),
      bad(`https://${'b'.repeat(2100)}.example.com`),
      bad(null),
      bad(8787),
    ],
  },
  clientId: {
    valid: [ok('', false), ok('abc123'), ok('  abc-123  '), ok('a'.repeat(512)), ok('Ü-id_42')],
    invalid: [
      bad('a b'),
      bad('a\tb'),
      bad('a\u00a0b'),
      bad('id\u2028line'),
      // One cap of 512 for both credentials (the layers used to disagree: 256 and 512).
      bad('a'.repeat(513)),
      bad(ABSENT),
      bad(123),
      bad(null),
      bad(true),
      bad(['abc']),
    ],
  },
  clientSecret: {
    valid: [ok(ABSENT, false), ok(undefined, false), ok('', false), ok('   ', false), ok('secret-0123456789abcdef'), ok('s'.repeat(512))],
    invalid: [
      bad('secret with spaces-0123'),
      bad('s'.repeat(513)),
      bad('s'.repeat(1025)),
      bad(null),
      bad(42),
      bad({ secret: 'x' }),
    ],
  },
  redirectUri: {
    valid: [
      ok('com.jobberconnect.app:/oauth/callback'),
      ok('https://example.com/auth/jobber'),
      ok('http://127.0.0.1:53682/cb'),
      ok('http://localhost:3000/auth'),
      ok('HTTP://LOCALHOST:3000/auth'),
      ok('http://[::1]:8080/x'),
      ok('  com.jobberconnect.app:/oauth/callback  '),
    ],
    invalid: [
      bad(''),
      bad('   '),
      bad('not a url'),
      bad('javascript:alert(1)'),
      bad('data:text/html,<script>alert(1)</script>'),
      bad('file:///etc/passwd'),
      bad('http://example.com/cb'),
      bad('https://user:pw@example.com/cb'),
      bad('https://example.com/cb#frag'),
      bad('com.jobberconnect.app:'),
      bad('blob:https://example.com/x'),
      bad('ws://127.0.0.1/x'),
      bad('about:blank'),
      bad('chrome://settings'),
      // RFC 8252 §7.1: a custom scheme must be a reverse domain name.
      bad('myapp://callback'),
      // A usable URL, but longer than 2,048 characters.
      bad(`https://example.com/${'a'.repeat(2100)}`),
      bad(null),
      bad(7),
    ],
  },
  authMode: { valid: [ok('app-window'), ok('system-browser')], invalid: [bad('browser'), bad(''), bad('APP-WINDOW'), bad(null), bad(0)] },
  graphqlVersion: {
    valid: [ok('2025-04-16'), ok('2024-02-29'), ok(' 2025-01-01 ')],
    invalid: [
      bad('2023-02-29'),
      bad('2025-13-01'),
      bad('2025-4-16'),
      bad('latest'),
      bad(''),
      bad('２０２５-04-16'),
      bad('2025-04-16T00:00:00.000Z'),
      bad('2025-04-16'.padEnd(40, 'x')),
      bad(20250416),
      bad(null),
    ],
  },
  allowWeakStorage: { valid: [ok(true), ok(false)], invalid: [bad('true'), bad(0), bad(1), bad(null), bad('')] },
} as const satisfies Record<string, { valid: FieldChoice[]; invalid: FieldChoice[] }>;

type FieldName = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/** Fields an update may omit: the secret (keep the saved one), the broker fields (this computer, no URL). */
const OPTIONAL: ReadonlySet<FieldName> = new Set(['clientSecret', 'connectThrough', 'brokerUrl']);

/** A key a renderer should not send; `__proto__` is an own key (as JSON.parse makes it). */
interface ExtraKey {
  key: string;
  value: unknown;
}

const EXTRA_KEYS: ExtraKey[] = [
  { key: 'apiBaseUrl', value: 'https://evil.example' },
  { key: '__proto__', value: { allowWeakStorage: true } },
  { key: 'constructor', value: { prototype: { polluted: true } } },
  { key: 'clientSecretSaved', value: true },
  { key: '', value: '' },
];

export interface SettingsRecipe {
  choices: Record<FieldName, FieldChoice | null>;
  extras: ExtraKey[];
  hasSavedSecret: boolean;
  /** This copy of the app has a broker built in (an empty broker URL then means that one). */
  builtInBroker: boolean;
}

function fieldArb(name: FieldName): fc.Arbitrary<FieldChoice | null> {
  const { valid, invalid } = FIELDS[name];
  return fc.oneof(
    { arbitrary: fc.constantFrom<FieldChoice>(...valid), weight: 12 },
    { arbitrary: fc.constantFrom<FieldChoice>(...invalid), weight: 1 },
    // The key left out entirely.
    { arbitrary: fc.constant(null), weight: 1 },
  );
}

export const settingsRecipe: fc.Arbitrary<SettingsRecipe> = fc.record({
  choices: fc.record(Object.fromEntries(FIELD_NAMES.map((name) => [name, fieldArb(name)])) as Record<FieldName, fc.Arbitrary<FieldChoice | null>>),
  extras: fc.oneof({ arbitrary: fc.constant<ExtraKey[]>([]), weight: 8 }, { arbitrary: fc.subarray(EXTRA_KEYS, { minLength: 1 }), weight: 1 }),
  hasSavedSecret: fc.boolean(),
  builtInBroker: fc.boolean(),
});

/** The settings object the recipe describes (own keys only, as after structured cloning). */
export function buildSettings(recipe: SettingsRecipe): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) {
    const choice = recipe.choices[name];
    if (choice !== null && choice.value !== ABSENT) out[name] = choice.value;
  }
  for (const { key, value } of recipe.extras) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

function present(choice: FieldChoice | null): choice is FieldChoice {
  return choice !== null && choice.value !== ABSENT;
}

/** Whether the settings schema (the save-settings input) should accept the settings object. */
export function schemaAccepts(recipe: SettingsRecipe): boolean {
  if (recipe.extras.length > 0) return false;
  const fieldsOk = FIELD_NAMES.every((name) => {
    const choice = recipe.choices[name];
    // An explicit `undefined` for the optional secret counts as leaving it out.
    if (!present(choice)) return OPTIONAL.has(name);
    return choice.valid;
  });
  if (!fieldsOk) return false;
  // Jobber mode on this computer needs a client id (through a broker, the broker holds it).
  return !connectsDirectly(recipe) || (present(recipe.choices.clientId) && recipe.choices.clientId.filled);
}

/** "Connect through" as the update says it, this computer when left out. */
function connectThrough(recipe: SettingsRecipe): unknown {
  const choice = recipe.choices.connectThrough;
  return present(choice) ? choice.value : 'this-computer';
}

function connectsDirectly(recipe: SettingsRecipe): boolean {
  return recipe.choices.mode?.value === 'jobber' && connectThrough(recipe) === 'this-computer';
}

/**
 * Whether validateSettings should accept it: the schema, plus a secret when connecting directly
 * unless one is saved, and a broker URL when connecting through a broker unless one is built in.
 */
export function settingsAccepted(recipe: SettingsRecipe): boolean {
  if (!schemaAccepts(recipe)) return false;
  const secretFilled = present(recipe.choices.clientSecret) && recipe.choices.clientSecret.filled;
  if (connectsDirectly(recipe) && !secretFilled && !recipe.hasSavedSecret) return false;
  const brokerUrlFilled = present(recipe.choices.brokerUrl) && recipe.choices.brokerUrl.filled;
  return connectThrough(recipe) !== 'broker' || brokerUrlFilled || recipe.builtInBroker;
}

/** A value Electron's IPC could carry: anything structured clone accepts. */
export const cloneableValue: fc.Arbitrary<unknown> = fc
  .anything({
    maxDepth: 3,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withNullPrototype: true,
    withSparseArray: true,
    withBoxedValues: true,
  })
  .map((value) => {
    try {
      return structuredClone(value);
    } catch {
      return null;
    }
  });

/** Arguments for one invoke call and whether the channel's schema should accept them. */
export interface IpcCall {
  channel: InvokeChannel;
  args: unknown[];
  /** The oracle: the schema accepts exactly these. */
  valid: boolean;
  /** For save-settings built from a recipe: the recipe (to check the engine's verdict too). */
  settings: SettingsRecipe | null;
}

const channelArb = fc.constantFrom<InvokeChannel>(...INVOKE_CHANNELS);

const randomArgs = fc.oneof(
  { arbitrary: fc.constant<unknown[]>([]), weight: 2 },
  { arbitrary: fc.array(cloneableValue, { minLength: 1, maxLength: 3 }), weight: 5 },
  {
    arbitrary: fc.constantFrom<unknown[]>([undefined], [null], [{}], [[]], ['save-settings'], [{ mode: 'sandbox' }], ['x'.repeat(100_000)], [new Uint8Array(50_000)]),
    weight: 1,
  },
);

/**
 * The mix: random arguments for any channel (valid only when a no-argument channel gets none) and
 * labelled settings updates for save-settings, sometimes with a stray second argument.
 */
export const ipcCall: fc.Arbitrary<IpcCall> = fc.oneof(
  {
    arbitrary: fc.record({ channel: channelArb, args: randomArgs }).map(({ channel, args }) => ({
      channel,
      args,
      valid: channel !== 'save-settings' && args.length === 0,
      settings: null,
    })),
    weight: 2,
  },
  {
    arbitrary: fc
      .record({ recipe: settingsRecipe, trailing: fc.oneof({ arbitrary: fc.constant<unknown[]>([]), weight: 9 }, { arbitrary: fc.array(cloneableValue, { minLength: 1, maxLength: 2 }), weight: 1 }) })
      .map(({ recipe, trailing }) => ({
        channel: 'save-settings' as const,
        args: [buildSettings(recipe), ...trailing],
        valid: trailing.length === 0 && schemaAccepts(recipe),
        settings: recipe,
      })),
    weight: 3,
  },
);

/** Secret-looking values a settings update may carry; no message may repeat them. */
export function submittedSecret(recipe: SettingsRecipe | null): string | null {
  const value = recipe?.choices.clientSecret?.value;
  return typeof value === 'string' && value.trim().length >= 8 ? value : null;
}
