/**
 * Running the broker: health and readiness, per-device and per-IP rate limits, graceful shutdown
 * (an in-flight refresh finishes and is answered), and logs free of codes, states, credentials
 * and tokens.
 */
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDevice, openCallback, post } from '../support/broker/app-client';
import { startHarness } from '../support/broker/broker-harness';
import { SharedPglite } from '../support/broker/databases';
import { eventually } from '../support/broker/flow-suite';

const shared = new SharedPglite();
afterAll(() => shared.close());

describe('broker operations', () => {
  it('healthz (process up) and readyz (storage reachable) answer', async () => {
    const h = await startHarness({ engine: 'pglite', pglite: await shared.open() });
    try {
      expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${h.url}/readyz`)).json()).toEqual({ ready: true });
    } finally {
      await h.close();
    }
  });

  it('per-device and per-IP limits answer 429 rate_limited with Retry-After', async () => {
    const h = await startHarness({ engine: 'pglite', pglite: await shared.open(), deviceLimit: { limit: 2, windowMs: 60_000 } });
    try {
      const device = await connectDevice(h);
      expect((await post(`${h.url}/v1/token`, {}, device.credential)).status).toBe(200);
      expect((await post(`${h.url}/v1/token`, {}, device.credential)).status).toBe(200);
      const limited = await post(`${h.url}/v1/token`, {}, device.credential);
      expect([limited.status, limited.body.error]).toEqual([429, 'rate_limited']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
    const perIp = await startHarness({ engine: 'pglite', pglite: await shared.open(), ipLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await post(`${perIp.url}/v1/pairing/preview`, { pairing: 'p'.repeat(43) })).status);
      expect(statuses).toEqual([400, 400, 400, 429]);
      expect((await fetch(`${perIp.url}/healthz`)).status).toBe(200);
    } finally {
      await perIp.close();
    }
  });

  it('graceful shutdown: a refresh in flight is finished, stored and answered; new connections are refused', async () => {
    const h = await startHarness({ engine: 'pglite', pglite: await shared.open() });
    const device = await connectDevice(h);
    h.clock.advance(60 * 60_000);
    h.sandbox.control.injectFault('token', { kind: 'delay', ms: 700 });
    const pending = post(`${h.url}/v1/token`, {}, device.credential);
    await eventually(async () => h.sandbox.control.counters().tokenRequests.refresh_token === 1, 'the refresh to reach Jobber');
    const closing = h.brokers[0]!.close();
    const answer = await pending;
    expect(answer.status).toBe(200);
    await closing;
    await expect(fetch(`${h.url}/healthz`)).rejects.toThrow();
    await h.close();
  });

  it('logs carry no code, state, handoff, credential or token', async () => {
    let logs = '';
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    const h = await startHarness({ engine: 'pglite', pglite: await shared.open(), logLevel: 'info', logStream });
    try {
      const device = await connectDevice(h);
      h.clock.advance(60 * 60_000);
      const token = await post(`${h.url}/v1/token`, {}, device.credential);
      const marketplace = h.sandbox.jobberSide.marketplaceConnect(h.callbackUrl);
      await openCallback(marketplace);
      const code = new URL(marketplace).searchParams.get('code')!;
      expect(logs).toContain('/oauth/callback');
      for (const secret of [device.credential, device.accessToken, String(token.body.accessToken), code, ...h.sandbox.control.liveRefreshTokens()]) {
        expect(logs).not.toContain(secret);
      }
    } finally {
      await h.close();
    }
  });
});
