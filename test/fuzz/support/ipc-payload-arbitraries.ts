/**
 * Generators for IPC request arguments as a compromised or buggy renderer could send them: any
 * structured-cloneable value (what Electron's IPC can carry), and settings updates built from
 * hand-labelled field values, so the oracle knows whether the IPC schema (types and sizes) and the
 * engine's validateSettingsUpdate (URL, date and credential rules) should accept them. Shared by
 * test/fuzz/ipc-payloads.test.ts (schemas) and test/security/ipc-fuzz.test.ts (the wrapper).
 */
import fc from 'fast-check';
import { INVOKE_CHANNELS, type InvokeChannel } from '../../../electron/ipc/contract';

const ABSENT = Symbol('absent');

/** One candidate value for a settings field and what each layer should make of it. */
export interface FieldChoice {
  value: unknown;
  /** Passes the IPC schema (type and size). */
  ipc: boolean;
  /** Passes validateSettingsUpdate's rule for this field. */
  engine: boolean;
  /** Non-empty after trimming (client id and secret only). */
  filled: boolean;
}

const ok = (value: unknown, filled = true): FieldChoice => ({ value, ipc: true, engine: true, filled });
const badBoth = (value: unknown): FieldChoice => ({ value, ipc: false, engine: false, filled: false });
const badEngine = (value: unknown, filled = true): FieldChoice => ({ value, ipc: true, engine: false, filled });

const FIELDS = {
  mode: { valid: [ok('jobber'), ok('sandbox')], invalid: [badBoth('Jobber'), badBoth('JOBBER'), badBoth(''), badBoth('prod'), badBoth(null), badBoth(1)] },
  clientId: {
    valid: [ok(''), ok('abc123'), ok('  abc-123  '), ok('a'.repeat(256)), ok('Ü-id_42'), ok(ABSENT, false)].map((c) =>
      c.value === '' ? { ...c, filled: false } : c,
    ),
    invalid: [
      badEngine('a b'),
      badEngine('a\tb'),
      badEngine('a\u00a0b'),
      badEngine('id\u2028line'),
      // Engine allows 512 after trimming; the IPC schema stops at 256.
      { value: 'a'.repeat(512), ipc: false, engine: true, filled: true },
      badBoth('a'.repeat(513)),
      badBoth(123),
      badBoth(null),
      badBoth(true),
      badBoth(['abc']),
    ],
  },
  clientSecret: {
    valid: [ok(ABSENT, false), ok(undefined, false), ok('', false), ok('   ', false), ok('secret-0123456789abcdef'), ok('s'.repeat(512))],
    invalid: [
      badEngine('secret with spaces-0123'),
      badEngine('s'.repeat(513)),
      { value: 's'.repeat(1025), ipc: false, engine: false, filled: true },
      badBoth(null),
      badBoth(42),
      badBoth({ secret: 'x' }),
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
      ok('myapp://callback'),
    ],
    invalid: [
      badEngine(''),
      badEngine('   '),
      badEngine('not a url'),
      badEngine('javascript:alert(1)'),
      badEngine('data:text/html,<script>alert(1)</script>'),
      badEngine('file:///etc/passwd'),
      badEngine('http://example.com/cb'),
      badEngine('https://user:pw@example.com/cb'),
      badEngine('https://example.com/cb#frag'),
      badEngine('com.jobberconnect.app:'),
      badEngine('blob:https://example.com/x'),
      badEngine('ws://127.0.0.1/x'),
      badEngine('about:blank'),
      badEngine('chrome://settings'),
      // A usable URL, but longer than the IPC schema's 2,048 characters.
      { value: `https://example.com/${'a'.repeat(2100)}`, ipc: false, engine: true, filled: true },
      badBoth(null),
      badBoth(7),
    ],
  },
  authMode: { valid: [ok('app-window'), ok('system-browser')], invalid: [badBoth('browser'), badBoth(''), badBoth('APP-WINDOW'), badBoth(null), badBoth(0)] },
  graphqlVersion: {
    valid: [ok('2025-04-16'), ok('2024-02-29'), ok(' 2025-01-01 ')],
    invalid: [
      badEngine('2023-02-29'),
      badEngine('2025-13-01'),
      badEngine('2025-4-16'),
      badEngine('latest'),
      badEngine(''),
      badEngine('２０２５-04-16'),
      badEngine('2025-04-16T00:00:00.000Z'),
      badBoth('2025-04-16'.padEnd(40, 'x')),
      badBoth(20250416),
      badBoth(null),
    ],
  },
  allowWeakStorage: { valid: [ok(true), ok(false)], invalid: [badBoth('true'), badBoth(0), badBoth(1), badBoth(null), badBoth('')] },
} as const satisfies Record<string, { valid: FieldChoice[]; invalid: FieldChoice[] }>;

type FieldName = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/** Fields a correct value may omit: the IPC schema makes only clientSecret optional; the engine also defaults clientId. */
const IPC_OPTIONAL: ReadonlySet<FieldName> = new Set(['clientSecret']);
const ENGINE_OPTIONAL: ReadonlySet<FieldName> = new Set(['clientSecret', 'clientId']);

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

/** Whether INPUT_SCHEMAS['save-settings'] should accept `[settings]`. */
export function ipcAccepts(recipe: SettingsRecipe): boolean {
  if (recipe.extras.length > 0) return false;
  return FIELD_NAMES.every((name) => {
    const choice = recipe.choices[name];
    // An explicit `undefined` for the optional secret counts as leaving it out.
    if (!present(choice)) return IPC_OPTIONAL.has(name);
    return choice.ipc;
  });
}

/** Whether validateSettingsUpdate should accept the settings object. */
export function engineAccepts(recipe: SettingsRecipe): boolean {
  const fieldsOk = FIELD_NAMES.every((name) => {
    const choice = recipe.choices[name];
    if (!present(choice)) return ENGINE_OPTIONAL.has(name);
    return choice.engine;
  });
  if (!fieldsOk) return false;
  const mode = recipe.choices.mode?.value;
  if (mode === 'jobber') {
    const idFilled = present(recipe.choices.clientId) && recipe.choices.clientId.filled;
    const secretFilled = present(recipe.choices.clientSecret) && recipe.choices.clientSecret.filled;
    if (!idFilled || !(secretFilled || recipe.hasSavedSecret)) return false;
  }
  return true;
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
        valid: trailing.length === 0 && ipcAccepts(recipe),
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
