/**
 * Crash safety of rotation, 200 runs: the engine runs in a child process over a FileTokenStore and
 * is SIGKILLed at seeded random points in four windows around a refresh (50 each); after every
 * kill it restarts over the same file. Prints how many runs ended with the live token stored and
 * connected (a), with the precise "interrupted refresh lost the grant" state (b), or otherwise (c,
 * a bug: breaks the run). The harness lives in test/reliability/support/crash-harness.ts.
 */
import { CRASH_OUTCOMES, KILL_WINDOWS, type CrashOutcome, measureVulnerableWindow, runCrashSafety } from '../test/reliability/support/crash-harness';
import { formatMs, median, percentile } from './stats';
import type { BenchResult, Benchmark } from './types';

const RUNS = 200;
const SEED = 20_250_602;
const SAVE_DELAY_MS = 15;
const INFLIGHT_DELAY_MS = 30;
const WINDOW_SAMPLES = 50;
/** Jobber's default access-token lifetime (60 min) less the 5-minute refresh margin. */
const REFRESH_INTERVAL_MS = 55 * 60_000;

function split(counts: Record<CrashOutcome, number>): string {
  return CRASH_OUTCOMES.map((outcome) => `${outcome} ${counts[outcome]}`).join(', ');
}

async function run(): Promise<BenchResult> {
  const report = await runCrashSafety({ runs: RUNS, seed: SEED, saveDelayMs: SAVE_DELAY_MS, inflightDelayMs: INFLIGHT_DELAY_MS });
  const { counts } = report;
  const reached = report.runs.filter((r) => r.reachedJobber);
  const lostWithoutRequest = report.runs.filter((r) => r.outcome === 'interrupted-refresh' && !r.reachedJobber).length;
  const bugs = report.runs.filter((r) => r.outcome === 'bug');
  const windows = await measureVulnerableWindow(WINDOW_SAMPLES);
  const p95 = percentile(windows, 95);
  return {
    figures: [
      { label: 'runs', value: report.runs.length, text: String(report.runs.length) },
      { label: '(a) live token stored, connected', value: counts['live-token'], text: String(counts['live-token']) },
      { label: '(b) needs-reconnect: interrupted refresh', value: counts['interrupted-refresh'], text: String(counts['interrupted-refresh']) },
      { label: '(c) anything else (bug)', value: counts.bug, text: String(counts.bug) },
      { label: 'kills after the request reached Jobber', value: reached.length, text: `${reached.length} (of which (b): ${reached.filter((r) => r.outcome === 'interrupted-refresh').length})` },
      ...KILL_WINDOWS.map((window) => ({ label: `  aimed ${window}`, value: split(report.byWindow[window]), text: split(report.byWindow[window]) })),
      ...Object.entries(report.byPhase).map(([phase, byOutcome]) => ({ label: `  last step ${phase}`, value: split(byOutcome), text: split(byOutcome) })),
      { label: 'temp files left by killed saves', value: report.leftoverTempFiles, text: String(report.leftoverTempFiles) },
      { label: 'unaimed: grant-losing window per refresh', value: median(windows), text: `${formatMs(median(windows))} median, ${formatMs(p95)} p95 (request handed to HTTP → new pair durable)` },
      { label: 'unaimed: chance a random kill loses it', value: p95 / REFRESH_INTERVAL_MS, text: `${((p95 / REFRESH_INTERVAL_MS) * 100).toExponential(1)} % (p95 window / 55-minute refresh interval)` },
    ],
    invariants: [
      { label: 'no run ends in (c)', ok: bugs.length === 0, detail: bugs.length === 0 ? '0' : bugs.slice(0, 3).map((b) => `#${b.index} ${b.window}: ${b.detail}`).join('; ') },
      { label: '(b) only after the request reached Jobber', ok: lostWithoutRequest === 0, detail: `${lostWithoutRequest} without` },
    ],
    notes: [
      `Seed ${SEED}; round robin over the four windows, a uniform random kill point inside each. Saves in the child are slowed by ${SAVE_DELAY_MS} ms (a slow disk) and the sandbox holds each refresh request ${INFLIGHT_DELAY_MS} ms, to widen the windows; the restart waits until a request that reached the sandbox has been answered there.`,
      `(b) is what Jobber's immediate rotation makes unavoidable: the request was spent at Jobber but the new pair never reached the disk. The kills here are aimed at that window on purpose; in a running app it is the window measured above ("unaimed", ${WINDOW_SAMPLES} in-process refreshes, no slowing), once per refresh, about an hour apart.`,
      'Children are bundled once with esbuild and spawned as `node child.cjs` (detached; the process group is SIGKILLed). Restarts run in-process over the same token file.',
    ],
  };
}

export const crashSafety: Benchmark = {
  id: 'crash-safety',
  title: `Crash safety of rotation: ${RUNS} SIGKILLs around a refresh, then restart`,
  run,
};
