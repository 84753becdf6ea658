/**
 * Confirmation of a Jobber App Marketplace pairing: the broker says which Jobber account the link
 * belongs to; nothing is connected until the person confirms that account here. Shown as a modal
 * dialog over the dashboard while main reports a pairing waiting.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import type { JobberConnectApi, PairingView } from '../../electron/ipc/contract';
import { BRIDGE_CALL_FAILED } from '../wording';
import { Notice } from './notice';

export function PairingConfirm({ pairing, bridge }: { pairing: PairingView; bridge: JobberConnectApi }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const declineRef = useRef<HTMLButtonElement>(null);

  // In the commit that shows the dialog, the safe choice has focus: Enter alone never connects an account.
  useLayoutEffect(() => {
    declineRef.current?.focus();
  }, []);

  const run = async (action: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      if (!result.ok) setError(result.error.message);
    } catch (failure: unknown) {
      setError(failure instanceof Error ? `${BRIDGE_CALL_FAILED} ${failure.message}` : BRIDGE_CALL_FAILED);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="confirm" role="dialog" aria-modal="true" aria-labelledby="pairing-title" aria-describedby="pairing-text">
      <p id="pairing-title" className="confirm__title">
        Connect this Jobber account?
      </p>
      <p id="pairing-text" className="confirm__text">
        A connection started in Jobber’s App Marketplace is for <strong data-testid="pairing-account">{pairing.account.name}</strong>. Connect
        Jobber Connect to this account only if it is yours.
      </p>
      {error ? <Notice tone="error" headline={error} /> : null}
      <div className="actions">
        <button type="button" className="button button--primary" disabled={busy} onClick={() => void run(() => bridge.confirmPairing())}>
          {busy ? 'Connecting…' : 'Connect this account'}
        </button>
        <button type="button" className="button button--secondary" ref={declineRef} disabled={busy} onClick={() => void run(() => bridge.declinePairing())}>
          Not my account
        </button>
      </div>
    </div>
  );
}
