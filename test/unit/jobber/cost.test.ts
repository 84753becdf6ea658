import { describe, expect, it } from 'vitest';
import { PacingGate, throttleWaitMs, type Pass } from '../../../electron/jobber/cost';
import { RequestBudget } from '../../../electron/jobber/request-budget';
import { FakeClock, settle } from '../../support/fake-clock';

const status = (currentlyAvailable: number) => ({ maximumAvailable: 10_000, currentlyAvailable, restoreRate: 500 });

/** Acquires a pass and records when it was granted. */
function take(gate: PacingGate, cost: number, granted: Pass[]): void {
  void gate.acquire(cost).then((pass) => granted.push(pass));
}

describe('throttle arithmetic', () => {
  it('waits (needed − available) / restoreRate seconds', () => {
    expect(throttleWaitMs(1_000, status(0))).toBe(2_000);
    expect(throttleWaitMs(1_000, status(750))).toBe(500);
    expect(throttleWaitMs(1_000, status(5_000))).toBe(0);
    expect(throttleWaitMs(50_000, status(0))).toBe(20_000); // capped at the bucket size
  });
});

describe('PacingGate', () => {
  it('before Jobber has reported its bucket, lets one query out at a time', async () => {
    const gate = new PacingGate(new FakeClock());
    const granted: Pass[] = [];
    for (let i = 0; i < 3; i += 1) take(gate, 3, granted);
    await settle();
    expect(granted).toHaveLength(1);
    gate.settle(granted[0]!, status(9_000));
    await settle();
    expect(granted).toHaveLength(3);
  });

  it('releases waiting callers one by one as points restore: no herd when the bucket refills', async () => {
    const clock = new FakeClock();
    const gate = new PacingGate(clock);
    const probe: Pass[] = [];
    take(gate, 3, probe);
    await settle();
    gate.settle(probe[0]!, status(0));
    const granted: Pass[] = [];
    for (let i = 0; i < 5; i += 1) take(gate, 500, granted);
    await settle();
    expect(granted).toHaveLength(0);
    for (let second = 1; second <= 5; second += 1) {
      await clock.advance(1_000); // 500 points restored: exactly one more query of 500
      expect(granted).toHaveLength(second);
    }
  });

  it("corrects its model from Jobber's figure minus the points still in flight", async () => {
    const gate = new PacingGate(new FakeClock());
    const passes: Pass[] = [];
    take(gate, 3, passes);
    await settle();
    gate.settle(passes[0]!, status(10_000));
    take(gate, 1_000, passes);
    take(gate, 2_000, passes);
    await settle();
    expect(gate.estimatedAvailable()).toBe(7_000);
    // Another install spent points: Jobber reports 5,000 left after our 1,000; our 2,000 is still out.
    gate.settle(passes[1]!, status(5_000));
    expect(gate.estimatedAvailable()).toBe(3_000);
  });

  it('keeps the request budget: the 4th request of 3 per 10 s waits for the oldest to leave the window', async () => {
    const clock = new FakeClock();
    const gate = new PacingGate(clock, new RequestBudget({ requests: 3, windowMs: 10_000 }));
    const granted: Pass[] = [];
    take(gate, 1, granted);
    await settle();
    gate.settle(granted[0]!, status(10_000));
    for (let i = 0; i < 3; i += 1) take(gate, 1, granted);
    await settle();
    expect(granted).toHaveLength(3);
    await clock.advance(9_999);
    expect(granted).toHaveLength(3);
    await clock.advance(1);
    expect(granted).toHaveLength(4);
  });

  it('pauseUntil holds every caller, a resent query goes first', async () => {
    const clock = new FakeClock();
    const gate = new PacingGate(clock);
    const order: number[] = [];
    const probe = await gate.acquire(1);
    gate.settle(probe, status(10_000));
    gate.pauseUntil(clock.now() + 5_000);
    void gate.acquire(1).then(() => order.push(1));
    void gate.acquire(1, { first: true }).then(() => order.push(2));
    await clock.advance(4_999);
    expect(order).toEqual([]);
    await clock.advance(1);
    expect(order).toEqual([2, 1]);
  });
});
