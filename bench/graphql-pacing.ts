/**
 * GraphQL pacing: 10,000 queries of mixed cost (3 to 499 points) from 50 concurrent callers on
 * one account's bucket (10,000 points, 500 restored per second), through JobberGraphqlClient and
 * through a naive client (no pacing, resend on THROTTLED), each against a fresh sandbox. Sandbox
 * and client share a clock running TIME_SCALE times faster than real time, so the run takes
 * seconds; every figure is in sandbox time. The theoretical minimum is the time to restore the
 * points spent beyond the full bucket: (actual cost − 10,000) / 500 s.
 */
import { Agent } from 'node:http';
import { sandboxConfig } from '../electron/app/config';
import { JobberGraphqlClient } from '../electron/jobber/graphql-client';
import { graphqlUrl } from '../electron/jobber/graphql-post';
import { followConsent } from '../sandbox/consent-driver';
import { SANDBOX_CLIENT, SANDBOX_DEFAULT_REDIRECT_URI, startSandbox } from '../sandbox/server';
import { type AnswerTally, countingHttp, naiveRequest, queryMix, ScaledClock } from './graphql-pacing-clients';
import { formatRatio } from './stats';
import type { BenchResult, Benchmark, Figure, Invariant } from './types';

const QUERIES = Number(process.env.BENCH_GRAPHQL_QUERIES ?? 10_000);
const CALLERS = 50;
const BUCKET = { maximumAvailable: 10_000, restoreRate: 500 };
const TIME_SCALE = Number(process.env.BENCH_GRAPHQL_SCALE ?? 50);
const VERSION = '2025-04-16';

/** Sockets per host: few, so that none sits idle long enough for the server to close it under us. */
const MAX_SOCKETS = 8;

interface Run {
  tally: AnswerTally;
  wallSeconds: number;
  failures: number;
  /** Failure kinds (AuthError kind or error code) and how often each happened. */
  failureKinds: Record<string, number>;
}

type Send = (query: string, cost: number) => Promise<void>;

async function connectToken(url: string): Promise<string> {
  const authorize = new URL('/api/oauth/authorize', url);
  authorize.search = new URLSearchParams({ response_type: 'code', client_id: SANDBOX_CLIENT.clientId, redirect_uri: SANDBOX_DEFAULT_REDIRECT_URI, state: 'bench' }).toString();
  const code = new URL(await followConsent(authorize.toString(), 'allow')).searchParams.get('code') ?? '';
  const response = await fetch(new URL('/api/oauth/token', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...{ client_id: SANDBOX_CLIENT.clientId, client_secret: SANDBOX_CLIENT.clientSecret }, grant_type: 'authorization_code', code, redirect_uri: SANDBOX_DEFAULT_REDIRECT_URI }).toString(),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function runOnce(kind: 'paced' | 'naive'): Promise<Run> {
  const clock = new ScaledClock(TIME_SCALE);
  const sandbox = await startSandbox({ clock: () => clock.now(), throttle: BUCKET, accessTokenLifetimeSec: 10 ** 9, account: { id: 'bench-account', name: 'Bench Co.', clients: 250 } });
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const tally: AnswerTally = { throttled: 0, rateLimited: 0, ok: 0, actualCost: 0 };
  try {
    const token = await connectToken(sandbox.url);
    const http = countingHttp(agent, tally);
    const config = sandboxConfig(sandbox.url, { redirectUri: SANDBOX_DEFAULT_REDIRECT_URI, graphqlVersion: VERSION, authMode: 'app-window' });
    let send: Send;
    if (kind === 'paced') {
      const tokens = { getAccessToken: async () => token, reportUnauthorized: async () => token, reportDisconnectedInJobber: () => undefined };
      // The bench counts THROTTLED answers: it never gives a query up.
      const client = new JobberGraphqlClient({ config, tokens, clock, http, maxThrottledMs: Number.POSITIVE_INFINITY });
      send = async (query) => void (await client.request(query));
    } else {
      send = (query) => naiveRequest(http, graphqlUrl(config), token, VERSION, query, clock);
    }
    const queue = queryMix(QUERIES);
    let failures = 0;
    const failureKinds: Record<string, number> = {};
    const fail = (error: unknown) => {
      failures += 1;
      const kind = String((error as { kind?: unknown; code?: unknown } | null)?.kind ?? (error as { code?: unknown } | null)?.code ?? 'unknown');
      failureKinds[kind] = (failureKinds[kind] ?? 0) + 1;
    };
    const started = clock.now();
    const caller = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await send(next.query, next.cost).catch(fail);
    };
    await Promise.all(Array.from({ length: CALLERS }, caller));
    return { tally, wallSeconds: (clock.now() - started) / 1000, failures, failureKinds };
  } finally {
    agent.destroy();
    await sandbox.close();
  }
}

