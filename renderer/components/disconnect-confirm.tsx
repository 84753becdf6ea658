/**
 * The confirm step before Disconnect: tells Jobber and removes the saved sign-in. The panel itself
 * (focus on the safe choice, Escape backs out) is confirm-panel.tsx.
 */
import { ConfirmPanel } from './confirm-panel';

interface DisconnectConfirmProps {
  accountName: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Confirm panel shown in place of the action row. */
export function DisconnectConfirm({ accountName, busy, onConfirm, onCancel }: DisconnectConfirmProps) {
  return (
    <ConfirmPanel
      title={`Disconnect ${accountName}?`}
      text="Jobber will be told to end this app’s access, and the saved sign-in will be removed from this computer. You can connect again at any time."
      confirmLabel="Yes, disconnect"
      busyLabel="Disconnecting…"
      keepLabel="Keep connected"
      busy={busy}
      onConfirm={onConfirm}
      onCancel={onCancel}
    />
  );
}
