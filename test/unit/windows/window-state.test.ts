import { describe, expect, it } from 'vitest';
import { restoreBounds } from '../../../electron/windows/window-state';

describe('restoreBounds', () => {
  const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('keeps bounds that are on a display', () => {
    expect(restoreBounds({ x: 100, y: 100, width: 900, height: 700 }, displays)).toEqual({ x: 100, y: 100, width: 900, height: 700 });
  });
  it('drops bounds on a missing monitor or malformed data', () => {
    expect(restoreBounds({ x: 5000, y: 100, width: 900, height: 700 }, displays)).toBeNull();
    expect(restoreBounds({ x: 'a', y: 0, width: 900, height: 700 }, displays)).toBeNull();
    expect(restoreBounds(null, displays)).toBeNull();
  });
});
