/**
 * What the renderer sees of broker mode: pure types, shared through the IPC contract (so safe for
 * the browser-side tsconfig). Never a code, credential or token.
 */
import type { AccountSummary } from './connection-state';

/** A Marketplace pairing waiting for the person to confirm its Jobber account (never the code). */
export interface PairingView {
  account: AccountSummary;
  expiresAt: number;
}
