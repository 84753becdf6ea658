/**
 * Fuzzing the OAuth callback parser with 10,000 generated URLs (valid ones included, so acceptance
 * is proven as well as refusal). Seeded: FUZZ_SEED reproduces a run; a failure report names the
 * seed and the shrink path. See test/support/fuzz/callback-url-arbitraries.ts for the generator and oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCallback } from '../../electron/auth/callback-parser';
import { AuthError, type AuthErrorKind } from '../../electron/core/errors';
import { PENDING_REQUEST_TTL_MS, PendingRequests } from '../../electron/auth/pending-requests';
import type { Clock } from '../../electron/core/clock';
import { clearRegisteredSecrets } from '../../electron/core/redact';
import { buildCase, callbackRecipe, type CallbackRecipe } from '../support/fuzz/callback-url-arbitraries';
import { count, fuzzParameters, fuzzSeed, newStats, printSummary } from '../support/fuzz/fuzz-run';

const CALLBACK_KINDS: ReadonlySet<AuthErrorKind> = new Set([
  'denied',
  'state-mismatch',
  'unknown-state',
  'expired-state',
  'missing-code',
  'stateless-callback',
  'malformed-callback',
]);

const NUM_RUNS = 10_000;

/** A clock that only moves when told: the TTL is crossed deliberately, never by a slow run. */
function manualClock(start: number): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    setTimer: () => 0,
    clearTimer: () => undefined,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Registers the recipe's pending requests (fed its own state bytes) and ages or cancels them. */
function pendingFor(recipe: CallbackRecipe): PendingRequests {
  const clock = manualClock(Date.UTC(2025, 5, 2, 9, 0, 0));
  const queue = [...recipe.stateBytes];
  // Each request draws its state, then its PKCE verifier: only the states come from the recipe.
  let draws = 0;
  const pending = new PendingRequests(clock, {
    randomBytes: (size) => ((draws++ % 2 === 0 ? queue.shift() : undefined) ?? new Uint8Array(size)),
  });
  for (let i = 0; i < recipe.pendingCount; i += 1) pending.create();
  if (recipe.pending === 'expired') clock.advance(PENDING_REQUEST_TTL_MS + 1);
  if (recipe.pending === 'cancelled') pending.cancelAll();
  return pending;
}

/** Values worth looking for in a message: long enough not to occur in ordinary prose. */
function leakable(values: string[]): string[] {
  return [...new Set(values)].filter((v) => v.length >= 8 && v.trim() !== '');
}

describe('fuzz: callback URLs', () => {
  it(`accepts exactly the valid callbacks among ${NUM_RUNS} generated URLs, never throws, never leaks`, () => {
    const seed = fuzzSeed();
    const stats = newStats();
    try {
      fc.assert(
        fc.property(callbackRecipe, (recipe) => {
          stats.cases += 1;
          // Each case is a fresh process as far as the redaction registry goes (keeps cases
          // independent; huge secrets are covered on their own in redact-huge-secret.test.ts).
          clearRegisteredSecrets();
          const c = buildCase(recipe);
          const pending = pendingFor(recipe);
          let result: ReturnType<typeof parseCallback>;
          try {
            result = parseCallback(c.url, c.redirectUri, pending);
          } catch (error) {
            stats.crashes += 1;
            throw new Error(`parseCallback threw for ${JSON.stringify(c.url.slice(0, 300))}: ${String(error)}`);
          }

          if (result.ok) {
            count(stats, 'ok');
            if (!c.expectValid) {
              stats.acceptedInvalid += 1;
              throw new Error(`accepted an invalid callback: ${JSON.stringify(c.url.slice(0, 300))}`);
            }
            const code = c.params.find(([name]) => name === 'code')?.[1];
            expect(result.code).toBe(code);
            // Single use: the same URL a second time must be refused.
            const replay = parseCallback(c.url, c.redirectUri, pending);
            expect(replay.ok).toBe(false);
            return;
          }

          const { error } = result;
          count(stats, error.kind);
          if (c.expectValid) {
            stats.rejectedValid += 1;
            throw new Error(`refused a valid callback (${error.kind}): ${JSON.stringify(c.url.slice(0, 300))}`);
          }
          expect(error).toBeInstanceOf(AuthError);
          expect(CALLBACK_KINDS.has(error.kind), `unexpected kind ${error.kind}`).toBe(true);
          if (!c.addressSame) expect(error.kind).toBe('malformed-callback');
          if (c.addressSame && c.params.length === 0) expect(error.kind).toBe('denied');
          expect(error.message.length).toBeGreaterThan(0);
          for (const secret of leakable(c.secrets)) {
            if (error.message.includes(secret)) throw new Error(`the ${error.kind} message repeats a code or state value`);
          }
        }),
        fuzzParameters(NUM_RUNS, seed),
      );
    } finally {
      printSummary('callback URLs', stats, seed);
    }
    expect(stats.crashes).toBe(0);
    expect(stats.acceptedInvalid).toBe(0);
    expect(stats.rejectedValid).toBe(0);
    // The mix must exercise both sides, or the oracle proves nothing.
    expect(stats.tally.get('ok') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
    expect(stats.tally.get('malformed-callback') ?? 0).toBeGreaterThan(NUM_RUNS / 20);
  });
});
