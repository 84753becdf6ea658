import { describe, expect, it } from 'vitest';
import { nextWindowStart } from '../../../electron/jobber/request-budget';

describe('nextWindowStart', () => {
  it('Rack::Attack windows start at whole multiples of 300 s', () => {
    expect(nextWindowStart(Date.UTC(2025, 5, 2, 9, 0, 0))).toBe(Date.UTC(2025, 5, 2, 9, 5, 0));
    expect(nextWindowStart(Date.UTC(2025, 5, 2, 9, 4, 59))).toBe(Date.UTC(2025, 5, 2, 9, 5, 0));
  });
});
