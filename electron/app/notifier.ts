/**
 * System notifications for states that need the person: needs-reconnect and storage-unavailable.
 * At most once per cause; a cause can notify again only after the connection has been healthy.
 */
import type { ConnectionState } from '../ipc/connection-state';

export interface NotificationSink {
  show(title: string, body: string): void;
}

/** Returns a state listener that shows notifications through `sink`. */
export function createConnectionNotifier(sink: NotificationSink): (state: ConnectionState) => void {
  const notified = new Set<string>();
  return (state) => {
    if (state.status === 'connected') {
      notified.clear();
      return;
    }
    let cause: string;
    let title: string;
    if (state.status === 'needs-reconnect') {
      cause = `needs-reconnect:${state.reason}`;
      title = 'Jobber Connect needs you to reconnect';
    } else if (state.status === 'storage-unavailable') {
      cause = `storage-unavailable:${state.reason}`;
      title = 'Jobber Connect cannot store its connection securely';
    } else {
      return;
    }
    if (notified.has(cause)) return;
    notified.add(cause);
    sink.show(title, state.message);
  };
}
