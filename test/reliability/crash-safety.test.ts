/**
 * Crash safety of rotation, small version (the 200-run figure is `npm run bench -- crash-safety`):
 * a child process running the engine over a token file is SIGKILLed twice in each of the four
 * windows around a refresh; after each kill the engine restarts over the same file and must either
 * hold the refresh token the sandbox considers live (connected), or say precisely that an
 * interrupted refresh lost the grant, and only when the request had reached Jobber.
 */
import { describe, expect, it } from 'vitest';
import { KILL_WINDOWS, runCrashSafety } from './support/crash-harness';

describe('crash safety of rotation', () => {
  it('8 kills around a refresh: every restart ends with the live token or the precise interrupted-refresh message', async () => {
    const report = await runCrashSafety({ runs: 8, seed: 8 });
    console.log(
      `crash safety: ${report.runs.length} runs, ${report.counts['live-token']} live token, ` +
        `${report.counts['interrupted-refresh']} interrupted-refresh, ${report.counts.bug} other`,
    );
    expect(report.runs.filter((run) => run.outcome === 'bug')).toEqual([]);
    expect(report.runs).toHaveLength(8);
    for (const window of KILL_WINDOWS) expect(report.runs.filter((run) => run.window === window)).toHaveLength(2);
    // A lost grant is only ever explained for a request that reached Jobber.
    for (const run of report.runs) if (run.outcome === 'interrupted-refresh') expect(run.reachedJobber).toBe(true);
    // A kill before the request reached Jobber never costs the grant.
    for (const run of report.runs) if (!run.reachedJobber) expect(run.outcome).toBe('live-token');
  }, 60_000);
});
