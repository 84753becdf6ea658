import { describe, expect, it } from 'vitest';
import { getBridge, isBridge } from '../../renderer/bridge';
import { createFakeBridge, snapshot, states } from '../support/renderer/fixtures';

describe('bridge', () => {
  it('accepts an object with every contract method', () => {
    const fake = createFakeBridge(snapshot(states.disconnected()));
    expect(getBridge({ jobberConnect: fake.api })).toBe(fake.api);
  });

  it('rejects a missing or partial bridge', () => {
    expect(getBridge({})).toBeNull();
    expect(isBridge(null)).toBe(false);
    expect(isBridge({ getState: () => undefined })).toBe(false);
  });
});
