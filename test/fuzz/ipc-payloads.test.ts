/**
 * Fuzzing the IPC input layer with 1,000 generated argument lists: every channel's input schema in
 * INVOKE_CONTRACT (what the typed wrapper in electron/ipc/ipc-main.ts applies before any handler
 * runs), the save-settings refusal (a message per field), and validateSettings (the same settings
 * rules, as the form and the controller run them). Arguments are structured-cloned first, as Electron's IPC does.
 * The wrapper itself (sender check, refusals) is fuzzed in test/security/ipc-fuzz.test.ts, which
 * needs the stubbed `electron` module.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVOKE_CONTRACT } from '../../electron/ipc/contract';
import { validateSettings } from '../../electron/ipc/settings-schema';
import { count, fuzzParameters, fuzzSeed, newStats, printSummary } from '../support/fuzz/fuzz-run';
import { settingsAccepted, ipcCall, settingsRecipe, buildSettings, submittedSecret } from '../support/fuzz/ipc-payload-arbitraries';

const SETTINGS_FIELDS = new Set(['mode', 'connectThrough', 'brokerUrl', 'clientId', 'clientSecret', 'redirectUri', 'authMode', 'graphqlVersion', 'allowWeakStorage']);
const NUM_RUNS = 1_000;

function expectFieldErrors(fieldErrors: unknown, secret: string | null): void {
  expect(typeof fieldErrors).toBe('object');
  const entries = Object.entries(fieldErrors as Record<string, unknown>);
  expect(entries.length).toBeGreaterThan(0);
  for (const [field, message] of entries) {
    expect(SETTINGS_FIELDS.has(field), `unknown field ${field}`).toBe(true);
    expect(typeof message).toBe('string');
    expect((message as string).length).toBeGreaterThan(0);
    if (secret !== null && (message as string).includes(secret)) throw new Error(`the ${field} message repeats the submitted secret`);
  }
}

describe('fuzz: IPC payloads', () => {
  it(`the input schemas accept exactly the well-formed arguments among ${NUM_RUNS} generated calls`, () => {
    const seed = fuzzSeed();
    const stats = newStats();
    try {
      fc.assert(
        fc.property(ipcCall, (call) => {
          stats.cases += 1;
          const args = structuredClone(call.args);
          let parsed: ReturnType<(typeof INVOKE_CONTRACT)[typeof call.channel]['input']['safeParse']>;
          try {
            parsed = INVOKE_CONTRACT[call.channel].input.safeParse(args);
          } catch (error) {
            stats.crashes += 1;
            throw new Error(`the ${call.channel} schema threw: ${String(error)}`);
          }
          if (parsed.success && !call.valid) {
            stats.acceptedInvalid += 1;
            throw new Error(`${call.channel} accepted ${JSON.stringify(args, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 300)}`);
          }
          if (!parsed.success && call.valid) {
            stats.rejectedValid += 1;
            throw new Error(`${call.channel} refused a well-formed call: ${parsed.error.message.slice(0, 300)}`);
          }
          count(stats, parsed.success ? 'accepted' : 'refused');
          if (!parsed.success && call.channel === 'save-settings') {
            // The wrapper's typed refusal for this channel.
            const refusal = INVOKE_CONTRACT['save-settings'].answer.refuse?.({ kind: 'invalid-input', message: 'refused' }, parsed.error);
            expect(refusal?.ok).toBe(false);
            if (refusal && !refusal.ok) expectFieldErrors(refusal.fieldErrors, submittedSecret(call.settings));
          }
        }),
        fuzzParameters(NUM_RUNS, seed),
      );
    } finally {
      printSummary('IPC payloads (schemas)', stats, seed);
    }
    expect(stats.crashes + stats.acceptedInvalid + stats.rejectedValid).toBe(0);
    expect(stats.tally.get('accepted') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
    expect(stats.tally.get('refused') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
  });

  it(`validateSettings accepts exactly the valid updates among ${NUM_RUNS} generated ones, and any value at all without throwing`, () => {
    const seed = fuzzSeed();
    const stats = newStats();
    const input = fc.oneof(
      { arbitrary: settingsRecipe.map((recipe) => ({ recipe, value: structuredClone(buildSettings(recipe)) as unknown })), weight: 4 },
      // Whatever a renderer might put first in an argument list (a labelled update or anything at all).
      { arbitrary: ipcCall.map((call) => ({ recipe: call.settings, value: structuredClone(call.args[0]) })), weight: 1 },
    );
    try {
      fc.assert(
        fc.property(input, fc.boolean(), fc.boolean(), ({ recipe, value }, savedSecret, builtIn) => {
          stats.cases += 1;
          const hasSavedSecret = recipe?.hasSavedSecret ?? savedSecret;
          const builtInBroker = recipe?.builtInBroker ?? builtIn;
          let result: ReturnType<typeof validateSettings>;
          try {
            result = validateSettings(value, { secretSaved: hasSavedSecret, builtInBroker });
          } catch (error) {
            stats.crashes += 1;
            throw new Error(`validateSettings threw: ${String(error)}`);
          }
          const expected = recipe !== null ? settingsAccepted(recipe) : false;
          if (result.ok && !expected) {
            stats.acceptedInvalid += 1;
            throw new Error(`accepted ${JSON.stringify(value)?.slice(0, 300)}`);
          }
          if (!result.ok && expected) {
            stats.rejectedValid += 1;
            throw new Error(`refused a valid update (${JSON.stringify(result.fieldErrors)}): ${JSON.stringify(value)?.slice(0, 300)}`);
          }
          count(stats, result.ok ? 'accepted' : 'refused');
          if (result.ok) {
            const v = result.value;
            expect(['jobber', 'sandbox']).toContain(v.mode);
            expect(['app-window', 'system-browser']).toContain(v.authMode);
            expect(typeof v.allowWeakStorage).toBe('boolean');
            for (const text of [v.clientId, v.redirectUri, v.graphqlVersion]) expect(text).toBe(text.trim());
            if (v.clientSecret !== undefined) expect(v.clientSecret.length).toBeGreaterThan(0);
            // Unknown keys (apiBaseUrl, __proto__, constructor) never pass through.
            expect(Object.keys(v).every((key) => SETTINGS_FIELDS.has(key))).toBe(true);
          } else {
            expectFieldErrors(result.fieldErrors, submittedSecret(recipe));
          }
        }),
        fuzzParameters(NUM_RUNS, seed),
      );
    } finally {
      printSummary('IPC payloads (settings validation)', stats, seed);
    }
    expect(stats.crashes + stats.acceptedInvalid + stats.rejectedValid).toBe(0);
    expect(stats.tally.get('accepted') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
  });
});
