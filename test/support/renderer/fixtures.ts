/**
 * A fake `window.jobberConnect` for component tests: every method is a vi.fn with a sensible
 * default and `emit` pushes a snapshot to subscribers (test/support/deferred.ts lets a test hold a
 * call open to see buttons disable while it is pending).
 */
import { vi } from 'vitest';
import type { Mock } from 'vitest';
import type { AppSnapshot, JobberConnectApi } from '../../../electron/ipc/contract';
import { settingsView } from './snapshots';

export * from './snapshots';

type Mocked<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? Mock<(...args: A) => R> : T[K] };

export interface FakeBridge {
  api: Mocked<JobberConnectApi>;
  /** Sends a snapshot to every subscriber, as main's state-changed event would. */
  emit(snapshot: AppSnapshot): void;
  /** Number of live subscriptions. */
  listenerCount(): number;
  /** The unsubscribe functions handed out, in order. */
  unsubscribes: Mock<() => void>[];
}

/** A fake bridge whose getState() answers `initial`. */
export function createFakeBridge(initial: AppSnapshot): FakeBridge {
  const listeners = new Set<(snapshot: AppSnapshot) => void>();
  let current = initial;
  const unsubscribes: Mock<() => void>[] = [];
  const api: Mocked<JobberConnectApi> = {
    getState: vi.fn(async () => current),
    connect: vi.fn(async () => ({ ok: true as const })),
    cancel: vi.fn(async () => ({ ok: true as const })),
    disconnect: vi.fn(async () => ({ ok: true as const, jobberNotified: true, message: 'Jobber confirmed the disconnect.' })),
    refreshNow: vi.fn(async () => ({ ok: true as const })),
    getSettings: vi.fn(async () => settingsView()),
    saveSettings: vi.fn(async ({ clientSecret, ...rest }) => ({
      ok: true as const,
      settings: settingsView({ ...rest, clientSecretSaved: Boolean(clientSecret) }),
    })),
    testApi: vi.fn(async () => ({
      ok: true as const,
      account: { id: 'acc-1', name: 'Green Acres Lawn Care' },
      cost: { requestedQueryCost: 1, actualQueryCost: 1, currentlyAvailable: 9999, maximumAvailable: 10000, restoreRate: 500 },
      durationMs: 184,
    })),
    confirmPairing: vi.fn(async () => ({ ok: true as const })),
    declinePairing: vi.fn(async () => ({ ok: true as const })),
    onStateChanged: vi.fn((listener: (snapshot: AppSnapshot) => void) => {
      listeners.add(listener);
      const unsubscribe = vi.fn(() => {
        listeners.delete(listener);
      });
      unsubscribes.push(unsubscribe);
      return unsubscribe;
    }),
  };
  return {
    api,
    emit(snapshot) {
      current = snapshot;
      for (const listener of [...listeners]) listener(snapshot);
    },
    listenerCount: () => listeners.size,
    unsubscribes,
  };
}
