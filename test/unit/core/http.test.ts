import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseRetryAfter } from '../../../electron/core/http';
import { parseRetryAfter as tokenClientParse } from '../../../electron/auth/token-client';
import { parseRetryAfter as graphqlParse } from '../../../electron/jobber/graphql-client';

const NOW = Date.UTC(2025, 5, 2, 9, 0, 0);

describe('parseRetryAfter (one implementation for the token and GraphQL clients)', () => {
  it('is the same function wherever it is imported from', () => {
    expect(tokenClientParse).toBe(parseRetryAfter);
    expect(graphqlParse).toBe(parseRetryAfter);
  });

  it.each<[unknown, number | undefined]>([
    ['0', 0],
    ['120', 120_000],
    [' 5 ', 5_000],
    [new Date(NOW + 10_000).toUTCString(), 10_000],
    [new Date(NOW - 10_000).toUTCString(), 0],
    // Not delay-seconds and not a date: never read as a year or a float.
    ['1e3', undefined],
    ['1.5', undefined],
    ['-3', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
    [42, undefined],
  ])('parses %s', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('clamps an absurd delay to a finite number (it still means "wait long")', () => {
    const ms = parseRetryAfter('9'.repeat(400), NOW);
    expect(Number.isFinite(ms)).toBe(true);
    expect(ms).toBeGreaterThan(0);
  });
});

describe('parseHttpDate', () => {
  it('reads an HTTP date and refuses anything else', () => {
    expect(parseHttpDate(new Date(NOW).toUTCString())).toBe(NOW);
    expect(parseHttpDate('1700000000')).toBeNull();
    expect(parseHttpDate('not a date')).toBeNull();
    expect(parseHttpDate(undefined)).toBeNull();
  });
});
