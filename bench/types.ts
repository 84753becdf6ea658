/**
 * The shape every benchmark returns, so run.ts can print one table, write one JSON file and decide
 * the exit code. A benchmark is a named async function; add new ones to the list in run.ts.
 */

/** One printed figure. `value` is what the JSON keeps; `text` is how the table shows it. */
export interface Figure {
  label: string;
  value: number | string | null;
  text: string;
}

/** A property that must hold (e.g. "exactly one token request"); a broken one fails the run. */
export interface Invariant {
  label: string;
  ok: boolean;
  detail: string;
}

export interface BenchResult {
  figures: Figure[];
  invariants: Invariant[];
  /** How the figures were obtained (runs, settings), printed under the table. */
  notes: string[];
  /** Headline lines printed as they are ("label: value"), for figures other tools read. */
  headlines?: string[];
}

export interface Benchmark {
  id: string;
  title: string;
  run(): Promise<BenchResult>;
}
