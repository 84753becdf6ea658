/**
 * Wires the whole Electron-free engine (token client, account API, Session, GraphQL client) to a
 * real sandbox server on 127.0.0.1, for the integration tests and the benchmarks. It also records
 * what an outside observer would see: every HTTP exchange the engine makes (path, status, which
 * bearer token it carried), every log line, and every record the token store was asked to save.
 * No vitest imports: the benchmark (plain tsx) uses it too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { sandboxConfig } from '../../../electron/app/config';
import type { JobberConfig } from '../../../electron/auth/config-types';
import type { ConnectionState, ConnectionStatus } from '../../../electron/ipc/connection-state';
import { FileTokenStore } from './file-token-store';
import { MemoryTokenStore } from './memory-token-store';
import { type Clock, type RandomSource, type TimerHandle, systemClock } from '../../../electron/core/clock';
import { type Logger } from '../../../electron/core/logger';
import { type JobberAccountApi, type TokenEndpoint, type TokenStore } from '../../../electron/auth/ports';
import type { RefreshPolicy } from '../../../electron/auth/refresh-policy';
import { Session } from '../../../electron/auth/session';
import { createTokenClient } from '../../../electron/auth/token-client';
import type { StoredConnection } from '../../../electron/auth/token-model';
import { JobberGraphqlClient } from '../../../electron/jobber/graphql-client';
import { createJobberAccountApi } from '../../../electron/jobber/jobber-account-api';
import { followConsent } from '../../../sandbox/consent-driver';
import { SANDBOX_CLIENT, SANDBOX_DEFAULT_REDIRECT_URI, SANDBOX_PATHS, startSandbox, type Sandbox, type SandboxOptions } from '../../../sandbox/server';

export const HARNESS_GRAPHQL_VERSION = '2025-04-16';

// ---------------------------------------------------------------------------------------------
// Clock

/**
 * Real timers, but a `now()` the test can move forward. Share it with the sandbox
 * (`sandbox: { clock: () => clock.now() }`) and both sides agree on the jump, as two real
 * machines with synced clocks would after the time has passed. Timers keep running on real time;
 * the session's deadline timers re-check `now()` every `policy.maxTimerMs`, so a small maxTimerMs
 * makes them notice a jump promptly.
 */
export class ControlledClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    return systemClock.setTimer(ms, callback);
  }

  clearTimer(handle: TimerHandle): void {
    systemClock.clearTimer(handle);
  }

  /** Moves `now()` forward by `ms` at once. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

// ---------------------------------------------------------------------------------------------
// Recorders

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

export interface RecordingLogger extends Logger {
  readonly lines: LogLine[];
  /** Every line as text (level, message, JSON of the fields), for leak scans. */
  text(): string;
}

/** A Logger that keeps every line it is given. */
export function createRecordingLogger(): RecordingLogger {
  const lines: LogLine[] = [];
  const sink = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return {
    lines,
    info: sink('info'),
    warn: sink('warn'),
    error: sink('error'),
    text: () => lines.map((line) => `${line.level} ${line.message} ${JSON.stringify(line.fields ?? {})}`).join('\n'),
  };
}

/** One HTTP exchange the engine made (responses only; a dropped or timed-out request has none). */
export interface HttpExchange {
  /** URL path, e.g. /api/graphql. */
  path: string;
  status: number;
  /** The bearer token the request carried, if any (kept only in test memory, for assertions). */
  bearer: string | null;
  /** Sequence number shared with store saves, to check ordering. */
  seq: number;
}

export interface SavedRecord {
  seq: number;
  connection: StoredConnection;
}

/**
 * A TokenStore wrapper that remembers, in order, every record that was saved and every clear,
 * sharing a sequence counter with the HTTP recorder. `holdSaves` parks the next saves (a crash
 * simulation: the process "dies" while they wait).
 */
export class RecordingStore implements TokenStore {
  readonly saves: SavedRecord[] = [];
  clears = 0;
  private hold: { after: number; gate: Promise<void> } | null = null;

  constructor(
    readonly inner: TokenStore,
    private readonly nextSeq: () => number,
  ) {}

  load() {
    return this.inner.load();
  }

  async save(connection: StoredConnection): Promise<void> {
    if (this.hold) {
      if (this.hold.after <= 0) await this.hold.gate;
      else this.hold.after -= 1;
    }
    await this.inner.save(connection);
    this.saves.push({ seq: this.nextSeq(), connection: structuredClone(connection) });
  }

  async clear(): Promise<void> {
    await this.inner.clear();
    this.clears += 1;
  }

