/**
 * Shared plumbing for the seeded fuzz tests: the seed (FUZZ_SEED overrides the fixed default), the
 * fast-check run options, and the one-line summary each test prints. A run is reproducible from
 * the seed alone; on failure fast-check's report also names the seed and the shrink path.
 */
import type { Parameters as FcParameters } from 'fast-check';

/** The seed every fuzz test in this folder uses unless FUZZ_SEED says otherwise. */
export const DEFAULT_FUZZ_SEED = 42;

/** FUZZ_SEED as a 32-bit integer, or the default. A malformed value is an error, not silently ignored. */
export function fuzzSeed(env: Record<string, string | undefined> = process.env): number {
  const raw = env.FUZZ_SEED;
  if (raw === undefined || raw.trim() === '') return DEFAULT_FUZZ_SEED;
  const value = Number(raw.trim());
  if (!Number.isSafeInteger(value)) throw new Error(`FUZZ_SEED must be an integer (got "${raw}").`);
  // fast-check seeds are 32-bit; fold larger values so any integer reproduces the same run.
  return value | 0;
}

/** fast-check parameters for a reproducible run of `numRuns` cases. */
export function fuzzParameters<T>(numRuns: number, seed: number = fuzzSeed()): FcParameters<T> {
  return { seed, numRuns, verbose: 1, endOnFailure: false };
}

/** Counters a fuzz property fills in while it runs. */
export interface FuzzStats {
  cases: number;
  crashes: number;
  acceptedInvalid: number;
  rejectedValid: number;
  /** Free-form tallies (outcome kinds, share of valid inputs) for the summary line. */
  tally: Map<string, number>;
}

export function newStats(): FuzzStats {
  return { cases: 0, crashes: 0, acceptedInvalid: 0, rejectedValid: 0, tally: new Map() };
}

export function count(stats: FuzzStats, key: string): void {
  stats.tally.set(key, (stats.tally.get(key) ?? 0) + 1);
}

/** Prints e.g. `fuzz: callback URLs 10000 cases, 0 crashes, 0 accepted invalid (seed 42)`. */
export function printSummary(label: string, stats: FuzzStats, seed: number = fuzzSeed()): string {
  const tallies = [...stats.tally.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  const line =
    `fuzz: ${label} ${stats.cases} cases, ${stats.crashes} crashes, ${stats.acceptedInvalid} accepted invalid, ` +
    `${stats.rejectedValid} rejected valid (seed ${seed})${tallies === '' ? '' : ` [${tallies}]`}`;
  console.log(line);
  return line;
}
