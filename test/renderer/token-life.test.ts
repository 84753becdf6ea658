import { describe, expect, it } from 'vitest';
import { remainingFraction } from '../../renderer/components/token-life';

describe('token life', () => {
  it('computes the token’s remaining fraction, clamped', () => {
    expect(remainingFraction(0, 100, 25)).toBe(0.75);
    expect(remainingFraction(0, 100, 200)).toBe(0);
    expect(remainingFraction(100, 100, 0)).toBe(0);
  });
});
