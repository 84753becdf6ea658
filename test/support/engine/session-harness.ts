/**
 * Builds a Session wired to fakes (clock, token endpoint, account API, memory store, capturing
 * logger) and offers the few steps most session tests share.
 */
import type { JobberConfig } from '../../../electron/auth/config-types';
import type { ConnectionState } from '../../../electron/ipc/connection-state';
import { MemoryTokenStore } from './memory-token-store';
import type { RandomSource } from '../../../electron/core/clock';
import type { Logger } from '../../../electron/core/logger';
import type { RefreshPolicy } from '../../../electron/auth/refresh-policy';
import { Session } from '../../../electron/auth/session';
import type { StoredConnection } from '../../../electron/auth/token-model';
import { FakeClock } from '../fake-clock';
import { FakeJobberAccountApi, FakeTokenEndpoint } from './fake-token-endpoint';

export const CONFIG: JobberConfig = {
  environment: 'sandbox',
  clientId: 'client-id-for-tests',
  clientSecret: 'client-secret-for-tests-0123',
  redirectUri: 'http://127.0.0.1:53682/oauth/callback',
  apiBaseUrl: 'http://127.0.0.1:9',
  graphqlVersion: '2025-04-16',
  authMode: 'app-window',
};

export const MINUTE = 60_000;
export const AUTH_CODE = 'authorization-code-0123456789';

export interface HarnessOptions {
  /** A record already in the store (built with the endpoint so its refresh token is live). */
  stored?: (endpoint: FakeTokenEndpoint, clock: FakeClock) => StoredConnection | null;
  random?: RandomSource;
  policy?: Partial<RefreshPolicy>;
  config?: Partial<JobberConfig>;
  store?: MemoryTokenStore;
}

export function createHarness(options: HarnessOptions = {}) {
  const clock = new FakeClock();
  const endpoint = new FakeTokenEndpoint(clock);
  const api = new FakeJobberAccountApi();
  const stored = options.stored?.(endpoint, clock) ?? null;
  const store = options.store ?? new MemoryTokenStore(stored);
  const logLines: string[] = [];
  const logger: Logger = {
    info: (message, fields) => logLines.push(`info ${message} ${JSON.stringify(fields ?? {})}`),
    warn: (message, fields) => logLines.push(`warn ${message} ${JSON.stringify(fields ?? {})}`),
    error: (message, fields) => logLines.push(`error ${message} ${JSON.stringify(fields ?? {})}`),
  };
  const session = new Session({
    config: { ...CONFIG, ...options.config },
    tokenEndpoint: endpoint,
    jobberApi: api,
    store,
    clock,
    random: options.random ?? (() => 0.5),
    logger,
    ...(options.policy ? { policy: options.policy } : {}),
  });
  const published: ConnectionState[] = [];
  session.subscribe((state) => published.push(state));

  /** Distinct statuses in the order they were published (consecutive repeats collapsed). */
  const statuses = (): string[] =>
    published.map((state) => state.status).filter((status, index, all) => index === 0 || all[index - 1] !== status);

  return { clock, endpoint, api, store, session, logLines, published, statuses };
}

export type Harness = ReturnType<typeof createHarness>;

/** The `state` value inside an authorize URL. */
export function stateOf(authorizeUrl: string): string {
  const state = new URL(authorizeUrl).searchParams.get('state');
  if (!state) throw new Error('authorize URL without state');
  return state;
}

export function callbackUrl(state: string | null, code: string | null = AUTH_CODE): string {
  const params = new URLSearchParams();
  if (code !== null) params.set('code', code);
  if (state !== null) params.set('state', state);
  const query = params.toString();
  return query ? `${CONFIG.redirectUri}?${query}` : CONFIG.redirectUri;
}

/** Runs a full Connect through the fakes. */
export async function connect(harness: Harness): Promise<void> {
  const { authorizeUrl } = harness.session.beginConnect();
  await harness.session.completeConnect(callbackUrl(stateOf(authorizeUrl)));
}

/** Asserts the state's status and returns it narrowed. */
export function stateAs<S extends ConnectionState['status']>(session: Session, status: S): Extract<ConnectionState, { status: S }> {
  const state = session.getState();
  if (state.status !== status) throw new Error(`expected state ${status}, got ${state.status}: ${JSON.stringify(state)}`);
  return state as Extract<ConnectionState, { status: S }>;
}
