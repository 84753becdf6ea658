/**
 * Broker throughput: `POST /v1/token` requests per second and p50/p99 latency on a fresh token
 * (the steady path: decrypt and answer, no call to Jobber), from 10 devices on one grant, with a
 * closed loop of concurrent clients. One instance on PGlite (in this process: PGlite's folder
 * belongs to one process), then one and two instances on PostgreSQL (each in its own process,
 * `broker/main.ts`, so two instances really have two event loops), and the two/one ratio.
 * PostgreSQL comes from BROKER_BENCH_DATABASE_URL or BROKER_TEST_DATABASE_URL; without it those
 * figures are reported as not measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { hashSecret, newSecret } from '../broker/secrets';
import { connectDevice, post } from '../test/support/broker/app-client';
import { startHarness, type Harness } from '../test/support/broker/broker-harness';
import { startChildBroker, type ChildBroker } from '../test/support/broker/child-broker';
import { POSTGRES_URL } from '../test/support/broker/databases';
import { formatMs, formatRatio, percentile } from './stats';
import type { BenchResult, Benchmark, Figure, Invariant } from './types';

const REQUESTS = 2_000;
const WARM_UP = 200;
const CONCURRENCY = 32;
const DEVICES = 10;

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

/** Ten device credentials on the harness's one grant (the first through the real connect flow). */
async function devices(h: Harness): Promise<string[]> {
  const first = await connectDevice(h);
  const grantId = String((await h.db.rows('grants'))[0]!.id);
  const credentials = [first.credential];
  while (credentials.length < DEVICES) {
    const credential = newSecret();
    await h.brokers[0]!.storage.addDevice(hashSecret(credential), grantId, Date.now());
    credentials.push(credential);
  }
  return credentials;
}

/** A closed loop: CONCURRENCY clients, each sending its next request when the last is answered. */
async function load(urls: readonly string[], credentials: readonly string[], total: number): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const sent = performance.now();
        const answer = await post(`${urls[i % urls.length]}/v1/token`, {}, credentials[i % credentials.length]).catch(() => null);
        latencies.push(performance.now() - sent);
        if (answer?.status !== 200) failures += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures };
}

async function measure(urls: readonly string[], credentials: readonly string[]): Promise<Run> {
  await load(urls, credentials, WARM_UP);
  return load(urls, credentials, REQUESTS);
}

function figures(label: string, run: Run | null): Figure[] {
  if (!run) return [{ label: `${label}: not measured`, value: null, text: 'no PostgreSQL (set BROKER_TEST_DATABASE_URL)' }];
  return [
    { label: `${label}: token requests/s`, value: Math.round(run.perSecond), text: `${Math.round(run.perSecond)} /s` },
    { label: `${label}: p50 / p99`, value: `${run.p50.toFixed(2)}/${run.p99.toFixed(2)}`, text: `${formatMs(run.p50)} / ${formatMs(run.p99)}` },
  ];
}

async function pgliteRun(): Promise<{ run: Run; refreshes: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'broker-bench-'));
  const pglite = await PGlite.create(dir);
  const h = await startHarness({ engine: 'pglite', pglite });
  try {
    const credentials = await devices(h);
    h.sandbox.control.resetCounters();
    const run = await measure([h.url], credentials);
    return { run, refreshes: h.sandbox.control.counters().tokenRequests.refresh_token };
  } finally {
    await h.close();
    await pglite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresRuns(): Promise<{ one: Run; two: Run; refreshes: number }> {
  const h = await startHarness({ engine: 'postgres' });
  const children: ChildBroker[] = [];
  try {
    const credentials = await devices(h);
    children.push(await startChildBroker(h), await startChildBroker(h));
    h.sandbox.control.resetCounters();
    const one = await measure([children[0]!.url], credentials);
    const two = await measure(children.map((child) => child.url), credentials);
    return { one, two, refreshes: h.sandbox.control.counters().tokenRequests.refresh_token };
  } finally {
    for (const child of children) await child.kill();
    await h.close();
  }
}

export const brokerThroughput: Benchmark = {
  id: 'broker',
  title: 'Broker: POST /v1/token throughput (1 instance PGlite, 1 and 2 instances PostgreSQL)',
  async run(): Promise<BenchResult> {
    const invariants: Invariant[] = [];
    const loadBefore = loadavg()[0] ?? 0;
    const lite = await pgliteRun();
    const pg = POSTGRES_URL !== '' ? await postgresRuns() : null;
    const runs = [lite.run, pg?.one, pg?.two].filter((run): run is Run => run !== undefined);
    const failures = runs.reduce((sum, run) => sum + run.failures, 0);
    invariants.push({ label: 'every request answered 200', ok: failures === 0, detail: `${failures} failure(s)` });
    const refreshes = lite.refreshes + (pg?.refreshes ?? 0);
    invariants.push({ label: 'no refresh at Jobber on a fresh token', ok: refreshes === 0, detail: `${refreshes} refresh request(s)` });
    const ratio = pg ? pg.two.perSecond / pg.one.perSecond : Number.NaN;
    return {
      figures: [
        ...figures('1 instance, PGlite', lite.run),
        ...figures('1 instance, PostgreSQL', pg?.one ?? null),
        ...figures('2 instances, PostgreSQL', pg?.two ?? null),
        { label: '2 instances / 1 instance (PostgreSQL)', value: Number.isFinite(ratio) ? Number(ratio.toFixed(2)) : null, text: formatRatio(ratio) },
      ],
      invariants,
      notes: [
        `${REQUESTS} requests after ${WARM_UP} warm-up, ${CONCURRENCY} concurrent clients, ${DEVICES} devices on one grant; load generator, sandbox and PGlite broker in this process, PostgreSQL brokers in child processes.`,
        'The two-instance figure is bounded by the machine: the load generator and both instances share its cores.',
        `Load average (1 min) at the start: ${loadBefore.toFixed(1)} on ${cpus().length} cores; other work on the machine lowers every figure.`,
      ],
    };
  },
};
