/**
 * Refresh storm: 1,000 concurrent `account()` calls through JobberGraphqlClient with an access
 * token that has expired (on the engine's and the sandbox's shared clock), against the same 1,000
 * calls with a fresh token. Single flight must turn the storm into exactly one token request and
 * no failures; the ratio says what the one refresh costs the burst.
 */
import { Agent } from 'node:http';
import { ControlledClock, expectStatus, startEngine, type EngineHarness } from '../test/support/engine/engine-harness';
import { formatMs, formatRatio, median, timed } from './stats';
import type { BenchResult, Benchmark } from './types';

const CALLS = 1_000;
const ROUNDS = 7;
const WARM_UP_CALLS = 200;
/** Sockets per host: a bounded pool, as a real client would keep. */
const MAX_SOCKETS = 128;

interface Round {
  freshMs: number;
  stormMs: number;
  tokenRequests: number;
  failures: number;
  graphqlCalls: number;
}

async function burst(h: EngineHarness, count: number): Promise<number> {
  const results = await Promise.allSettled(Array.from({ length: count }, () => h.client.account()));
  return results.filter((result) => result.status === 'rejected').length;
}

async function round(): Promise<Round> {
  const clock = new ControlledClock();
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const h = await startEngine({
    clock,
    store: 'file',
    recordHttp: false,
    httpAgent: agent,
    sandbox: {
      clock: () => clock.now(),
      // Far above the burst, so the API's own limits never enter the figures.
      throttle: { maximumAvailable: 1e9, restoreRate: 1e9 },
      rateLimit: { requests: 1e9, windowSec: 1 },
    },
  });
  try {
    await h.connect();
    const warmFailures = await burst(h, WARM_UP_CALLS);
    if (warmFailures > 0) throw new Error(`${warmFailures} warm-up calls failed`);

    const before = await timed(() => burst(h, CALLS));
    if (before.result > 0) throw new Error(`${before.result} calls failed with a fresh token`);

    const { accessTokenExpiresAt } = expectStatus(h.session.getState(), 'connected');
    clock.advance(accessTokenExpiresAt - clock.now() + 1_000);
    h.sandbox.control.resetCounters();
    const storm = await timed(() => burst(h, CALLS));
    const counters = h.sandbox.control.counters();
    // The storm left a fresh token behind: a second baseline after it cancels out order effects.
    const after = await timed(() => burst(h, CALLS));
    if (after.result > 0) throw new Error(`${after.result} calls failed with a fresh token`);
    return {
      freshMs: (before.ms + after.ms) / 2,
      stormMs: storm.ms,
      tokenRequests: counters.tokenRequests.refresh_token + counters.tokenRequests.authorization_code,
      failures: storm.result,
      graphqlCalls: counters.graphqlCalls,
    };
  } finally {
    await h.close();
    agent.destroy();
  }
}

async function run(): Promise<BenchResult> {
  const rounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i += 1) rounds.push(await round());

  const ratios = rounds.map((r) => r.stormMs / r.freshMs);
  const maxTokenRequests = Math.max(...rounds.map((r) => r.tokenRequests));
  const minTokenRequests = Math.min(...rounds.map((r) => r.tokenRequests));
  const failures = rounds.reduce((sum, r) => sum + r.failures, 0);
  const maxCalls = Math.max(...rounds.map((r) => r.graphqlCalls));
  return {
    figures: [
      { label: 'token requests per storm', value: maxTokenRequests, text: minTokenRequests === maxTokenRequests ? String(maxTokenRequests) : `${minTokenRequests}–${maxTokenRequests}` },
      { label: 'failed calls (all storms)', value: failures, text: String(failures) },
      { label: 'GraphQL requests per storm', value: maxCalls, text: `${maxCalls} (for ${CALLS} calls)` },
      { label: 'wall time, fresh token (median)', value: median(rounds.map((r) => r.freshMs)), text: formatMs(median(rounds.map((r) => r.freshMs))) },
      { label: 'wall time, expired token (median)', value: median(rounds.map((r) => r.stormMs)), text: formatMs(median(rounds.map((r) => r.stormMs))) },
      { label: 'ratio expired / fresh (median)', value: median(ratios), text: formatRatio(median(ratios)) },
      { label: 'ratio per round', value: ratios.map((r) => r.toFixed(2)).join(' '), text: ratios.map((r) => r.toFixed(2)).join(' ') },
    ],
    invariants: [
      { label: 'exactly 1 token request per storm', ok: minTokenRequests === 1 && maxTokenRequests === 1, detail: `min ${minTokenRequests}, max ${maxTokenRequests}` },
      { label: '0 failed calls', ok: failures === 0, detail: `${failures} failed` },
    ],
    notes: [
      `${ROUNDS} rounds, each on its own sandbox: connect, ${WARM_UP_CALLS} warm-up calls, ${CALLS} calls with a fresh token, the clock (shared by engine and sandbox) moved past expiry, ${CALLS} calls (the storm), ${CALLS} calls with the renewed token. Fresh = mean of the two fresh bursts.`,
      `FileTokenStore (fsync) in a temp dir; keep-alive HTTP agent, ${MAX_SOCKETS} sockets; sandbox throttle and rate limit raised out of the way.`,
    ],
  };
}

export const refreshStorm: Benchmark = {
  id: 'refresh-storm',
  title: `Refresh storm: ${CALLS.toLocaleString('en')} concurrent account() calls on an expired token`,
  run,
};
