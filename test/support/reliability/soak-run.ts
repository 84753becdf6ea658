/**
 * The soak: hours of simulated time with Jobber's 60-minute access tokens against the real sandbox, whose
 * clock is the same FakeClock as the engine's (`sandbox.clock`). Every simulated minute, seeded
 * dice decide whether to inject a transient fault (token or GraphQL endpoint, 1–3 requests) and
 * whether to make an API call. Time only moves when the engine is idle: the loop jumps to the next
 * fake timer or minute, then waits (in real time) until no refresh is in flight. Each simulated
 * hour it samples the refresh count, fake timers, listeners, heap (after a forced GC) and the
 * process's live handles. Shared by test/reliability/soak.test.ts and bench/soak.ts.
 */
import type { ConnectionState, ConnectionStatus } from '../../../electron/ipc/connection-state';
import { type AuthErrorKind, isAuthError, isTransient } from '../../../electron/core/errors';
import { MemoryTokenStore } from '../engine/memory-token-store';
import type { Fault, SandboxEndpoint } from '../../../sandbox/server';
import { startEngine, type EngineHarness } from '../engine/engine-harness';
import { FakeClock, settle } from '../fake-clock';
import { expectedRefreshCount, JOBBER_LIFETIME_SEC } from './jobber-refresh-count';
import { activeResources, heapUsedAfterGc, listenerCount } from './process-probes';
import { pick, randomInt, seededRandom } from './seeded-random';

export interface SoakOptions {
  hours?: number;
  seed?: number;
  /** Chance per simulated minute of a fault being injected. */
  faultChancePerMinute?: number;
  /** Chance per simulated minute of an API call. */
  apiChancePerMinute?: number;
  onHour?: (sample: HourSample) => void;
}

export interface HourSample {
  hour: number;
  status: ConnectionStatus;
  refreshesOk: number;
  tokenRequests: number;
  faultsInjected: number;
  fakeTimers: number;
  listeners: number;
  apiCallsInFlight: number;
  heapUsedBytes: number;
  gcForced: boolean;
  activeResources: number;
  resourceKinds: Record<string, number>;
}

