/**
 * Fan-out of grant status changes to the devices listening on `/v1/events`. Changes come from the
 * storage's NOTIFY channel, so a webhook handled by one instance reaches streams held by another.
 */
import type { BrokerStorage, GrantStatus } from './storage/broker-storage';

/** null: the grant is gone (disconnected from the app); the stream ends. */
export type GrantEventListener = (status: GrantStatus | null) => void;

export class GrantEvents {
  private readonly listeners = new Map<string, Set<GrantEventListener>>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly storage: BrokerStorage) {}

  async start(): Promise<void> {
    this.unlisten = await this.storage.onGrantChange((grantId) => void this.publish(grantId));
  }

  /** Registers `listener` for the grant; returns its removal. */
  subscribe(grantId: string, listener: GrantEventListener): () => void {
    const set = this.listeners.get(grantId) ?? new Set();
    set.add(listener);
    this.listeners.set(grantId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(grantId);
    };
  }

  /** Reads the grant's status now and hands it to its listeners. */
  async publish(grantId: string): Promise<void> {
    const set = this.listeners.get(grantId);
    if (!set || set.size === 0) return;
    const status = await this.storage.grantStatus(grantId).catch(() => undefined);
    if (status === undefined) return;
    for (const listener of [...set]) listener(status);
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
    this.listeners.clear();
  }
}
