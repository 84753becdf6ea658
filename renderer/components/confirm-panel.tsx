/**
 * The inline confirm step before a destructive action (no window.confirm): says what will happen,
 * puts focus on the safe choice, and Escape backs out. Disconnect and "Forget saved sign-in" use it.
 */
import { useLayoutEffect, useRef } from 'react';
import type { KeyboardEvent } from 'react';

export interface ConfirmPanelProps {
  title: string;
  text: string;
  confirmLabel: string;
  busyLabel: string;
  keepLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Confirm panel shown in place of the action row. */
export function ConfirmPanel({ title, text, confirmLabel, busyLabel, keepLabel, busy, onConfirm, onCancel }: ConfirmPanelProps) {
  const keepRef = useRef<HTMLButtonElement>(null);
  // In the commit that shows the panel: the safe choice has focus before any keystroke lands.
  useLayoutEffect(() => {
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
        {title}
      </p>
      <p id="confirm-description" className="confirm__text">
        {text}
      </p>
      <div className="actions">
        <button type="button" className="button button--danger" onClick={onConfirm} disabled={busy}>
          {busy ? busyLabel : confirmLabel}
        </button>
        <button type="button" className="button button--secondary" ref={keepRef} onClick={onCancel} disabled={busy}>
          {keepLabel}
        </button>
      </div>
    </div>
  );
}
