/**
 * What the controller adds in broker mode: the broker's authorize step for Connect, the event
 * stream while a grant is live (so "disconnected in Jobber" shows at once, with no API call), and
 * Marketplace pairing. Nothing here runs when the app is not in broker mode, except refusing a
 * pairing link with an activity line.
 */
import { LIVE_GRANT_STATUSES, type ConnectionState } from '../ipc/connection-state';
import { describeError } from '../core/redact';
import type { ActionResult } from '../ipc/contract';
import { AuthError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { brokerAuthorizeUrl } from '../broker/broker-authorize';
import { BrokerEvents, type GrantStatus } from '../broker/broker-events';
import { PairingFlow } from '../broker/pairing-flow';
import type { PairingView } from '../ipc/pairing-view';
import type { BegunConnect } from '../auth/connect-flow';
import type { Runtime } from './build-runtime';
import { toUserFacingError } from './user-facing-error';
import { parseUrl } from '../core/url';


export interface BrokerControlsDeps {
  clock: Clock;
  logger: Logger;
  runtime: () => Runtime | null;
  /** An activity line from the shell (the controller's own list). */
  note: (level: 'info' | 'warning' | 'error', message: string) => void;
  /** Something in the snapshot changed. */
  changed: () => void;
  /** Bound for a broker disconnect that cleans up after a failed pairing. */
  revokeTimeoutMs: number;
}

export class BrokerControls {
  private readonly pairing: PairingFlow;
  private events: BrokerEvents | null = null;
  /** The broker's authorize URL of the pending Connect (a second Connect reopens it). */
  private pendingAuthorizeUrl: string | null = null;

  constructor(private readonly deps: BrokerControlsDeps) {
    this.pairing = new PairingFlow({
      clock: deps.clock,
      broker: () => deps.runtime()?.broker ?? null,
      session: () => (deps.runtime()?.broker ? (deps.runtime()?.session ?? null) : null),
      note: deps.note,
      changed: deps.changed,
      revokeTimeoutMs: deps.revokeTimeoutMs,
    });
  }

  /**
   * The URL to open for a Connect the session has just begun: Jobber's own (direct mode) or the
   * one the broker answers. Throws AuthError when the broker cannot start it.
   */
  async authorizeUrl(runtime: Runtime, begun: BegunConnect): Promise<string> {
    if (runtime.broker === null) return begun.authorizeUrl;
    if (begun.request === undefined) {
      if (this.pendingAuthorizeUrl !== null) return this.pendingAuthorizeUrl;
      throw new AuthError('cancelled', 'The sign-in through the broker is still starting.');
    }
    this.pendingAuthorizeUrl = null;
    const url = await brokerAuthorizeUrl(runtime.broker, begun.request, runtime.config.redirectUri);
    this.pendingAuthorizeUrl = url;
    return url;
  }

  /** Follows the connection state: the event stream runs exactly while a broker grant is live. */
  onState(state: ConnectionState): void {
    const runtime = this.deps.runtime();
    if (state.status !== 'connecting') this.pendingAuthorizeUrl = null;
    if (runtime?.broker && LIVE_GRANT_STATUSES.has(state.status)) this.ensureEvents(runtime);
    else this.stopEvents();
  }

  /** Host of the broker for "via broker <host>", or null. */
  brokerHost(): string | null {
    const origin = this.deps.runtime()?.broker?.origin;
    return origin ? (parseUrl(origin)?.host ?? null) : null;
  }

  /**
   * A Marketplace pairing link from the OS (its own path, never the sign-in callback's): checked
   * with the broker, then shown for the person to confirm. Ignored, with an activity line, unless
   * the app connects through a broker.
   */
  receivePairingLink(url: string): Promise<void> {
    return this.pairing.receive(url);
  }

  async confirmPairing(): Promise<ActionResult> {
    try {
      await this.pairing.confirm();
      return { ok: true };
    } catch (error) {
      this.deps.logger.warn('Pairing not completed', { error: describeError(error) });
      return { ok: false, error: toUserFacingError(error) };
    }
  }

  declinePairing(): ActionResult {
    this.pairing.decline();
    return { ok: true };
  }

  pairingView(): PairingView | null {
    return this.pairing.view();
  }

  stop(): void {
    this.stopEvents();
    this.pairing.clear();
    this.pendingAuthorizeUrl = null;
  }

  private ensureEvents(runtime: Runtime): void {
    if (this.events?.active || runtime.broker === null) return;
    const { session } = runtime;
    this.events = new BrokerEvents({
      origin: runtime.broker.origin,
      credential: () => session.grantCredential(),
      onStatus: (status) => this.onGrantStatus(runtime, status),
      // The broker no longer accepts the credential: one token request learns the precise reason.
      onRefused: () => void session.refreshNow().catch(() => undefined),
      clock: this.deps.clock,
      logger: this.deps.logger,
    });
    this.events.start();
  }

  private onGrantStatus(runtime: Runtime, status: GrantStatus): void {
    if (this.deps.runtime() !== runtime) return;
    const { session } = runtime;
    if (status === 'disconnected-in-jobber') {
      session.reportDisconnectedInJobber();
    } else if (status === 'rejected') {
      // Jobber refused the broker's renewal: the token request says so precisely (410 grant_rejected).
      void session.refreshNow().catch(() => undefined);
    } else if (session.getState().status === 'offline-retrying') {
      // The broker is reachable again: retry now rather than at the end of the backoff.
      session.networkOnline();
    }
  }

  private stopEvents(): void {
    this.events?.stop();
    this.events = null;
  }
}
