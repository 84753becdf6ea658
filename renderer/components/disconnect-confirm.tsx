/**
 * The inline confirm step before Disconnect (no window.confirm): says what will happen, puts
 * focus on the safe choice, and Escape backs out.
 */
import { useEffect, useRef } from 'react';
import type { KeyboardEvent } from 'react';

interface DisconnectConfirmProps {
  accountName: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Confirm panel shown in place of the action row. */
export function DisconnectConfirm({ accountName, busy, onConfirm, onCancel }: DisconnectConfirmProps) {
  const keepRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    keepRef.current?.focus();
  }, []);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' && !busy) {
      event.stopPropagation();
      onCancel();
    }
  };
  return (
    <div
      className="confirm"
      role="group"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-description"
      onKeyDown={onKeyDown}
    >
      <p id="confirm-title" className="confirm__title">
        Disconnect {accountName}?
      </p>
      <p id="confirm-description" className="confirm__text">
        Jobber will be told to end this app’s access, and the saved sign-in will be removed from this computer. You can
        connect again at any time.
      </p>
      <div className="actions">
        <button type="button" className="button button--danger" onClick={onConfirm} disabled={busy}>
          {busy ? 'Disconnecting…' : 'Yes, disconnect'}
        </button>
        <button type="button" className="button button--secondary" ref={keepRef} onClick={onCancel} disabled={busy}>
          Keep connected
        </button>
      </div>
    </div>
  );
}
