import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseRetryAfter } from '../../../electron/core/http';

const NOW = Date.UTC(2025, 5, 2, 9, 0, 0);

describe('parseRetryAfter (one implementation for the token and GraphQL clients)', () => {
  it('reads an HTTP date to the second', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(5_000);
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
