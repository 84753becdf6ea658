/**
 * Soak figures: 24 simulated hours with Jobber's 60-minute access tokens and seeded random transient faults
 * against the real sandbox on a shared fake clock (test/support/reliability/soak-run.ts). Prints,
 * per simulated hour, the refreshes so far, the heap after a forced GC and the process's live
 * handles; the invariants are the soak test's: nothing recoverable lost, refresh count within the
 * range Jobber's lifetime and the documented margin allow, fake timers and listeners back to baseline.
 */
import { formatBytes } from './stats';
import { runSoak } from '../test/support/reliability/soak-run';
import type { BenchResult, Benchmark } from './types';

const HOURS = 24;
const SEED = 6;

function kinds(byKind: Record<string, number>): string {
  return Object.entries(byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
}

async function run(): Promise<BenchResult> {
  const report = await runSoak({ hours: HOURS, seed: SEED });
  const lost = Object.values(report.lostStates).reduce((sum, count) => sum + (count ?? 0), 0);
  const first = report.samples[0];
  const last = report.samples.at(-1);
  const heapGrowth = first && last ? last.heapUsedBytes - first.heapUsedBytes : Number.NaN;
  return {
    figures: [
      { label: 'simulated / real time', value: report.realMs, text: `${HOURS} h in ${(report.realMs / 1000).toFixed(1)} s` },
      { label: 'refreshes (expected range)', value: report.refreshesOk, text: `${report.refreshesOk} (${report.expectedRefreshes.min}–${report.expectedRefreshes.max})` },
      { label: 'token requests', value: report.tokenRequests, text: String(report.tokenRequests) },
      { label: 'faults injected', value: report.faultsInjected.length, text: String(report.faultsInjected.length) },
      { label: 'offline episodes / recovered', value: report.offlineEpisodes, text: `${report.offlineEpisodes} / ${report.offlineRecovered} (${(report.offlineMs / 1000).toFixed(0)} s offline)` },
      { label: 'API calls / failed (transient)', value: report.apiCalls, text: `${report.apiCalls} / ${Object.values(report.apiFailuresByKind).reduce((s, c) => s + (c ?? 0), 0)}` },
      ...report.samples.map((sample) => ({
        label: `  hour ${sample.hour}`,
        value: sample.heapUsedBytes,
        text: `${sample.refreshesOk} refreshes, heap ${formatBytes(sample.heapUsedBytes)}${sample.gcForced ? '' : ' (no forced GC)'}, handles ${sample.activeResources} (${kinds(sample.resourceKinds)}), fake timers ${sample.fakeTimers}, listeners ${sample.listeners}`,
      })),
      { label: `heap growth hour 1 → ${HOURS}`, value: heapGrowth, text: Number.isFinite(heapGrowth) ? `${heapGrowth >= 0 ? '+' : '−'}${formatBytes(Math.abs(heapGrowth))}` : 'n/a' },
    ],
    invariants: [
      { label: 'no recoverable connection lost', ok: lost === 0 && report.offlineRecovered === report.offlineEpisodes && report.final.status === 'connected', detail: `${lost} lost states, ${report.offlineRecovered}/${report.offlineEpisodes} recovered, final ${report.final.status}` },
      { label: 'stored token live at every state change', ok: report.storeViolations === 0 && report.final.storedIsLive, detail: `${report.storeViolations} violations` },
      { label: 'refresh count within range', ok: report.refreshesOk >= report.expectedRefreshes.min && report.refreshesOk <= report.expectedRefreshes.max, detail: String(report.refreshesOk) },
      { label: 'fake timers and listeners at baseline', ok: report.final.fakeTimers === report.baseline.fakeTimers && report.final.listeners === report.baseline.listeners, detail: `timers ${report.baseline.fakeTimers}→${report.final.fakeTimers}, listeners ${report.baseline.listeners}→${report.final.listeners}` },
    ],
    notes: [
      `Seed ${SEED}; each simulated minute: 8 % chance of a fault (token endpoint 70 %, GraphQL 30 %; 5xx, 429, drop, truncated, malformed JSON, HTML, missing fields, or a stall past the 200 ms client timeout; 1–3 requests), 30 % chance of an API call. Expected refreshes: cycles of 54 min − 1 s to 55 min (60-minute tokens, 5-minute margin, up to 1 minute of jitter), stretched by time offline.`,
      'Engine and sandbox share one FakeClock; time jumps to the next timer once no refresh is in flight. Real "Timeout" handles are the sandbox holding stalled requests (released when it closes); the engine itself only has fake timers here.',
      'Heap is heapUsed after two forced full GCs (V8 --expose-gc enabled at run time), with the harness\'s own recorders emptied before each sample.',
    ],
  };
}

export const soak: Benchmark = {
  id: 'soak',
  title: `Soak: ${HOURS} simulated hours, Jobber's 60-minute tokens, random transient faults`,
  run,
};
