/**
 * An in-memory TokenStore for tests and benchmarks, with fault injection (failing saves, loads
 * that report unreadable data) and a history of operations so tests can assert ordering.
 * Stores deep copies so callers cannot mutate what was "persisted".
 */
import { AuthError } from '../../../electron/core/errors';
import type { StoreLoadResult, TokenStore } from '../../../electron/auth/ports';
import type { StoredConnection } from '../../../electron/auth/token-model';

export type StoreOperation = { op: 'save'; connection: StoredConnection } | { op: 'clear' } | { op: 'load' };

export class MemoryTokenStore implements TokenStore {
  private current: StoredConnection | null;
  private loadOverride: StoreLoadResult | null = null;
  private failuresLeft = 0;
  private clearFailuresLeft = 0;
  private saveGate: Promise<void> | null = null;
  /** Every operation in order, saves with a copy of what was written (successful saves only). */
  readonly history: StoreOperation[] = [];
  /** Called after each successful save, with a copy of the record (ordering assertions). */
  onSave: ((connection: StoredConnection) => void) | null = null;

  constructor(initial: StoredConnection | null = null) {
    this.current = initial ? structuredClone(initial) : null;
  }

  /** The record as last persisted (a copy), or null. */
  get saved(): StoredConnection | null {
    return this.current ? structuredClone(this.current) : null;
  }

  /** The next `count` saves reject with a storage AuthError and leave the stored record unchanged. */
  failNextSave(count = 1): void {
    this.failuresLeft = count;
  }

  /** The next `count` clears reject. */
  failNextClear(count = 1): void {
    this.clearFailuresLeft = count;
  }

  /** Makes load() report `result` instead of the stored record (until reset with null). */
  setLoadResult(result: StoreLoadResult | null): void {
    this.loadOverride = result;
  }

  /** Saves wait for `gate` before completing (to observe a save in progress). */
  holdSaves(gate: Promise<void> | null): void {
    this.saveGate = gate;
  }

  async load(): Promise<StoreLoadResult> {
    this.history.push({ op: 'load' });
    if (this.loadOverride) return structuredClone(this.loadOverride);
    return this.current ? { kind: 'loaded', connection: structuredClone(this.current) } : { kind: 'empty' };
  }

  async save(connection: StoredConnection): Promise<void> {
    if (this.saveGate) await this.saveGate;
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new AuthError('storage', 'Simulated storage failure while saving.');
    }
    this.current = structuredClone(connection);
    this.history.push({ op: 'save', connection: structuredClone(connection) });
    this.onSave?.(structuredClone(connection));
  }

  async clear(): Promise<void> {
    if (this.clearFailuresLeft > 0) {
      this.clearFailuresLeft -= 1;
      throw new AuthError('storage', 'Simulated storage failure while clearing.');
    }
    this.current = null;
    this.loadOverride = null;
    this.history.push({ op: 'clear' });
  }
}