  /** Lets `after` more saves through, then parks every later save until `gate` resolves. */
  holdSavesAfter(after: number, gate: Promise<void>): void {
    this.hold = { after, gate };
  }

  /** The record currently persisted, or null (empty or unreadable). */
  async current(): Promise<StoredConnection | null> {
    const result = await this.inner.load();
    return result.kind === 'loaded' ? result.connection : null;
  }
}

function bearerOf(response: AxiosResponse): string | null {
  const headers = response.config.headers as unknown as { get?: (name: string) => unknown; Authorization?: unknown };
  const raw = typeof headers.get === 'function' ? headers.get('Authorization') : headers.Authorization;
  const match = typeof raw === 'string' ? /^Bearer\s+(\S+)$/i.exec(raw) : null;
  return match?.[1] ?? null;
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').pathname;
  } catch {
    return url ?? '';
  }
}

// ---------------------------------------------------------------------------------------------
// Harness

export interface EngineHarnessOptions {
  /** Options for startSandbox (the port is always 0 unless given). */
  sandbox?: SandboxOptions;
  /** The engine's clock (default: the system clock). */
  clock?: Clock;
  /** 'memory' (default) or 'file' (a FileTokenStore in a fresh temp dir), or a store of your own. */
  store?: 'memory' | 'file' | TokenStore;
  policy?: Partial<RefreshPolicy>;
  random?: RandomSource;
  /** Token endpoint request timeout (default 15 s). */
  tokenTimeoutMs?: number;
  /** GraphQL request timeout (default 30 s). */
  apiTimeoutMs?: number;
  /** The HTTP agent for every engine request (default: Node's global agent). */
  httpAgent?: Agent;
  /** Record HTTP exchanges (default true; the benchmark turns it off). */
  recordHttp?: boolean;
  /** Call session.start() before returning (default true). */
  start?: boolean;
  /** Wraps the token client the session uses (a mutation check swaps in a naive expiry). */
  wrapTokenEndpoint?: (endpoint: TokenEndpoint) => TokenEndpoint;
}

export interface Engine {
  session: Session;
  client: JobberGraphqlClient;
}

export interface EngineHarness {
  sandbox: Sandbox;
  config: JobberConfig;
  clock: Clock;
  /** The store of the current session (replaced by restart({ store })). */
  store: RecordingStore;
  /** The temp dir of a 'file' store (removed by close()), else null. */
  storeDir: string | null;
  logger: RecordingLogger;
  http: AxiosInstance;
  httpLog: HttpExchange[];
  tokenEndpoint: TokenEndpoint;
  accountApi: JobberAccountApi;
  session: Session;
  client: JobberGraphqlClient;
  /** Every state the current session published, in order. */
  published: ConnectionState[];
  /** Begin → consent page (Allow) → completeConnect. Resolves connected. */
  connect(): Promise<void>;
  /**
   * A second Session (and GraphQL client) over the same store, sandbox, clock and logger, as after
   * an app restart; it becomes `session`/`client`. Started unless `start: false`. `store` replaces
   * the token store (e.g. a fresh FileTokenStore over the same file after a simulated crash).
   */
  restart(options?: { start?: boolean; store?: TokenStore }): Promise<Engine>;
  /** POSTs a refresh_token grant straight to the sandbox (bypassing the engine). */
  rawRefresh(refreshToken: string): Promise<{ status: number; body: unknown }>;
  /** Stops the session(s), closes the sandbox, removes the temp dir. */
  close(): Promise<void>;
}

