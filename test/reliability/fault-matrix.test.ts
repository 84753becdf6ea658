/**
 * The fault matrix against the real sandbox: {code exchange, account fetch, refresh, API call} ×
 * {5xx, 429, timeout, dropped connection, truncated body, malformed JSON, wrong content type,
 * missing fields, revoked grant, old refresh token reused, clock skew ±10 min, and the faults that
 * strike after Jobber committed}. The cases and their expected outcomes live in
 * test/support/reliability/fault-matrix-table.ts (shared with `npm run bench`); combinations that
 * cannot happen are listed there with their reason and checked here for completeness, never
 * silently skipped.
 *
 * The mutation check at the end plays the clock-skew cells against a deliberately naive expiry
 * (the JWT `exp` read as if it were our clock, as Jobber's own templates do): they must fail, or
 * they would not be testing skew at all.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TokenEndpoint } from '../../electron/auth/ports';
import type { TokenSet } from '../../electron/auth/token-model';
import {
  AFTER_COMMIT_CELLS,
  FAULT_IDS,
  FAULT_MATRIX,
  INAPPLICABLE_CELLS,
  OPERATIONS,
  PLAYED_CELLS,
  SKEW_CELLS,
  playCell,
} from '../support/reliability/fault-matrix-table';

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

  it('has an after-commit variant of every refresh and code-exchange fault that can lose an answer', () => {
    // 5xx, timeout, reset, truncated, malformed, wrong type, missing fields: 7 faults × 2 operations.
    expect(AFTER_COMMIT_CELLS.map((cell) => `${cell.operation} × ${cell.fault}`).sort()).toEqual(
      ['5xx', 'dropped-connection', 'malformed-json', 'missing-fields', 'timeout', 'truncated-body', 'wrong-content-type']
        .flatMap((fault) => [`code-exchange × ${fault}-after-commit`, `refresh × ${fault}-after-commit`])
        .sort(),
    );
  });
});

/** The expiry Jobber's templates compute: the JWT `exp` taken as an instant on our own clock. */
function naiveExpiry(endpoint: TokenEndpoint): TokenEndpoint {
  const naive = (tokens: TokenSet): TokenSet => {
    const payload = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
    return { ...tokens, accessTokenExpiresAt: payload.exp * 1000 };
  };
  return {
    exchangeCode: async (code) => naive(await endpoint.exchangeCode(code)),
    refresh: async (refreshToken) => naive(await endpoint.refresh(refreshToken)),
  };
}

describe('mutation check: the skew cells fail when expiry ignores skew', () => {
  it('there are skew cells to check', () => {
    expect(SKEW_CELLS.length).toBe(6);
  });

  it.each(SKEW_CELLS.map((cell) => [cell.operation, cell.fault, cell] as const))('%s × %s fails with a naive expiry', async (_operation, _fault, cell) => {
    await expect(playCell(cell, { wrapTokenEndpoint: naiveExpiry })).rejects.toThrow();
  });
});
