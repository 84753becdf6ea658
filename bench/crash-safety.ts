/**
 * Crash safety of rotation, 200 runs: the engine runs in a child process over the app's own token
 * vault (electron-store file with atomic temp-write/fsync/rename, sealed record, safeStorage
 * stand-in) and is SIGKILLed at a uniformly random moment of a whole refresh, nothing slowed down;
 * after every kill it restarts over the same vault. Prints how many runs ended with the live token
 * stored and connected (a), with the precise "interrupted refresh lost the grant" state (b), or
 * otherwise (c, a bug: breaks the run), where the kills landed, and the temp files they left
 * (counted before any restart sweeps them). The harness is test/support/reliability/crash-harness.ts.
 */
import { CRASH_OUTCOMES, type CrashOutcome, measureVulnerableWindow, runCrashSafety } from '../test/support/reliability/crash-harness';
import { formatMs, median, percentile } from './stats';
import type { BenchResult, Benchmark } from './types';

const RUNS = 200;
const SEED = 20_250_602;
const WINDOW_SAMPLES = 50;
/** Jobber's 60-minute access-token lifetime less the 5-minute refresh margin. */
const REFRESH_INTERVAL_MS = 55 * 60_000;

function split(counts: Record<CrashOutcome, number>): string {
  return CRASH_OUTCOMES.map((outcome) => `${outcome} ${counts[outcome]}`).join(', ');
}

async function run(): Promise<BenchResult> {
  const report = await runCrashSafety({ runs: RUNS, seed: SEED });
  const { counts } = report;
  const reached = report.runs.filter((r) => r.reachedJobber);
  const lostWithoutRequest = report.runs.filter((r) => r.outcome === 'interrupted-refresh' && !r.reachedJobber).length;
  const bugs = report.runs.filter((r) => r.outcome === 'bug');
  const cycles = report.runs.map((r) => r.cycleMs).sort((a, b) => a - b);
  const windows = await measureVulnerableWindow(WINDOW_SAMPLES);
  const p95 = percentile(windows, 95);
  return {
    figures: [
      { label: 'runs', value: report.runs.length, text: String(report.runs.length) },
      { label: '(a) live token stored, connected', value: counts['live-token'], text: String(counts['live-token']) },
      { label: '(b) needs-reconnect: interrupted refresh', value: counts['interrupted-refresh'], text: String(counts['interrupted-refresh']) },
      { label: '(c) anything else (bug)', value: counts.bug, text: String(counts.bug) },
      { label: 'kills after the request reached Jobber', value: reached.length, text: `${reached.length} (of which (b): ${reached.filter((r) => r.outcome === 'interrupted-refresh').length})` },
      ...Object.entries(report.byPhase).map(([phase, byOutcome]) => ({ label: `  last step ${phase}`, value: split(byOutcome), text: split(byOutcome) })),
      { label: 'refresh cycle the kills were spread over', value: median(cycles), text: `${formatMs(median(cycles))} median` },
      { label: 'temp files left by killed saves', value: report.leftoverTempFiles, text: `${report.leftoverTempFiles} (in ${report.runsWithTempFiles} runs; counted before the restart swept them)` },
      { label: 'unaimed: grant-losing window per refresh', value: median(windows), text: `${formatMs(median(windows))} median, ${formatMs(p95)} p95 (request handed to HTTP → new pair durable)` },
      { label: 'unaimed: chance a random kill loses it', value: p95 / REFRESH_INTERVAL_MS, text: `${((p95 / REFRESH_INTERVAL_MS) * 100).toExponential(1)} % (p95 window / 55-minute refresh interval)` },
    ],
    invariants: [
      { label: 'no run ends in (c)', ok: bugs.length === 0, detail: bugs.length === 0 ? '0' : bugs.slice(0, 3).map((b) => `#${b.index} at ${b.lastPhase ?? 'none'}: ${b.detail}`).join('; ') },
      { label: '(b) only after the request reached Jobber', ok: lostWithoutRequest === 0, detail: `${lostWithoutRequest} without` },
    ],
    notes: [
      `Seed ${SEED}. The child renews back to back over the vault; after two warm renewals the parent times one whole refresh cycle and sends SIGKILL (to the child's process group) a uniformly random time into the next one. No step is slowed or held: kills land wherever the real work is, the vault's synchronous temp-write/fsync/rename included.`,
      `(b) is what Jobber's immediate rotation makes unavoidable: the request was spent at Jobber but the new pair never reached the disk. Back-to-back renewals make every kill land in a refresh; in a running app the window measured above ("unaimed", ${WINDOW_SAMPLES} refreshes in a child) comes once per refresh, about an hour apart.`,
      'Children are bundled once with esbuild (`electron` aliased to an empty stand-in: electron-store needs none of it with an absolute directory) and spawned as `node child.cjs`; restarts run in a fresh child over the same vault.',
    ],
  };
}

export const crashSafety: Benchmark = {
  id: 'crash-safety',
  title: `Crash safety of rotation: ${RUNS} SIGKILLs at random moments of a refresh, then restart`,
  run,
};
