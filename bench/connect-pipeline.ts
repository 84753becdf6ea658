/**
 * Connect pipeline: from the callback URL to "connected" (callback validated, code exchanged,
 * tokens persisted to a FileTokenStore, account fetched and persisted), timed per run, beside a
 * bare form-encoded authorization_code POST to the same sandbox. The consent page is played before
 * each timed part and is not timed.
 */
import axios from 'axios';
import { followConsent } from '../sandbox/consent-driver';
import { SANDBOX_CLIENT, SANDBOX_PATHS } from '../sandbox/server';
import { expectStatus, startEngine, type EngineHarness } from '../test/support/engine/engine-harness';
import { formatMs, formatRatio, median, percentile, timed } from './stats';
import type { BenchResult, Benchmark } from './types';

const RUNS = 200;
const WARM_UP = 10;

/** A code from the consent page for an authorize request the engine did not start. */
async function consentCode(h: EngineHarness): Promise<string> {
  const url = new URL(`${h.sandbox.url}${SANDBOX_PATHS.authorize}`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: SANDBOX_CLIENT.clientId,
    redirect_uri: h.config.redirectUri,
    state: 'bench-state',
  }).toString();
  const code = new URL(await followConsent(url.toString(), 'allow')).searchParams.get('code');
  if (!code) throw new Error('the consent page returned no code');
  return code;
}

async function pipelineRun(h: EngineHarness): Promise<number> {
  await h.session.stop();
  await h.store.clear();
  await h.restart();
  const { authorizeUrl } = h.session.beginConnect();
  const callbackUrl = await followConsent(authorizeUrl, 'allow');
  const { ms } = await timed(() => h.session.completeConnect(callbackUrl));
  expectStatus(h.session.getState(), 'connected');
  return ms;
}

async function barePostRun(h: EngineHarness, http: ReturnType<typeof axios.create>): Promise<number> {
  const code = await consentCode(h);
  const { result, ms } = await timed(() =>
    http.post<{ access_token?: unknown }>(
      `${h.sandbox.url}${SANDBOX_PATHS.token}`,
      new URLSearchParams({
        client_id: SANDBOX_CLIENT.clientId,
        client_secret: SANDBOX_CLIENT.clientSecret,
        grant_type: 'authorization_code',
        code,
        redirect_uri: h.config.redirectUri,
      }).toString(),
      { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
    ),
  );
  if (result.status !== 200 || typeof result.data.access_token !== 'string') throw new Error('the bare token POST failed');
  return ms;
}

async function run(): Promise<BenchResult> {
  const h = await startEngine({ store: 'file', recordHttp: false });
  // The same pipeline over an in-memory store, to show what the durable writes cost.
  const memory = await startEngine({ store: 'memory', recordHttp: false });
  const http = axios.create();
  const pipeline: number[] = [];
  const inMemory: number[] = [];
  const bare: number[] = [];
  try {
    // Interleaved, so drift (JIT, GC, a busy machine) touches every series alike.
    for (let i = 0; i < WARM_UP + RUNS; i += 1) {
      const p = await pipelineRun(h);
      const b = await barePostRun(h, http);
      const m = await pipelineRun(memory);
      if (i >= WARM_UP) {
        pipeline.push(p);
        bare.push(b);
        inMemory.push(m);
      }
    }
  } finally {
    await h.close();
    await memory.close();
  }
  const ratio = median(pipeline) / median(bare);
  return {
    figures: [
      { label: 'pipeline median', value: median(pipeline), text: formatMs(median(pipeline)) },
      { label: 'pipeline p90', value: percentile(pipeline, 90), text: formatMs(percentile(pipeline, 90)) },
      { label: 'bare token POST median', value: median(bare), text: formatMs(median(bare)) },
      { label: 'bare token POST p90', value: percentile(bare, 90), text: formatMs(percentile(bare, 90)) },
      { label: 'ratio pipeline / bare POST (medians)', value: ratio, text: formatRatio(ratio) },
      { label: 'pipeline median, in-memory store', value: median(inMemory), text: `${formatMs(median(inMemory))} (${formatRatio(median(inMemory) / median(bare))} the bare POST)` },
    ],
    invariants: [],
    notes: [
      `${RUNS} runs after ${WARM_UP} warm-up runs, interleaved. Pipeline = Session.completeConnect(callbackUrl): callback checks, code exchange, FileTokenStore save (fsync), account { id name }, second save.`,
      'Bare POST = one form-encoded authorization_code exchange with axios, JSON parsed. The consent page is played before each timed part.',
    ],
  };
}

export const connectPipeline: Benchmark = {
  id: 'connect-pipeline',
  title: 'Connect pipeline: callback URL → validated → exchanged → persisted → connected',
  run,
};
