/**
 * The fault matrix as a figure: plays every applicable operation × fault cell of
 * test/support/reliability/fault-matrix-table.ts against a fresh sandbox and counts the outcomes,
 * then every refusal shape × flow of test/support/reliability/refusal-shapes-table.ts. Prints two headline lines,
 * `after-commit scenarios: N` (faults that strike after Jobber committed) and
 * `refusal shapes handled: N/N`. Combinations that do not apply are counted and listed with their reason.
 */
import { AFTER_COMMIT_CELLS, INAPPLICABLE_CELLS, PLAYED_CELLS, playCell } from '../test/support/reliability/fault-matrix-table';
import { REFUSAL_CELLS } from '../test/support/reliability/refusal-shapes-table';
import { formatMs, median, timed } from './stats';
import type { BenchResult, Benchmark } from './types';

/** Plays each cell; returns the failures (first line of each) and the durations of the passes. */
async function playAll<C extends { play: PlayedCellPlay }>(cells: readonly C[], name: (cell: C) => string): Promise<{ failures: string[]; durations: number[] }> {
  const failures: string[] = [];
  const durations: number[] = [];
  for (const cell of cells) {
    try {
      const { ms } = await timed(() => playCell(cell));
      durations.push(ms);
    } catch (error) {
      failures.push(`${name(cell)}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  return { failures, durations };
}

type PlayedCellPlay = Parameters<typeof playCell>[0]['play'];

async function run(): Promise<BenchResult> {
  const matrix = await playAll(PLAYED_CELLS, (cell) => `${cell.operation} × ${cell.fault}`);
  const refusals = await playAll(REFUSAL_CELLS, (cell) => `${cell.flow} × ${cell.shape}`);
  const failedAfterCommit = AFTER_COMMIT_CELLS.filter((cell) => matrix.failures.some((line) => line.startsWith(`${cell.operation} × ${cell.fault}:`))).length;
  const passed = PLAYED_CELLS.length - matrix.failures.length;
  const refusalsHandled = REFUSAL_CELLS.length - refusals.failures.length;
  const failures = [...matrix.failures, ...refusals.failures];
  return {
    headlines: [`after-commit scenarios: ${AFTER_COMMIT_CELLS.length}`, `refusal shapes handled: ${refusalsHandled}/${REFUSAL_CELLS.length}`],
    figures: [
      { label: 'scenarios', value: PLAYED_CELLS.length, text: String(PLAYED_CELLS.length) },
      { label: 'passed', value: passed, text: String(passed) },
      { label: 'after-commit scenarios', value: AFTER_COMMIT_CELLS.length, text: `${AFTER_COMMIT_CELLS.length} (${AFTER_COMMIT_CELLS.length - failedAfterCommit} passed)` },
      { label: 'refusal shapes handled', value: refusalsHandled, text: `${refusalsHandled}/${REFUSAL_CELLS.length}` },
      { label: 'not applicable', value: INAPPLICABLE_CELLS.length, text: String(INAPPLICABLE_CELLS.length) },
      { label: 'time per scenario (median)', value: median(matrix.durations), text: formatMs(median(matrix.durations)) },
    ],
    invariants: [
      {
        label: 'every scenario passes',
        ok: failures.length === 0,
        detail: failures.length === 0 ? `${passed}/${PLAYED_CELLS.length} + ${refusalsHandled}/${REFUSAL_CELLS.length}` : failures.slice(0, 3).join('; '),
      },
    ],
    notes: [
      'Operations: code exchange, account fetch, refresh, API call. Faults: 5xx, 429, timeout, dropped connection, truncated body, malformed JSON, wrong content type, missing fields, revoked grant, old refresh token reused, clock skew ±10 min, and the answer-losing faults again after Jobber committed (redeemed the code or rotated the pair).',
      'Refusal shapes (oauth-json, message-json, text, html) × flows (refresh, code exchange, renewal after an API 401).',
      ...INAPPLICABLE_CELLS.map((cell) => `n/a ${cell.operation} × ${cell.fault}: ${cell.reason}`),
    ],
  };
}

export const faultMatrix: Benchmark = {
  id: 'fault-matrix',
  title: 'Fault matrix: operations × faults against the sandbox, and refusal shapes × flows',
  run,
};
