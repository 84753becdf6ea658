/**
 * A polite live region that says the connection status in words when it changes, so screen
 * reader users hear "Connection status: Connected as …" without moving focus.
 */
import type { ConnectionState } from '../../electron/ipc/contract';
import { announceStatus } from '../wording';

/** Visually hidden; its text changes only when the status (not the countdown) changes. */
export function StatusAnnouncer({ state }: { state: ConnectionState | null }) {
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="status-announcer">
      {state ? announceStatus(state) : ''}
    </div>
  );
}
