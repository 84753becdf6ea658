/**
 * The connection state a Session publishes, and who hears about it: every change and every new
 * activity entry reaches each listener as a copy. It also remembers the needs-reconnect state as it
 * was before a failed reconnect prefixed its message, so the next attempt returns to the original
 * wording instead of stacking prefixes.
 */
import type { ActivityEntry, ConnectionState } from '../ipc/connection-state';
import type { Logger } from '../core/logger';
import { describeError } from '../core/redact';

/** A state to settle in, and the activity line that says why. */
export interface Settled {
  state: ConnectionState;
  level: ActivityEntry['level'];
  message: string;
  fields?: Record<string, unknown>;
}

export class ConnectionStates {
  private state: ConnectionState = { status: 'disconnected', lastError: null, notice: null };
  private reconnectBase: ConnectionState | null = null;
  private readonly listeners = new Set<(state: ConnectionState) => void>();

  constructor(private readonly logger: Logger) {}

  /** The current state (not a copy: read it, never change it). */
  get current(): ConnectionState {
    return this.state;
  }

  /** A copy, safe to hand out (never holds a token). */
  snapshot(): ConnectionState {
    return structuredClone(this.state);
  }

  set(next: ConnectionState): void {
    this.state = next;
    this.reconnectBase = null;
    this.logger.info('Connection state changed.', { status: next.status });
    this.emit();
  }

  /** Shows `shown` (a failed reconnect's wording of `base`); the next Connect returns to `base`. */
  setFailedReconnect(shown: ConnectionState, base: ConnectionState): void {
    this.set(shown);
    this.reconnectBase = base;
  }

  /** Where a new Connect returns on cancel or failure: now, without a failed reconnect's wording. */
  resting(): ConnectionState {
    return this.state.status === 'needs-reconnect' && this.reconnectBase ? this.reconnectBase : this.state;
  }

  /** Calls `listener` with a copy of the state after every change and every `emit()`. */
  subscribe(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(): void {
    if (this.listeners.size === 0) return;
    const snapshot = this.snapshot();
    for (const listener of [...this.listeners]) {
      try {
        listener(snapshot);
      } catch (error) {
        this.logger.error(`A state listener failed: ${describeError(error)}`);
      }
    }
  }
}