export interface SoakReport {
  simulatedMs: number;
  samples: HourSample[];
  /** Taken right after Connect, before the clock moved. */
  baseline: { fakeTimers: number; listeners: number };
  /** Taken at the end, after draining every API call and letting faults clear. */
  final: { fakeTimers: number; listeners: number; status: ConnectionStatus; activityEntries: number; storedIsLive: boolean };
  refreshesOk: number;
  tokenRequests: number;
  faultsInjected: { endpoint: SandboxEndpoint; kind: Fault['kind']; count: number }[];
  offlineEpisodes: number;
  /** Episodes that ended back in connected. */
  offlineRecovered: number;
  offlineMs: number;
  /** States a transient fault must never lead to (needs-reconnect, disconnected, …), with counts. */
  lostStates: Partial<Record<ConnectionStatus, number>>;
  /** State changes at which the stored record was missing or its refresh token not live. */
  storeViolations: number;
  apiCalls: number;
  apiFailuresByKind: Partial<Record<AuthErrorKind | 'unexpected', number>>;
  /** Each renewal cycle (Connect or the last renewal to the next renewal) less the time offline in it. */
  cycles: number[];
  /** Successful refreshes Jobber's lifetime and the documented margin allow (jobber-refresh-count.ts). */
  expectedRefreshes: { min: number; max: number };
  loopIterations: number;
  realMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Real-time client timeouts: a stalled request fails fast (the fake clock does not drive axios). */
const CLIENT_TIMEOUT_MS = 200;
const STALL_MS = 120_000;
const MAX_ITERATIONS = 200_000;

const TOKEN_FAULTS: readonly Fault[] = [
  { kind: 'status', status: 503 },
  { kind: 'status', status: 502 },
  { kind: 'status', status: 429 },
  { kind: 'drop' },
  { kind: 'truncated' },
  { kind: 'malformed-json' },
  { kind: 'wrong-content-type' },
  { kind: 'missing-fields' },
  { kind: 'delay', ms: STALL_MS },
];
const GRAPHQL_FAULTS: readonly Fault[] = TOKEN_FAULTS;

const LOST: ReadonlySet<ConnectionStatus> = new Set(['needs-reconnect', 'disconnected', 'storage-unavailable', 'not-configured', 'connecting']);

/** Waits, in real time, until `done()` holds (polling on the macrotask queue). */
async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`soak: timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}

/** Runs the soak and reports; throws only if the harness itself gets stuck. */
export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const hours = options.hours ?? 24;
  const seed = options.seed ?? 6;
  const lifetimeSec = JOBBER_LIFETIME_SEC;
  const faultChance = options.faultChancePerMinute ?? 0.08;
  const apiChance = options.apiChancePerMinute ?? 0.3;
  const dice = seededRandom(seed);
  const clock = new FakeClock();
  const memory = new MemoryTokenStore();
  const realStart = Date.now();

  const h: EngineHarness = await startEngine({
    clock,
    store: memory,
    recordHttp: false,
    tokenTimeoutMs: CLIENT_TIMEOUT_MS,
    apiTimeoutMs: CLIENT_TIMEOUT_MS,
    random: seededRandom(seed + 1),
    sandbox: { clock: () => clock.now(), accessTokenLifetimeSec: lifetimeSec },
  });
  try {
    // Observe every state change: refreshes, offline episodes, lost states, the store beside it.
    let refreshesOk = 0;
    let lastOkAt = -1;
    let offlineEpisodes = 0;
    let offlineRecovered = 0;
    let offlineSince: number | null = null;
    let offlineMs = 0;
    let storeViolations = 0;
    let connectedOnce = false;
    // Each renewal cycle's length less the time spent offline in it.
    const cycles: number[] = [];
    let cycleStart = -1;
    let offlineAtCycleStart = 0;
    const lostStates: Partial<Record<ConnectionStatus, number>> = {};
    const onState = (state: ConnectionState) => {
      if (state.status === 'connected' && !connectedOnce) cycleStart = clock.now();
      if (state.status === 'connected') connectedOnce = true;
      if (!connectedOnce) return;
      if (LOST.has(state.status)) lostStates[state.status] = (lostStates[state.status] ?? 0) + 1;
      const stored = memory.saved;
      if (!stored || !h.sandbox.control.liveRefreshTokens().includes(stored.tokens.refreshToken)) storeViolations += 1;
      if (state.status === 'offline-retrying' && offlineSince === null) {
        offlineSince = clock.now();
        offlineEpisodes += 1;
      }
      if (state.status === 'connected') {
        if (offlineSince !== null) {
          offlineMs += clock.now() - offlineSince;
          offlineSince = null;
          offlineRecovered += 1;
        }
        if (state.lastRefresh?.result === 'ok' && state.lastRefresh.at !== lastOkAt) {
          lastOkAt = state.lastRefresh.at;
          refreshesOk += 1;
          cycles.push(lastOkAt - cycleStart - (offlineMs - offlineAtCycleStart));
          cycleStart = lastOkAt;
          offlineAtCycleStart = offlineMs;
        }
      }
    };
    const unsubscribe = h.session.subscribe(onState);
    await h.connect();
    onState(h.session.getState());
    const baseline = { fakeTimers: clock.pendingTimers(), listeners: listenerCount(h.session) };

    const inFlight = new Set<Promise<void>>();
    let apiCalls = 0;
    const apiFailuresByKind: SoakReport['apiFailuresByKind'] = {};
    const callApi = () => {
      apiCalls += 1;
      const call: Promise<void> = h.client.account().then(
        () => undefined,
        (error: unknown) => {
          const kind = isAuthError(error) ? error.kind : 'unexpected';
          apiFailuresByKind[kind] = (apiFailuresByKind[kind] ?? 0) + 1;
        },
      );
      const tracked = call.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    };
    const faultsInjected: SoakReport['faultsInjected'] = [];
    const injectRandomFault = () => {
      const endpoint: SandboxEndpoint = dice() < 0.7 ? 'token' : 'graphql';
      const fault = pick(dice, endpoint === 'token' ? TOKEN_FAULTS : GRAPHQL_FAULTS);
      const count = randomInt(dice, 1, 3);
      h.sandbox.control.injectFault(endpoint, fault, count);
      faultsInjected.push({ endpoint, kind: fault.kind, count });
    };
    /** Gives API calls up to `ms` of real time to finish their HTTP exchange. */
    const letCallsFinish = async (ms: number) => {
      if (inFlight.size === 0) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.all(inFlight), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
      clearTimeout(timer);
    };
    /** Idle = no refresh in flight; API calls parked on a fake timer may stay pending. */
    const quiesce = async () => {
      await settle();
      await until(() => h.session.getState().status !== 'refreshing', 10_000, 'the refresh in flight');
      await letCallsFinish(5);
    };
    const trimRecorders = () => {
      // The harness's own recorders (test instruments) would otherwise grow with every step.
      h.published.length = 0;
      h.logger.lines.length = 0;
      h.store.saves.length = 0;
      memory.history.length = 0;
    };

    const start = clock.now();
    const end = start + hours * HOUR;
    let nextMinute = start + MINUTE;
    let nextHour = start + HOUR;
    const samples: HourSample[] = [];
    let iterations = 0;
    while (clock.now() < end) {
      iterations += 1;
      if (iterations > MAX_ITERATIONS) throw new Error(`soak: more than ${MAX_ITERATIONS} steps (a timer loop?) at ${clock.now() - start} ms`);
      const target = Math.min(clock.nextTimerAt() ?? end, nextMinute, end);
      await clock.advanceTo(target);
      if (clock.now() >= nextMinute) {
        nextMinute += MINUTE;
        if (dice() < faultChance) injectRandomFault();
        if (dice() < apiChance) callApi();
      }
      await quiesce();
      if (clock.now() >= nextHour) {
        nextHour += HOUR;
        trimRecorders();
        // A call the client held for a request window (a 429) may be mid-exchange right now: its
        // socket is not a leak. Longer than the client's own timeout, so none is still open after.
        await letCallsFinish(CLIENT_TIMEOUT_MS + 50);
        const heap = heapUsedAfterGc();
        const resources = activeResources();
        const sample: HourSample = {
          hour: samples.length + 1,
          status: h.session.getState().status,
          refreshesOk,
          tokenRequests: h.sandbox.control.counters().tokenRequests.refresh_token,
          faultsInjected: faultsInjected.length,
          fakeTimers: clock.pendingTimers(),
          listeners: listenerCount(h.session),
          apiCallsInFlight: inFlight.size,
          heapUsedBytes: heap.bytes,
          gcForced: heap.gcForced,
          activeResources: resources.total,
          resourceKinds: resources.byKind,
        };
        samples.push(sample);
        options.onHour?.(sample);
      }
    }
    const simulatedMs = clock.now() - start;

    // Drain: no new faults; let the remaining ones clear and every API call finish.
    h.sandbox.control.clearFaults();
    for (let i = 0; i < 60 && (inFlight.size > 0 || h.session.getState().status !== 'connected'); i += 1) {
      await clock.advance(5_000);
      await quiesce();
    }
    await until(() => inFlight.size === 0, 10_000, 'API calls to finish');
    if (offlineSince !== null) offlineMs += clock.now() - offlineSince;
    const stored = memory.saved;
    const final = {
      fakeTimers: clock.pendingTimers(),
      listeners: listenerCount(h.session),
      status: h.session.getState().status,
      activityEntries: h.session.getActivity().length,
      storedIsLive: stored !== null && h.sandbox.control.liveRefreshTokens().includes(stored.tokens.refreshToken),
    };
    unsubscribe();

    const expectedRefreshes = expectedRefreshCount(simulatedMs, offlineMs);

    return {
      simulatedMs,
      samples,
      baseline,
      final,
      refreshesOk,
      cycles,
      tokenRequests: h.sandbox.control.counters().tokenRequests.refresh_token,
      faultsInjected,
      offlineEpisodes,
      offlineRecovered,
      offlineMs,
      lostStates,
      storeViolations,
      apiCalls,
      apiFailuresByKind,
      expectedRefreshes,
      loopIterations: iterations,
      realMs: Date.now() - realStart,
    };
  } finally {
    await h.close();
  }
}

/** True when every API failure in the report is a transient kind (never a lost grant). */
export function apiFailuresAllTransient(report: SoakReport): boolean {
  return Object.keys(report.apiFailuresByKind).every((kind) => kind !== 'unexpected' && isTransient(kind as AuthErrorKind));
}
