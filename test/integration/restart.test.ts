/**
 * App restarts over a FileTokenStore: a new Session resumes the saved connection; an access token
 * that expired while the app was closed is renewed at start; and a crash in the middle of a
 * rotation is recognised from the persisted marker and explained, whichever side of the request
 * the crash fell on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTokenStore } from '../support/engine/file-token-store';
import type { StoreLoadResult, TokenStore } from '../../electron/auth/ports';
import { INTERRUPTED_REFRESH_MESSAGE } from '../../electron/auth/session-messages';
import type { StoredConnection } from '../../electron/auth/token-model';
import { SANDBOX_DEFAULT_ACCOUNT } from '../../sandbox/server';
import { ControlledClock, expectStatus, startEngine, waitUntil, type EngineHarness } from '../support/engine/engine-harness';

let harness: EngineHarness | undefined;
const dirs: string[] = [];
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await harness?.close();
  harness = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'jobber-connect-restart-'));
  dirs.push(dir);
  return path.join(dir, 'tokens.json');
}

/**
 * A FileTokenStore whose process "dies" at a chosen point of a refresh: after the crash marker is
 * on disk ('after-marker': the refresh request is never sent), or when the new pair is about to be
 * written ('before-new-pair': Jobber has already rotated). After that nothing more reaches the
 * file, exactly as if the process had gone.
 */
class CrashingStore implements TokenStore {
  private dead = false;
  private buried = false;
  private armed = false;
  private parked: (() => void)[] = [];
  readonly crashed: Promise<void>;
  private markCrashed: () => void = () => undefined;

  constructor(
    private readonly inner: FileTokenStore,
    private readonly at: 'after-marker' | 'before-new-pair',
  ) {
    this.crashed = new Promise((resolve) => {
      this.markCrashed = resolve;
    });
  }

  arm(): void {
    this.armed = true;
  }

  load(): Promise<StoreLoadResult> {
    return this.inner.load();
  }

  async save(connection: StoredConnection): Promise<void> {
    if (this.dead) return this.park();
    const isMarker = connection.refreshInFlight !== null;
    if (this.armed && this.at === 'before-new-pair' && !isMarker) return this.die();
    await this.inner.save(connection);
    if (this.armed && this.at === 'after-marker' && isMarker) return this.die();
  }

  async clear(): Promise<void> {
    if (this.dead) return this.park();
    await this.inner.clear();
  }

  /** Lets the abandoned session's parked writes fail, so it can be stopped (nothing is written). */
  bury(): void {
    this.buried = true;
    for (const release of this.parked.splice(0)) release();
  }

  private die(): Promise<void> {
    this.dead = true;
    this.markCrashed();
    return this.park();
  }

  private park(): Promise<void> {
    if (this.buried) return Promise.reject(new Error('the process is gone'));
    return new Promise((_resolve, reject) => {
      this.parked.push(() => reject(new Error('the process is gone')));
    });
  }
}

describe('restart', () => {
  it('a new Session over the same FileTokenStore resumes connected without any token request', async () => {
    harness = await startEngine({ store: 'file' });
    const h = harness;
    await h.connect();
    const saved = await h.store.current();
    await h.session.stop();
    h.sandbox.control.resetCounters();

    await h.restart();
    const state = expectStatus(h.session.getState(), 'connected');
    expect(state.account).toEqual(SANDBOX_DEFAULT_ACCOUNT);
    expect(state.accessTokenExpiresAt).toBe(saved?.tokens.accessTokenExpiresAt);
    await expect(h.client.account()).resolves.toMatchObject({ data: SANDBOX_DEFAULT_ACCOUNT });
    const counters = h.sandbox.control.counters();
    expect(counters.tokenRequests).toEqual({ authorization_code: 0, refresh_token: 0, rejected: 0 });
    expect(h.httpLog.at(-1)?.bearer).toBe(saved?.tokens.accessToken);
  });

  it('an access token that expired while the app was closed is renewed during start', async () => {
    const clock = new ControlledClock();
    harness = await startEngine({ store: 'file', clock, sandbox: { clock: () => clock.now() } });
    const h = harness;
    await h.connect();
    const saved = await h.store.current();
    await h.session.stop();

    clock.advance(2 * 60 * 60 * 1000);
    await h.restart();
    const state = expectStatus(h.session.getState(), 'connected');
    expect(state.accessTokenExpiresAt).toBeGreaterThan(clock.now());
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
    const renewed = await h.store.current();
    expect(renewed?.tokens.refreshToken).not.toBe(saved?.tokens.refreshToken);
    expect(h.sandbox.control.liveRefreshTokens()).toEqual([renewed?.tokens.refreshToken]);
    await expect(h.client.account()).resolves.toMatchObject({ data: SANDBOX_DEFAULT_ACCOUNT });
  });

  it('crash after Jobber rotated but before the new pair was saved → needs-reconnect with a message saying what happened', async () => {
    const file = tempFile();
    const crashing = new CrashingStore(new FileTokenStore(file), 'before-new-pair');
    cleanups.push(() => crashing.bury());
    harness = await startEngine({ store: crashing });
    const h = harness;
    await h.connect();
    const before = await new FileTokenStore(file).load();

    crashing.arm();
    void h.session.refreshNow().catch(() => undefined);
    await crashing.crashed;
    await waitUntil(() => h.sandbox.control.counters().tokenRequests.refresh_token === 1, 2_000, 'the refresh request');
    const onDisk = await new FileTokenStore(file).load();
    expect(onDisk.kind).toBe('loaded');
    const marked = onDisk.kind === 'loaded' ? onDisk.connection : null;
    expect(marked?.refreshInFlight).not.toBeNull();
    expect(before.kind === 'loaded' && before.connection.tokens.refreshToken).toBe(marked?.tokens.refreshToken);
    // Jobber rotated: the token on disk is already dead.
    expect(h.sandbox.control.liveRefreshTokens()).not.toContain(marked?.tokens.refreshToken);

    await h.restart({ store: new FileTokenStore(file) });
    const state = expectStatus(h.session.getState(), 'needs-reconnect');
    expect(state.reason).toBe('interrupted-refresh');
    expect(state.message).toBe(INTERRUPTED_REFRESH_MESSAGE);
    expect(state.account).toEqual(SANDBOX_DEFAULT_ACCOUNT);
    expect(await h.store.current()).not.toBeNull();
  });

  it('crash after the marker was saved but before the request was sent → the restart renews and stays connected', async () => {
    const file = tempFile();
    const crashing = new CrashingStore(new FileTokenStore(file), 'after-marker');
    cleanups.push(() => crashing.bury());
    harness = await startEngine({ store: crashing });
    const h = harness;
    await h.connect();

    crashing.arm();
    void h.session.refreshNow().catch(() => undefined);
    await crashing.crashed;
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(0);

    await h.restart({ store: new FileTokenStore(file) });
    const state = expectStatus(h.session.getState(), 'connected');
    expect(state.lastRefresh?.result).toBe('ok');
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
    const stored = await h.store.current();
    expect(stored?.refreshInFlight).toBeNull();
    expect(h.sandbox.control.liveRefreshTokens()).toEqual([stored?.tokens.refreshToken]);
    expect(h.session.getActivity().some((entry) => /closed while renewing/.test(entry.message))).toBe(true);
  });
});