/** Starts a sandbox on port 0 and an engine wired to it. */
export async function startEngine(options: EngineHarnessOptions = {}): Promise<EngineHarness> {
  const sandbox = await startSandbox({ port: 0, ...options.sandbox });
  const clock = options.clock ?? systemClock;
  const config = sandboxConfig(sandbox.url, {
    redirectUri: options.sandbox?.redirectUris?.[0] ?? SANDBOX_DEFAULT_REDIRECT_URI,
    graphqlVersion: HARNESS_GRAPHQL_VERSION,
    authMode: 'app-window',
  });
  let seq = 0;
  const nextSeq = () => ++seq;

  let storeDir: string | null = null;
  let inner: TokenStore;
  if (options.store === 'file') {
    storeDir = mkdtempSync(path.join(tmpdir(), 'jobber-connect-engine-'));
    inner = new FileTokenStore(path.join(storeDir, 'tokens.json'));
  } else if (options.store === undefined || options.store === 'memory') {
    inner = new MemoryTokenStore();
  } else {
    inner = options.store;
  }
  let store = new RecordingStore(inner, nextSeq);
  const logger = createRecordingLogger();

  const http = axios.create(options.httpAgent ? { httpAgent: options.httpAgent } : {});
  const httpLog: HttpExchange[] = [];
  if (options.recordHttp !== false) {
    http.interceptors.response.use((response) => {
      httpLog.push({ path: pathOf(response.config.url), status: response.status, bearer: bearerOf(response), seq: nextSeq() });
      return response;
    });
  }

  const tokenEndpoint = createTokenClient({
    config,
    clock,
    logger,
    http,
    ...(options.tokenTimeoutMs !== undefined ? { timeoutMs: options.tokenTimeoutMs } : {}),
  });
  const accountApi = createJobberAccountApi({
    config,
    http,
    ...(options.apiTimeoutMs !== undefined ? { timeoutMs: options.apiTimeoutMs } : {}),
  });

  const published: ConnectionState[] = [];
  const sessions: Session[] = [];
  const build = (): Engine => {
    const session = new Session({
      config,
      tokenEndpoint: options.wrapTokenEndpoint ? options.wrapTokenEndpoint(tokenEndpoint) : tokenEndpoint,
      jobberApi: accountApi,
      store,
      clock,
      logger,
      ...(options.random ? { random: options.random } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
    });
    session.subscribe((state) => {
      if (harness.session === session) published.push(state);
    });
    const client = new JobberGraphqlClient({
      config,
      tokens: session,
      clock,
      http,
      logger,
      ...(options.apiTimeoutMs !== undefined ? { timeoutMs: options.apiTimeoutMs } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    sessions.push(session);
    return { session, client };
  };

  const harness: EngineHarness = {
    sandbox,
    config,
    clock,
    store,
    storeDir,
    logger,
    http,
    httpLog,
    tokenEndpoint,
    accountApi,
    session: undefined as unknown as Session,
    client: undefined as unknown as JobberGraphqlClient,
    published,
    async connect() {
      const { authorizeUrl } = harness.session.beginConnect();
      const callbackUrl = await followConsent(authorizeUrl, 'allow');
      await harness.session.completeConnect(callbackUrl);
    },
    async restart(restartOptions = {}) {
      if (restartOptions.store) {
        store = new RecordingStore(restartOptions.store, nextSeq);
        harness.store = store;
      }
      const engine = build();
      harness.session = engine.session;
      harness.client = engine.client;
      published.length = 0;
      if (restartOptions.start !== false) await engine.session.start();
      return engine;
    },
    async rawRefresh(refreshToken) {
      const response = await fetch(`${sandbox.url}${SANDBOX_PATHS.token}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: SANDBOX_CLIENT.clientId,
          client_secret: SANDBOX_CLIENT.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        }).toString(),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // leave the text as is
      }
      return { status: response.status, body };
    },
    async close() {
      await Promise.all(sessions.map((session) => session.stop().catch(() => undefined)));
      await sandbox.close();
      if (storeDir) rmSync(storeDir, { recursive: true, force: true });
    },
  };
  const first = build();
  harness.session = first.session;
  harness.client = first.client;
  if (options.start !== false) await first.session.start();
  return harness;
}

// ---------------------------------------------------------------------------------------------
// Waiting

/**
 * Resolves with the session's state once its status is `status` (and `predicate` holds), polling
 * every few milliseconds. Rejects after `timeoutMs` with the last state seen.
 */
export async function waitForState<S extends ConnectionStatus>(
  session: Session,
  status: S,
  timeoutMs = 5_000,
  predicate: (state: Extract<ConnectionState, { status: S }>) => boolean = () => true,
): Promise<Extract<ConnectionState, { status: S }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = session.getState();
    if (state.status === status && predicate(state as Extract<ConnectionState, { status: S }>)) {
      return state as Extract<ConnectionState, { status: S }>;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for state ${status}; last state: ${JSON.stringify(state)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Polls `condition` every few milliseconds until it is true; rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Narrows a state to `status` or throws with the state in the message. */
export function expectStatus<S extends ConnectionStatus>(state: ConnectionState, status: S): Extract<ConnectionState, { status: S }> {
  if (state.status !== status) throw new Error(`expected state ${status}, got ${state.status}: ${JSON.stringify(state)}`);
  return state as Extract<ConnectionState, { status: S }>;
}

/** The `state` and `code` of a callback URL (custom scheme or http). */
export function callbackParts(callbackUrl: string): { code: string | null; state: string | null } {
  const params = new URL(callbackUrl).searchParams;
  return { code: params.get('code'), state: params.get('state') };
}
