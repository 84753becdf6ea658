import { describe, expect, it } from 'vitest';
import type { LoopbackListener } from '../../../electron/app/loopback-listener';
import { LoopbackReceiver } from '../../../electron/app/loopback-receiver';

describe('loopback receiver', () => {
  it('LoopbackReceiver starts one listener for concurrent Connects and closes it on stop', async () => {
    let starts = 0;
    let closes = 0;
    let release: () => void = () => {};
    const bound = new Promise<void>((resolve) => {
      release = resolve;
    });
    const receiver = new LoopbackReceiver(
      () => {},
      () => true,
      async (options): Promise<LoopbackListener> => {
        starts += 1;
        await bound;
        return { port: options.port, hosts: ['127.0.0.1'], close: async () => void (closes += 1) };
      },
    );
    const first = receiver.ensure('http://127.0.0.1:4567/cb');
    const second = receiver.ensure('http://127.0.0.1:4567/cb');
    release();
    await Promise.all([first, second]);
    await receiver.ensure('http://127.0.0.1:4567/cb');
    expect(starts).toBe(1);
    await receiver.stop();
    await receiver.stop();
    expect(closes).toBe(1);
    await receiver.ensure('com.jobberconnect.app:/oauth/callback');
    expect(starts).toBe(1);
    await expect(receiver.ensure('http://127.0.0.1/cb')).rejects.toMatchObject({ kind: 'misconfigured' });
  });
});
