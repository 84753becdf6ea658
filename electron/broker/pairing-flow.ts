/**
 * A Marketplace-started connect reaching the app: the broker's page hands over a one-time pairing
 * code; the app asks the broker which Jobber account it belongs to (preview, does not consume),
 * shows that account for the person to confirm, and only on confirm redeems the code and adopts the
 * grant. Holds the one pairing awaiting confirmation; the code itself never leaves the main process.
 * No Electron: the controller passes what it needs.
 */
import type { AccountSummary } from '../ipc/connection-state';
import { AuthError } from '../core/errors';
import type { Clock } from '../core/clock';
import { describeError, pinSecret } from '../core/redact';
import type { Session } from '../auth/session';
import type { BrokerClient } from './broker-client';
import { createBrokerRevoker } from './broker-revoker';
import { brokerTokenSet } from './broker-token-endpoint';
import type { PairingView } from '../ipc/pairing-view';
import { pairingCode } from './pairing-link';

export interface PairingHost {
  clock: Clock;
  /** The running broker client, or null when the app is not in broker mode. */
  broker(): BrokerClient | null;
  session(): Session | null;
  /** Adds a line to the activity list. */
  note(level: 'info' | 'warning' | 'error', message: string): void;
  /** Something the renderer shows changed. */
  changed(): void;
  /** Bound for telling the broker a redeemed grant is not wanted after all. */
  revokeTimeoutMs: number;
}

export const PAIRING_MESSAGES = {
  notBrokerMode:
    'A Jobber App Marketplace pairing link was ignored: Jobber Connect is not set to connect through a broker (Settings → Connect through).',
  malformed: 'A pairing link arrived without a valid pairing code, so it was ignored. Open the link from the broker’s page again.',
  waiting: (name: string) => `Jobber account “${name}” wants to connect through the broker. Confirm it in the app to continue.`,
  noneWaiting: 'No pairing is waiting for confirmation (it expired or was declined). Open the link from the broker’s page again.',
  declined: 'Pairing declined: nothing was connected.',
  cannotPair: (why: string) => `A pairing link arrived, but it cannot be used now: ${why}`,
  previewFailed: (why: string) => `The pairing link could not be checked: ${why}`,
} as const;

export class PairingFlow {
  private pending: { code: string; account: AccountSummary; expiresAt: number } | null = null;

  constructor(private readonly host: PairingHost) {}

  /** The pairing awaiting confirmation, or null (none, or past its expiry). */
  view(): PairingView | null {
    const pending = this.pending;
    if (pending === null || this.host.clock.now() >= pending.expiresAt) return null;
    return { account: { ...pending.account }, expiresAt: pending.expiresAt };
  }

  /** A pairing link from the OS. Never throws: every outcome is an activity line. */
  async receive(url: string): Promise<void> {
    const { host } = this;
    const broker = host.broker();
    const session = host.session();
    if (broker === null || session === null) return this.tell('warning', PAIRING_MESSAGES.notBrokerMode);
    const code = pairingCode(url);
    if (code === null) return this.tell('warning', PAIRING_MESSAGES.malformed);
    const refusal = session.adoptionRefusal();
    if (refusal) return this.tell('warning', PAIRING_MESSAGES.cannotPair(refusal.message));
    try {
      const preview = await broker.previewPairing(code);
      this.pending = { code, account: preview.account, expiresAt: preview.expiresAt };
      this.tell('info', PAIRING_MESSAGES.waiting(preview.account.name));
    } catch (error) {
      this.tell('error', PAIRING_MESSAGES.previewFailed(describeError(error)));
    }
  }

  /** The person confirmed the account: redeem and adopt. Throws AuthError when that is not possible. */
  async confirm(): Promise<void> {
    const { host } = this;
    const pending = this.view() === null ? null : this.pending;
    this.pending = null;
    const broker = host.broker();
    const session = host.session();
    if (pending === null || broker === null || session === null) {
      host.changed();
      throw new AuthError('expired-state', PAIRING_MESSAGES.noneWaiting);
    }
    const refusal = session.adoptionRefusal();
    if (refusal) {
      host.changed();
      throw refusal;
    }
    try {
      const answer = await broker.redeemPairing(pending.code);
      const credential = answer.value.deviceCredential;
      pinSecret(credential);
      try {
        await session.adoptGrant(brokerTokenSet(answer, credential, host.clock), answer.value.account);
      } catch (error) {
        // Not kept here, so not kept at the broker either: no orphan grant.
        await createBrokerRevoker(broker).revoke(credential, host.revokeTimeoutMs);
        throw error;
      }
    } finally {
      host.changed();
    }
  }

  /** The person said this is not their account: forget the code (the broker lets it expire). */
  decline(): void {
    if (this.pending === null) return;
    this.pending = null;
    this.tell('info', PAIRING_MESSAGES.declined);
  }

  /** Forgets any pairing (settings changed, app stopping). */
  clear(): void {
    this.pending = null;
  }

  private tell(level: 'info' | 'warning' | 'error', message: string): void {
    this.host.note(level, message);
    this.host.changed();
  }
}
