import { describe, expect, it } from 'vitest';
import { describeDuration, formatCountdown, formatRelative } from '../../renderer/time-format';

describe('time format', () => {
  it('formats countdowns', () => {
    expect(formatCountdown(45 * 60_000)).toBe('45:00');
    expect(formatCountdown(5_900)).toBe('0:05');
    expect(formatCountdown(3_661_000)).toBe('1:01:01');
    expect(formatCountdown(-5)).toBe('0:00');
  });

  it('spells durations out', () => {
    expect(describeDuration(61_000)).toBe('1 minute 1 second');
    expect(describeDuration(0)).toBe('0 seconds');
    expect(describeDuration(7_200_000)).toBe('2 hours');
  });

  it('picks the largest whole unit for relative times', () => {
    expect(formatRelative(1_000 + 90_000, 1_000)).toMatch(/in 1 minute/);
    expect(formatRelative(0, 3 * 3_600_000)).toMatch(/3 hours ago/);
  });
});
