/**
 * Every refusal shape × every flow (test/support/reliability/refusal-shapes-table.ts) against the real sandbox.
 * `npm run bench -- fault-matrix` prints the same cells as "refusal shapes handled: N/N".
 */
import { describe, expect, it } from 'vitest';
import { playCell } from '../support/reliability/matrix-context';
import { REFUSAL_CELLS, REFUSAL_FLOWS, REFUSAL_SHAPES } from '../support/reliability/refusal-shapes-table';

describe('refusal shapes × flows', () => {
  it('covers 4 shapes × 3 flows', () => {
    expect(REFUSAL_SHAPES).toEqual(['oauth-json', 'message-json', 'text', 'html']);
    expect(REFUSAL_FLOWS).toEqual(['refresh', 'code-exchange', 'api-renewal']);
    expect(REFUSAL_CELLS).toHaveLength(12);
  });

  it.each(REFUSAL_CELLS.map((cell) => [cell.flow, cell.shape, cell.expected, cell] as const))('%s × %s → %s', async (_flow, _shape, _expected, cell) => {
    await playCell(cell);
  });
});
