/**
 * The grant a Session works with: the live record (the in-memory truth, null whenever its tokens
 * must not be used), its generation, the store queue and persisting. Every store operation runs
 * through one Sequencer, so a Disconnect's wipe can never be overtaken by an older save. The
 * generation moves on whenever the grant is replaced or dropped, so late results of older work
 * (a refresh, a sign-in) can tell they must not be kept. It also keeps the pair it holds pinned in
 * the redactor. Who may change the grant, and when, is the Session's and its flows' business.
 */
import type { GrantDetails } from '../ipc/connection-state';
import { Sequencer } from '../core/sequencer';
import { pinSecret, unpinSecret } from '../core/redact';
import { sameEndpoint } from './endpoint-binding';
import type { StoreLoadResult, TokenStore } from './ports';
import { UNKNOWN_ACCOUNT } from './session-messages';
import type { EndpointBinding, StoredConnection, TokenSet } from './token-model';

/** The renderer-safe details of a grant (copies; never a token). */
export function grantDetails(live: StoredConnection): GrantDetails {
  return {
    account: live.account ? { ...live.account } : { ...UNKNOWN_ACCOUNT },
    connectedAt: live.connectedAt,
    accessTokenIssuedAt: live.tokens.accessTokenIssuedAt,
    accessTokenExpiresAt: live.tokens.accessTokenExpiresAt,
    lastRefresh: live.lastRefresh ? { ...live.lastRefresh } : null,
  };
}

export class Grant {
  private record: StoredConnection | null = null;
  private gen = 0;
  private readonly storeQueue = new Sequencer();
  /** The token pair pinned in the redactor (the current one); unpinned when replaced. */
  private pinned: string[] = [];

  /**
   * @param store where the record is kept.
   * @param endpoint the only token endpoint this session sends a saved refresh token to; bound
   *   into every record saved (endpoint-binding.ts).
   */
  constructor(
    private readonly store: TokenStore,
    readonly endpoint: EndpointBinding,
  ) {}

  /** The working record, or null whenever tokens must not be used. */
  get live(): StoredConnection | null {
    return this.record;
  }

  get generation(): number {
    return this.gen;
  }

  /** Starts a new generation (the grant is being replaced or dropped) and returns it. */
  nextGeneration(): number {
    this.gen += 1;
    return this.gen;
  }

  /** Sets the working record (the generation is the caller's to move on first, when it changes grant). */
  setLive(record: StoredConnection | null): void {
    this.record = record;
  }

  /** Reads the store (in the queue). A pair it holds is pinned, whether or not it will be used. */
  async load(): Promise<StoreLoadResult> {
    const result = await this.storeQueue.queue(() => this.store.load());
    if (result.kind === 'loaded') this.pin(result.connection.tokens);
    return result;
  }

  /**
   * Saves `record`, bound to this session's endpoint, unless by its turn in the queue the
   * generation moved on since `gen` or `wanted` says no (then resolves false).
   */
  persist(gen: number, record: StoredConnection, wanted: () => boolean = () => true): Promise<boolean> {
    return this.save(record, () => gen === this.gen && wanted());
  }

  /** Saves `record` unless by its turn in the queue `wanted` says no (then resolves false). */
  save(record: StoredConnection, wanted: () => boolean): Promise<boolean> {
    return this.storeQueue.queue(async () => {
      if (!wanted()) return false;
      // Binds records from before endpoints were recorded (only a matching record is ever live).
      await this.store.save({ ...record, endpoint: this.endpoint });
      return true;
    });
  }

  /**
   * The refresh token (in broker mode: the device credential) of a saved record that is not the
   * working grant, when it was issued by this session's endpoint: a grant that ended
   * (needs-reconnect), which its issuer may still hold. Null otherwise; never throws.
   */
  async savedCredential(): Promise<string | null> {
    if (this.record !== null) return null;
    // Not pinned: the pair is on its way out (the broker client registers what it sends).
    const result = await this.storeQueue.queue(() => this.store.load()).catch(() => null);
    if (result?.kind !== 'loaded') return null;
    const { endpoint, tokens } = result.connection;
    return endpoint && sameEndpoint(endpoint, this.endpoint) ? tokens.refreshToken : null;
  }

  /** Removes the saved record (in the queue). */
  clear(): Promise<void> {
    return this.storeQueue.queue(() => this.store.clear());
  }

  /** Resolves once every store operation queued so far has settled. */
  idle(): Promise<void> {
    return this.storeQueue.idle();
  }

  /**
   * Pins `tokens` in the redactor (never evicted, however many one-shot values follow) and returns
   * the previous pair to the bounded list, where it stays scrubbed for a while.
   */
  pin(tokens: TokenSet): void {
    const next = [tokens.accessToken, tokens.refreshToken];
    for (const old of this.pinned) if (!next.includes(old)) unpinSecret(old);
    for (const value of next) pinSecret(value);
    this.pinned = next;
  }

  /** A pair this session no longer holds: back to the bounded list (still scrubbed for a while). */
  unpin(tokens: TokenSet): void {
    const dropped = [tokens.accessToken, tokens.refreshToken];
    for (const value of dropped) unpinSecret(value);
    this.pinned = this.pinned.filter((value) => !dropped.includes(value));
  }
}
