import { describe, expect, it } from 'vitest';
import { ThrottlePacer, throttleWaitMs } from '../../../electron/jobber/cost';
import { FakeClock } from '../../helpers/fake-clock';

const status = (currentlyAvailable: number) => ({ maximumAvailable: 10_000, currentlyAvailable, restoreRate: 500 });

describe('throttle pacing', () => {
  it('waits (needed − available) / restoreRate seconds', () => {
    expect(throttleWaitMs(1_000, status(0))).toBe(2_000);
    expect(throttleWaitMs(1_000, status(750))).toBe(500);
    expect(throttleWaitMs(1_000, status(5_000))).toBe(0);
    expect(throttleWaitMs(50_000, status(0))).toBe(20_000); // capped at the bucket size
  });

  it('estimates restoration since the last status and paces against it', async () => {
    const clock = new FakeClock();
    const pacer = new ThrottlePacer(clock);
    expect(pacer.waitBeforeMs(9_999)).toBe(0); // nothing known yet
    pacer.observe({ requestedQueryCost: 10, actualQueryCost: 10, ...status(1_000) });
    expect(pacer.waitBeforeMs(2_000)).toBe(2_000);
    await clock.advance(1_000);
    expect(pacer.estimatedAvailable()).toBe(1_500);
    expect(pacer.waitBeforeMs(2_000)).toBe(1_000);
    await clock.advance(60_000);
    expect(pacer.estimatedAvailable()).toBe(10_000);
    expect(pacer.waitBeforeMs(undefined)).toBe(0);
  });
});
