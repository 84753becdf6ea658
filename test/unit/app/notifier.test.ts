import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../../electron/ipc/connection-state';
import { createConnectionNotifier } from '../../../electron/app/notifier';

describe('notifier', () => {
  const needs = (reason: 'refresh-rejected' | 'storage-changed'): ConnectionState => ({ status: 'needs-reconnect', reason, account: null, message: `m ${reason}` });
  it('notifies once per cause, again only after a healthy connection', () => {
    const shown: string[] = [];
    const notify = createConnectionNotifier({ show: (_title, body) => shown.push(body) });
    notify(needs('refresh-rejected'));
    notify(needs('refresh-rejected'));
    notify({ status: 'storage-unavailable', reason: 'no-keyring', message: 'keyring' });
    notify(needs('storage-changed'));
    notify({ status: 'disconnected', lastError: null, notice: null });
    notify(needs('refresh-rejected'));
    expect(shown).toEqual(['m refresh-rejected', 'keyring', 'm storage-changed']);
    notify({ status: 'connected' } as ConnectionState);
    notify(needs('refresh-rejected'));
    expect(shown).toHaveLength(4);
  });
});
