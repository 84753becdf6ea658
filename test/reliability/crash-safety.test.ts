/**
 * Crash safety of rotation, small version (the 200-run figure is `npm run bench -- crash-safety`):
 * a child process renewing over the app's own token vault (electron-store file, sealed record,
 * safeStorage stand-in) is SIGKILLed at uniformly random moments of a refresh, nothing slowed
 * down; after each kill the engine restarts over the same vault and must either hold the refresh
 * token the sandbox considers live (connected), or say precisely that an interrupted refresh lost
 * the grant, and only when the request had reached Jobber.
 */
import { describe, expect, it } from 'vitest';
import { measureVulnerableWindow, runCrashSafety } from '../support/reliability/crash-harness';

describe('crash safety of rotation', () => {
  it('8 kills across a refresh: every restart ends with the live token or the precise interrupted-refresh message', async () => {
    const report = await runCrashSafety({ runs: 8, seed: 8 });
    console.log(
      `crash safety: ${report.runs.length} runs, ${report.counts['live-token']} live token, ` +
        `${report.counts['interrupted-refresh']} interrupted-refresh, ${report.counts.bug} other; ` +
        `last steps ${report.runs.map((run) => run.lastPhase ?? 'none').join(', ')}; temp files at kill ${report.leftoverTempFiles}`,
    );
    expect(report.runs.filter((run) => run.outcome === 'bug')).toEqual([]);
    expect(report.runs).toHaveLength(8);
    for (const run of report.runs) {
      // Uniform over one whole refresh cycle, which takes real time.
      expect(run.cycleMs).toBeGreaterThan(0);
      expect(run.killDelayMs).toBeGreaterThanOrEqual(0);
      expect(run.killDelayMs).toBeLessThan(run.cycleMs);
      // A lost grant is only ever explained for a request that reached Jobber.
      if (run.outcome === 'interrupted-refresh') expect(run.reachedJobber).toBe(true);
      // A kill before the request reached Jobber never costs the grant.
      if (!run.reachedJobber) expect(run.outcome).toBe('live-token');
    }
  }, 120_000);

  it("the bench's measuring child connects (with PKCE) and times each refresh's grant-losing window", async () => {
    const windows = await measureVulnerableWindow(3);
    expect(windows).toHaveLength(3);
    for (const window of windows) expect(window).toBeGreaterThan(0);
  }, 60_000);
});
