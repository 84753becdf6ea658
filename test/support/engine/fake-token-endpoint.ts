/**
 * Scriptable stand-ins for the session's network ports: a TokenEndpoint that rotates refresh
 * tokens the way Jobber does (the spent one dies at once), and a JobberAccountApi. Tests queue
 * failures, hold a request mid-flight, and read back every call.
 */
import { randomBytes } from 'node:crypto';
import { AuthError } from '../../../electron/core/errors';
import type { AccountSummary } from '../../../electron/ipc/connection-state';
import type { Clock } from '../../../electron/core/clock';
import type { JobberAccountApi, TokenEndpoint } from '../../../electron/auth/ports';
import type { StoredConnection, TokenSet } from '../../../electron/auth/token-model';
import { deferred, type Deferred } from '../deferred';

export const HOUR_MS = 60 * 60 * 1000;

type RefreshStep =
  | { kind: 'fail'; error: AuthError; rotateFirst: boolean }
  | { kind: 'hold'; gate: Deferred<void> };

export class FakeTokenEndpoint implements TokenEndpoint {
  readonly refreshCalls: string[] = [];
  readonly exchangeCalls: string[] = [];
  /** Every token this endpoint ever issued (for leak scans). */
  readonly issued: string[] = [];
  /** Called synchronously when a refresh request arrives, before it is answered. */
  onRefresh: ((refreshToken: string) => void) | null = null;
  lifetimeMs: number;
  private readonly live = new Set<string>();
  private readonly refreshSteps: RefreshStep[] = [];
  private readonly exchangeFailures: AuthError[] = [];
  private readonly exchangeHolds: Deferred<void>[] = [];
  private counter = 0;

  constructor(
    private readonly clock: Clock,
    options: { lifetimeMs?: number } = {},
  ) {
    this.lifetimeMs = options.lifetimeMs ?? HOUR_MS;
  }

  /** A fresh token pair whose refresh token is live. */
  issue(): TokenSet {
    this.counter += 1;
    const accessToken = `eyJhbGciOiJIUzI1NiJ9.access${this.counter}${randomBytes(8).toString('hex')}.sig${this.counter}`;
    const refreshToken = `rt_${this.counter}_${randomBytes(12).toString('hex')}`;
    this.live.add(refreshToken);
    this.issued.push(accessToken, refreshToken);
    const now = this.clock.now();
    return {
      accessToken,
      refreshToken,
      accessTokenIssuedAt: now,
      accessTokenExpiresAt: now + this.lifetimeMs,
      expirySource: 'jwt-exp',
    };
  }

  /** A stored record holding a freshly issued pair (as if saved by an earlier run). */
  seedConnection(overrides: Partial<StoredConnection> = {}): StoredConnection {
    return {
      version: 1,
      tokens: this.issue(),
      account: { id: 'acc-1', name: "Pat's Plumbing" },
      connectedAt: this.clock.now(),
      lastRefresh: null,
      refreshInFlight: null,
      ...overrides,
    };
  }

  isLive(refreshToken: string): boolean {
    return this.live.has(refreshToken);
  }

  /** Jobber forgets every grant (disconnect in Jobber, secret roll). */
  revokeAll(): void {
    this.live.clear();
  }

  /** The next refresh fails with `error` (optionally after Jobber already rotated: a lost response). */
  failNextRefresh(error: AuthError, options: { times?: number; rotateFirst?: boolean } = {}): void {
    for (let i = 0; i < (options.times ?? 1); i += 1) {
      this.refreshSteps.push({ kind: 'fail', error, rotateFirst: options.rotateFirst ?? false });
    }
  }

  /** The next refresh waits until the returned gate is resolved (or rejected to fail it). */
  holdNextRefresh(): Deferred<void> {
    const gate = deferred<void>();
    this.refreshSteps.push({ kind: 'hold', gate });
    return gate;
  }

  failNextExchange(error: AuthError): void {
    this.exchangeFailures.push(error);
  }

  /** The next code exchange waits until the returned gate is resolved (or rejected to fail it). */
  holdNextExchange(): Deferred<void> {
    const gate = deferred<void>();
    this.exchangeHolds.push(gate);
    return gate;
  }

  async exchangeCode(code: string): Promise<TokenSet> {
    this.exchangeCalls.push(code);
    const hold = this.exchangeHolds.shift();
    if (hold) await hold.promise;
    await Promise.resolve();
    const failure = this.exchangeFailures.shift();
    if (failure) throw failure;
    return this.issue();
  }

  async refresh(refreshToken: string): Promise<TokenSet> {
    this.refreshCalls.push(refreshToken);
    this.onRefresh?.(refreshToken);
    const step = this.refreshSteps.shift();
    if (step?.kind === 'hold') await step.gate.promise;
    await Promise.resolve();
    if (step?.kind === 'fail' && !step.rotateFirst) throw step.error;
    if (!this.live.has(refreshToken)) throw new AuthError('rejected-grant', 'The provided refresh token is not valid.');
    this.live.delete(refreshToken);
    const fresh = this.issue();
    if (step?.kind === 'fail') throw step.error;
    return fresh;
  }
}

export type DisconnectBehaviour = 'ok' | 'hang' | AuthError;

export class FakeJobberAccountApi implements JobberAccountApi {
  account: AccountSummary = { id: 'acc-1', name: "Pat's Plumbing" };
  readonly fetchCalls: string[] = [];
  readonly disconnectCalls: string[] = [];
  disconnectBehaviour: DisconnectBehaviour = 'ok';
  private readonly fetchFailures: AuthError[] = [];
  private readonly fetchHolds: Deferred<void>[] = [];
  private readonly disconnectFailures: AuthError[] = [];

  failNextFetch(error: AuthError, times = 1): void {
    for (let i = 0; i < times; i += 1) this.fetchFailures.push(error);
  }

  /** The next account fetch waits until the returned gate is resolved. */
  holdNextFetch(): Deferred<void> {
    const gate = deferred<void>();
    this.fetchHolds.push(gate);
    return gate;
  }

  async fetchAccount(accessToken: string): Promise<AccountSummary> {
    this.fetchCalls.push(accessToken);
    const hold = this.fetchHolds.shift();
    if (hold) await hold.promise;
    await Promise.resolve();
    const failure = this.fetchFailures.shift();
    if (failure) throw failure;
    return { ...this.account };
  }

  /** The next appDisconnect call fails with `error`, whatever disconnectBehaviour says. */
  failNextDisconnect(error: AuthError): void {
    this.disconnectFailures.push(error);
  }

  async appDisconnect(accessToken: string, signal: AbortSignal): Promise<void> {
    this.disconnectCalls.push(accessToken);
    const failure = this.disconnectFailures.shift();
    if (failure) throw failure;
    const behaviour = this.disconnectBehaviour;
    if (behaviour === 'ok') return;
    if (behaviour instanceof AuthError) throw behaviour;
    // 'hang': like a dead network, only the caller's signal ends it.
    await new Promise<void>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(new AuthError('cancelled', 'aborted')), { once: true });
    });
  }
}
