/**
 * Soak: 24 simulated hours with Jobber's 60-minute access tokens and seeded random transient
 * faults, against the real sandbox sharing the engine's FakeClock (test/support/reliability/soak-run.ts). Asserts
 * that no recoverable fault ever cost the connection, that the refresh count matches Jobber's
 * lifetime and the documented margin for the time simulated (test/support/reliability/jobber-refresh-count.ts,
 * numbers, not the policy object), and that nothing leaks: fake timers and state listeners back to their baseline,
 * activity bounded, the process's sockets and handles flat from hour 1 to hour 24, and no real
 * timer left behind once the sandbox is closed. `npm run bench -- soak` prints the hourly figures.
 */
import { describe, expect, it } from 'vitest';
import { MAX_ACTIVITY_ENTRIES } from '../../electron/auth/activity-log';
import { expectedRefreshCount } from '../support/reliability/jobber-refresh-count';
import { activeResources } from '../support/reliability/process-probes';
import { apiFailuresAllTransient, runSoak } from '../support/reliability/soak-run';

/** Real timers of this process, apart from the ones vitest itself keeps. */
function timeoutHandles(): number {
  return activeResources().byKind.Timeout ?? 0;
}

/** Handles other than timers: sockets, servers, pipes. */
function nonTimerHandles(kinds: Record<string, number>): number {
  return Object.entries(kinds).reduce((sum, [kind, count]) => (kind === 'Timeout' ? sum : sum + count), 0);
}

describe('soak', () => {
  it('the expected count: 60-minute tokens renewed 5 minutes (up to 6 with jitter) before expiry', () => {
    // 24 h online: cycles of 54 min − 1 s to 55 min → 26 renewals, ± the cycle cut at either end.
    expect(expectedRefreshCount(24 * 3_600_000, 0)).toEqual({ min: 25, max: 27 });
    // An hour spent offline stretches the cycles it falls in.
    expect(expectedRefreshCount(24 * 3_600_000, 3_600_000)).toEqual({ min: 24, max: 26 });
  });

  it('24 simulated hours, Jobber\'s 60-minute tokens, random faults: always back to connected, ~25 refreshes, no leaks', async () => {
    const timersBefore = timeoutHandles();
    const report = await runSoak({ hours: 24, seed: 6 });
    const first = report.samples[0];
    const last = report.samples.at(-1);
    console.log(
      `soak: ${report.simulatedMs / 3_600_000} h simulated in ${(report.realMs / 1000).toFixed(1)} s; ` +
        `${report.refreshesOk} refreshes (expected ${report.expectedRefreshes.min}–${report.expectedRefreshes.max}), ` +
        `${report.faultsInjected.length} faults, ${report.offlineEpisodes} offline episodes (${report.offlineRecovered} recovered), ` +
        `heap ${((first?.heapUsedBytes ?? 0) / 1048576).toFixed(1)} → ${((last?.heapUsedBytes ?? 0) / 1048576).toFixed(1)} MiB, ` +
        `handles ${first?.activeResources} → ${last?.activeResources}`,
    );

    // Faults happened, and every one of them was survived.
    expect(report.samples).toHaveLength(24);
    expect(report.faultsInjected.length).toBeGreaterThan(10);
    expect(report.offlineEpisodes).toBeGreaterThan(5);
    expect(report.lostStates).toEqual({});
    expect(report.offlineRecovered).toBe(report.offlineEpisodes);
    expect(report.storeViolations).toBe(0);
    expect(report.final.status).toBe('connected');
    expect(report.final.storedIsLive).toBe(true);
    expect(report.samples.every((sample) => sample.status === 'connected' || sample.status === 'offline-retrying')).toBe(true);
    expect(apiFailuresAllTransient(report)).toBe(true);
    expect(report.apiCalls).toBeGreaterThan(50);

    // Jobber's 60-minute tokens renewed 5 minutes (plus up to 1 minute of jitter) before expiry:
    // every cycle, less its time offline, lasts 54 min − 1 s to 55 min.
    for (const cycle of report.cycles) {
      expect(cycle).toBeGreaterThanOrEqual(3_239_000);
      expect(cycle).toBeLessThanOrEqual(3_300_000);
    }
    expect(report.cycles).toHaveLength(report.refreshesOk);
    expect(report.refreshesOk).toBeGreaterThanOrEqual(report.expectedRefreshes.min);
    expect(report.refreshesOk).toBeLessThanOrEqual(report.expectedRefreshes.max);

    // Engine-side leaks: its timers (all on the fake clock) and listeners, and the activity list.
    expect(report.final.fakeTimers).toBe(report.baseline.fakeTimers);
    expect(report.final.listeners).toBe(report.baseline.listeners);
    for (const sample of report.samples) expect(sample.listeners).toBe(report.baseline.listeners);
    expect(report.final.activityEntries).toBeLessThanOrEqual(MAX_ACTIVITY_ENTRIES);

    // Process view: sockets and other handles flat from hour 1 to hour 24 (no growth trend).
    const handleCounts = report.samples.map((sample) => nonTimerHandles(sample.resourceKinds));
    expect(Math.max(...handleCounts) - Math.min(...handleCounts)).toBeLessThanOrEqual(3);
    expect((handleCounts.at(-1) ?? 0) - (handleCounts[0] ?? 0)).toBeLessThanOrEqual(1);
    // Real timers during the run are the sandbox holding "timeout" requests; none outlives it.
    expect(timeoutHandles()).toBeLessThanOrEqual(timersBefore);
    // Heap after a forced GC: no growth beyond noise over 23 hours.
    if (first?.gcForced && last?.gcForced) expect(last.heapUsedBytes - first.heapUsedBytes).toBeLessThan(4 * 1024 * 1024);
  }, 120_000);
});
