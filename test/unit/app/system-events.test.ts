import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { wireSystemEvents } from '../../../electron/app/system-events';
import { FakeClock } from '../../support/fake-clock';

describe('system events', () => {
  it('forwards resume, and network only on an offline → online transition; stops cleanly', async () => {
    const clock = new FakeClock();
    const power = new EventEmitter();
    let online = true;
    const calls: string[] = [];
    const stop = wireSystemEvents({
      powerMonitor: power as never,
      isOnline: () => online,
      clock,
      pollMs: 1000,
      target: () => ({ systemResumed: () => calls.push('resume'), networkOnline: () => calls.push('online') }),
    });
    power.emit('resume');
    await clock.advance(1000);
    online = false;
    await clock.advance(1000);
    await clock.advance(1000);
    online = true;
    await clock.advance(1000);
    await clock.advance(1000);
    expect(calls).toEqual(['resume', 'online']);
    stop();
    power.emit('resume');
    expect(calls).toHaveLength(2);
    expect(clock.pendingTimers()).toBe(0);
  });
});
