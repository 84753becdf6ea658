import { describe, expect, it } from 'vitest';
import { parseExpiresAt } from '../../../electron/auth/token-response-schema';

describe('parseExpiresAt', () => {
  it.each<[string, number | null]>([
    ['2024-04-09 21:04:31 UTC', Date.UTC(2024, 3, 9, 21, 4, 31)],
    ['2024-04-09T21:04:31Z', Date.UTC(2024, 3, 9, 21, 4, 31)],
    ['2024-04-09T21:04:31.250Z', Date.UTC(2024, 3, 9, 21, 4, 31, 250)],
    ['2024-04-09 21:04:31', Date.UTC(2024, 3, 9, 21, 4, 31)],
    ['2024-04-09T23:04:31+02:00', Date.UTC(2024, 3, 9, 21, 4, 31)],
    ['2024-04-09T16:04:31-0500', Date.UTC(2024, 3, 9, 21, 4, 31)],
    ['2024-02-30 00:00:00 UTC', null],
    ['2024-13-01 00:00:00 UTC', null],
    ['2024-04-09 25:00:00 UTC', null],
    ['tomorrow', null],
    ['', null],
  ])('parses %s', (text, expected) => {
    expect(parseExpiresAt(text)).toBe(expected);
  });
});
