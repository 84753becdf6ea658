/** The coloured status pill; the text carries the meaning, the colour only repeats it. */
import type { ConnectionStatus } from '../../electron/ipc/contract';
import { ACCOUNT_INACTIVE_BADGE, STATUS_LABEL, STATUS_TONE } from '../wording';

/** Badge for one connection status; `accountInactive` overrides it with "Needs attention". */
export function StatusBadge({ status, accountInactive = false }: { status: ConnectionStatus; accountInactive?: boolean }) {
  const tone = accountInactive ? ACCOUNT_INACTIVE_BADGE.tone : STATUS_TONE[status];
  return (
    <span className={`badge badge--${tone}`} data-testid="status-badge" data-status={accountInactive ? 'account-inactive' : status}>
      <span className="badge__dot" aria-hidden="true" />
      {accountInactive ? ACCOUNT_INACTIVE_BADGE.label : STATUS_LABEL[status]}
    </span>
  );
}
