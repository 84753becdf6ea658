/**
 * The fault matrix as a figure: plays every applicable operation × fault cell of
 * test/reliability/support/fault-matrix-table.ts against a fresh sandbox and counts the outcomes.
 * Combinations that do not apply are counted and listed with their reason.
 */
import { INAPPLICABLE_CELLS, PLAYED_CELLS, playCell } from '../test/reliability/support/fault-matrix-table';
import { formatMs, median, timed } from './stats';
import type { BenchResult, Benchmark } from './types';

async function run(): Promise<BenchResult> {
  const failures: string[] = [];
  const durations: number[] = [];
  for (const cell of PLAYED_CELLS) {
    try {
      const { ms } = await timed(() => playCell(cell));
      durations.push(ms);
    } catch (error) {
      failures.push(`${cell.operation} × ${cell.fault}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  const passed = PLAYED_CELLS.length - failures.length;
  return {
    figures: [
      { label: 'scenarios', value: PLAYED_CELLS.length, text: String(PLAYED_CELLS.length) },
      { label: 'passed', value: passed, text: String(passed) },
      { label: 'not applicable', value: INAPPLICABLE_CELLS.length, text: String(INAPPLICABLE_CELLS.length) },
      { label: 'time per scenario (median)', value: median(durations), text: formatMs(median(durations)) },
    ],
    invariants: [{ label: 'every scenario passes', ok: failures.length === 0, detail: failures.length === 0 ? `${passed}/${PLAYED_CELLS.length}` : failures.slice(0, 3).join('; ') }],
    notes: [
      'Operations: code exchange, account fetch, refresh, API call. Faults: 5xx, 429, timeout, dropped connection, truncated body, malformed JSON, wrong content type, missing fields, revoked grant, old refresh token reused, clock skew ±10 min.',
      ...INAPPLICABLE_CELLS.map((cell) => `n/a ${cell.operation} × ${cell.fault}: ${cell.reason}`),
    ],
  };
}

export const faultMatrix: Benchmark = {
  id: 'fault-matrix',
  title: 'Fault matrix: operations × faults against the sandbox',
  run,
};
