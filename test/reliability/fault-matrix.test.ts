/**
 * The fault matrix against the real sandbox: {code exchange, account fetch, refresh, API call} ×
 * {5xx, 429, timeout, dropped connection, truncated body, malformed JSON, wrong content type,
 * missing fields, revoked grant, old refresh token reused, clock skew ±10 min}. The cases and
 * their expected outcomes live in support/fault-matrix-table.ts (shared with `npm run bench`);
 * combinations that cannot happen are listed there with their reason and checked here for
 * completeness, never silently skipped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_IDS, FAULT_MATRIX, INAPPLICABLE_CELLS, OPERATIONS, PLAYED_CELLS, playCell } from './support/fault-matrix-table';

let passed = 0;

afterAll(() => {
  console.log(
    `fault matrix: ${PLAYED_CELLS.length} scenarios, ${passed} passed ` +
      `(${OPERATIONS.length} operations × ${FAULT_IDS.length} faults; ${INAPPLICABLE_CELLS.length} combinations not applicable)`,
  );
});

describe('fault matrix', () => {
  it.each(PLAYED_CELLS.map((cell) => [cell.operation, cell.fault, cell.expected, cell] as const))(
    '%s × %s → %s',
    async (_operation, _fault, _expected, cell) => {
      await playCell(cell);
      passed += 1;
    },
  );

  it('covers every operation × fault exactly once; each combination left out says why', () => {
    const keys = FAULT_MATRIX.map((cell) => `${cell.operation} × ${cell.fault}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(OPERATIONS.length * FAULT_IDS.length);
    for (const cell of INAPPLICABLE_CELLS) expect(cell.reason.length, `${cell.operation} × ${cell.fault}`).toBeGreaterThan(20);
    // Every fault is played against at least one operation, and every operation meets most faults.
    for (const fault of FAULT_IDS) expect(PLAYED_CELLS.some((cell) => cell.fault === fault), fault).toBe(true);
    for (const operation of OPERATIONS) {
      expect(PLAYED_CELLS.filter((cell) => cell.operation === operation).length, operation).toBeGreaterThanOrEqual(9);
    }
  });
});
