/** The coloured status pill; the text carries the meaning, the colour only repeats it. */
import type { ConnectionStatus } from '../../electron/ipc/contract';
import { STATUS_LABEL, STATUS_TONE } from '../wording';

/** Badge for one connection status. */
export function StatusBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span className={`badge badge--${STATUS_TONE[status]}`} data-testid="status-badge" data-status={status}>
      <span className="badge__dot" aria-hidden="true" />
      {STATUS_LABEL[status]}
    </span>
  );
}