function figures(label: string, run: Run): Figure[] {
  const throughput = run.tally.actualCost / run.wallSeconds / BUCKET.restoreRate;
  const minimum = Math.max(0, run.tally.actualCost - BUCKET.maximumAvailable) / BUCKET.restoreRate;
  const wallRatio = run.wallSeconds / minimum;
  return [
    { label: `${label}: THROTTLED answers`, value: run.tally.throttled, text: String(run.tally.throttled) },
    { label: `${label}: 429 answers`, value: run.tally.rateLimited, text: String(run.tally.rateLimited) },
    { label: `${label}: cost throughput / restore rate`, value: throughput, text: formatRatio(throughput) },
    { label: `${label}: wall time / theoretical minimum`, value: wallRatio, text: `${formatRatio(wallRatio)} (${run.wallSeconds.toFixed(0)} s vs ${minimum.toFixed(0)} s, sandbox time)` },
  ];
}

export { runOnce };

export const graphqlPacing: Benchmark = {
  id: 'graphql-pacing',
  title: `GraphQL pacing: ${QUERIES.toLocaleString('en')} mixed-cost queries, ${CALLERS} callers, one account bucket (JobberGraphqlClient vs naive)`,
  async run(): Promise<BenchResult> {
    const paced = await runOnce('paced');
    const naive = await runOnce('naive');
    const throughput = paced.tally.actualCost / paced.wallSeconds / BUCKET.restoreRate;
    const wallRatio = paced.wallSeconds / (Math.max(0, paced.tally.actualCost - BUCKET.maximumAvailable) / BUCKET.restoreRate);
    const invariants: Invariant[] = [
      { label: 'every paced query answered', ok: paced.failures === 0 && paced.tally.ok === QUERIES, detail: `${paced.tally.ok} answered, ${paced.failures} failed ${JSON.stringify(paced.failureKinds)}` },
      { label: 'paced: THROTTLED answers = 0', ok: paced.tally.throttled === 0, detail: String(paced.tally.throttled) },
      { label: 'paced: 429 answers = 0', ok: paced.tally.rateLimited === 0, detail: String(paced.tally.rateLimited) },
      { label: 'paced: throughput ≥ 0.90', ok: throughput >= 0.9, detail: formatRatio(throughput) },
      { label: 'paced: wall time ≤ 1.10 × minimum', ok: wallRatio <= 1.1, detail: formatRatio(wallRatio) },
    ];
    return {
      figures: [...figures('JobberGraphqlClient', paced), ...figures('naive client', naive)],
      invariants,
      notes: [
        `Bucket ${BUCKET.maximumAvailable} points, ${BUCKET.restoreRate}/s; 2,500 requests / 300 s; sandbox time ×${TIME_SCALE}.`,
        'Mix: 20 % account { id name } (3 points), 80 % clients(first: N) { nodes { id name } } (1 + 2N, N 1…249).',
        `Naive client failures: ${naive.failures} ${JSON.stringify(naive.failureKinds)}.`,
        `Naive client: no pacing; on THROTTLED each caller waits (needed − available) / restoreRate and resends; on 429 waits 1 s.`,
      ],
    };
  },
};
