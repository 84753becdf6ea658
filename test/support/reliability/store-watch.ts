/**
 * Watches the token store at every state change of a session: on each publication it takes, in the
 * same tick, a copy of the persisted record and the sandbox's list of live refresh tokens. The
 * reliability proofs use it to show that a working token was never deleted or replaced by a dead
 * one while a fault was going on. Reads a MemoryTokenStore synchronously (its `saved` getter), so
 * no later write can slip in between the state and the snapshot. No vitest imports.
 */
import type { ConnectionState } from '../../../electron/ipc/connection-state';
import type { MemoryTokenStore } from '../engine/memory-token-store';
import type { Session } from '../../../electron/auth/session';
import type { StoredConnection } from '../../../electron/auth/token-model';

/** What was on disk (and alive at Jobber) when a state was published. */
export interface StoreSnapshot {
  status: ConnectionState['status'];
  stored: StoredConnection | null;
  /** Whether the stored refresh token was one the sandbox accepted at that instant. */
  storedIsLive: boolean;
}

export interface StoreWatch {
  readonly snapshots: StoreSnapshot[];
  /** Snapshots from the first `connected` state on (before that there may be nothing to keep). */
  sinceConnected(): StoreSnapshot[];
  stop(): void;
}

/** Subscribes to `session` and snapshots `store` (and `liveTokens()`) at every publication. */
export function watchStore(session: Session, store: MemoryTokenStore, liveTokens: () => string[]): StoreWatch {
  const snapshots: StoreSnapshot[] = [];
  const take = (state: ConnectionState) => {
    const stored = store.saved;
    const live = liveTokens();
    snapshots.push({ status: state.status, stored, storedIsLive: stored !== null && live.includes(stored.tokens.refreshToken) });
  };
  take(session.getState());
  const unsubscribe = session.subscribe(take);
  return {
    snapshots,
    sinceConnected() {
      const first = snapshots.findIndex((snapshot) => snapshot.status === 'connected');
      return first < 0 ? [] : snapshots.slice(first);
    },
    stop: unsubscribe,
  };
}
