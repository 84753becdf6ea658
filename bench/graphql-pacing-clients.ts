/**
 * The pieces of the GraphQL pacing benchmark: a time-scaled clock shared by the sandbox and the
 * client, the query mix, an axios instance that counts what came back (THROTTLED, 429, actual
 * cost), and the naive client the paced one is compared with.
 */
import type { Agent } from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import type { Clock, TimerHandle } from '../electron/core/clock';

/** Sandbox time runs `scale` times faster than real time; timers shrink to match. */
export class ScaledClock implements Clock {
  private readonly realStart = performance.now();

  constructor(
    private readonly scale: number,
    private readonly start: number = Date.UTC(2025, 5, 2, 9, 0, 0),
  ) {}

  now(): number {
    return this.start + (performance.now() - this.realStart) * this.scale;
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    return setTimeout(callback, Math.max(0, ms) / this.scale);
  }

  clearTimer(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

/** One query of the mix, with its cost by Jobber's rules (every connection page is full). */
export interface MixQuery {
  query: string;
  cost: number;
}

/**
 * `count` queries costing 3 to 499 points: a fifth `account { id name }` (3), the rest
 * `clients(first: N) { nodes { id name } }` (1 + 2N) with N spread over 1…249. Deterministic.
 */
export function queryMix(count: number): MixQuery[] {
  let seed = 0x2545f491;
  const next = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    if (next() < 0.2) return { query: 'query { account { id name } }', cost: 3 };
    const first = 1 + Math.floor(next() * 249);
    return { query: `query { clients(first: ${first}) { nodes { id name } } }`, cost: 1 + 2 * first };
  });
}

export interface AnswerTally {
  throttled: number;
  rateLimited: number;
  ok: number;
  actualCost: number;
}

/** An axios instance whose every GraphQL answer is tallied before the client sees it. */
export function countingHttp(agent: Agent, tally: AnswerTally): AxiosInstance {
  const http = axios.create({ httpAgent: agent });
  http.interceptors.response.use((response) => {
    const text = typeof response.data === 'string' ? response.data : JSON.stringify(response.data ?? '');
    if (text.includes('"THROTTLED"')) tally.throttled += 1;
    else if (response.status === 429) tally.rateLimited += 1;
    else if (response.status === 200) {
      tally.ok += 1;
      const match = /"actualQueryCost":(\d+)/.exec(text);
      tally.actualCost += match ? Number(match[1]) : 0;
    }
    return response;
  });
  return http;
}

/**
 * What many integrations do: no pacing; on THROTTLED, each caller waits
 * (needed − available) / restoreRate on its own and resends; on a 429, waits a second and resends.
 */
export async function naiveRequest(http: AxiosInstance, url: string, token: string, version: string, query: string, clock: Clock): Promise<void> {
  const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));
  for (;;) {
    const response = await http.post<string>(url, JSON.stringify({ query }), {
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'X-JOBBER-GRAPHQL-VERSION': version },
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
    });
    if (response.status === 429 && !response.data.includes('THROTTLED')) {
      await sleep(1_000);
      continue;
    }
    const body = JSON.parse(response.data) as {
      errors?: { extensions?: { code?: string } }[];
      extensions?: { cost?: { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number; restoreRate: number } } };
    };
    if (!body.errors?.some((error) => error.extensions?.code === 'THROTTLED')) return;
    const cost = body.extensions?.cost;
    const waitMs = cost ? ((cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable) / cost.throttleStatus.restoreRate) * 1000 : 1_000;
    await sleep(Math.max(1, waitMs));
  }
}
