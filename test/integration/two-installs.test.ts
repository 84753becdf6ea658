/**
 * Two installs, one Jobber account: Jobber keeps limits and appDisconnect per app and account, so
 * two computers connected to one account share the cost bucket and the request limit, and a
 * Disconnect on one ends the other's connection, which it notices on its next call.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledClock, expectStatus, startEngine, waitForState, type EngineHarness } from '../support/engine/engine-harness';
import { connectSecondInstall } from '../support/engine/second-install';
import type { SandboxOptions } from '../../sandbox/server';

let harness: EngineHarness | undefined;
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await harness?.close();
  harness = undefined;
});

async function twoInstalls(sandbox: SandboxOptions = {}, second: Parameters<typeof connectSecondInstall>[1] = {}) {
  const clock = new ControlledClock();
  harness = await startEngine({ clock, sandbox: { clock: () => clock.now(), ...sandbox } });
  await harness.connect();
  // Jobber's access token names the app, user and account, not the install: two issued in the same
  // second are the same string. A second apart, as two computers connecting would be.
  clock.advance(1_000);
  const other = await connectSecondInstall(harness, second);
  stops.push(() => other.session.stop());
  return { a: { session: harness.session, client: harness.client }, b: other, h: harness };
}

describe('two installs on one account', () => {
  it('share one cost bucket: the second sees what the first spent', async () => {
    // restoreRate 0.001/s: nothing measurable restores during the test.
    const { a, b } = await twoInstalls({ throttle: { maximumAvailable: 100, restoreRate: 0.001 } });
    const first = await a.client.account();
    const second = await b.client.account();
    // Each connect asked account { id name } (3 points): 100 − 6 = 94 before these two calls.
    expect(first.cost?.currentlyAvailable).toBe(91);
    expect(second.cost?.currentlyAvailable).toBe(88); // the other install's 3 points came off the same bucket
  });

  it('share one request limit: 2 requests from each exhaust 4 per window', async () => {
    const { a, b } = await twoInstalls({ rateLimit: { requests: 4, windowSec: 300 } }, { maxRateLimitWaits: 0 });
    // Each connect made one request (account { id name }); one more each makes 4.
    await a.client.account();
    await b.client.account();
    await expect(b.client.account()).rejects.toMatchObject({ kind: 'rate-limited' });
  });

  it('both stay paced on the shared bucket: every call succeeds, none gives up', async () => {
    // 60 points, 60 restored per second; 2 × 20 calls of 3 points = 120 points: at least 1 s.
    const { a, b, h } = await twoInstalls({ throttle: { maximumAvailable: 60, restoreRate: 60 } });
    const started = Date.now();
    const calls = [a, b].flatMap((install) => Array.from({ length: 20 }, () => install.client.account()));
    const results = await Promise.allSettled(calls);
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000 - 50);
    expect(h.httpLog.filter((exchange) => exchange.status === 429)).toEqual([]);
  });

  it('Disconnect on one turns the other to "disconnected in Jobber" on its next call', async () => {
    const { a, b } = await twoInstalls();
    await b.client.account();
    const outcome = await a.session.disconnect();
    expect(outcome.jobberNotified).toBe(true);
    expectStatus(b.session.getState(), 'connected'); // nothing tells it until it calls

    await expect(b.client.account()).rejects.toMatchObject({ kind: 'disconnected-in-jobber' });
    const state = await waitForState(b.session, 'needs-reconnect');
    expect(state.reason).toBe('disconnected-in-jobber');
  });
});
