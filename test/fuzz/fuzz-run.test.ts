/** The seed plumbing every fuzz test relies on for reproducible runs. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FUZZ_SEED, fuzzParameters, fuzzSeed } from '../support/fuzz/fuzz-run';

describe('fuzz seed', () => {
  it('defaults to the fixed seed and honours FUZZ_SEED', () => {
    expect(fuzzSeed({})).toBe(DEFAULT_FUZZ_SEED);
    expect(fuzzSeed({ FUZZ_SEED: ' 1234 ' })).toBe(1234);
    expect(fuzzSeed({ FUZZ_SEED: '-7' })).toBe(-7);
    expect(fuzzParameters(10, 99)).toMatchObject({ seed: 99, numRuns: 10 });
  });

  it('refuses a malformed FUZZ_SEED instead of silently using another seed', () => {
    expect(() => fuzzSeed({ FUZZ_SEED: 'abc' })).toThrow(/FUZZ_SEED/);
    expect(() => fuzzSeed({ FUZZ_SEED: '1.5' })).toThrow(/FUZZ_SEED/);
  });
});
