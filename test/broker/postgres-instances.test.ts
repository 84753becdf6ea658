/**
 * Several broker instances on one PostgreSQL: the refresh is single flight across them (row lock),
 * and an instance killed while Jobber holds its refresh leaves the others serving a valid token or
 * a precise reconnect reason, never a loop.
 */
import { afterEach, expect, it } from 'vitest';
import { hashSecret, newSecret } from '../../broker/secrets';
import { connectDevice, post, readGrantEvents } from '../support/broker/app-client';
import { startHarness, type Harness } from '../support/broker/broker-harness';
import { startChildBroker, type ChildBroker } from '../support/broker/child-broker';
import { describePostgres } from '../support/broker/postgres-suite';
import { eventually } from '../support/broker/flow-suite';

/** Makes the stored access token expired (as if an hour had passed), without touching the clock. */
async function expireStoredToken(h: Harness): Promise<void> {
  const now = Date.now();
  await h.db.exec(`UPDATE "${h.schema}".grants SET access_issued_at = $1, access_expires_at = $2`, [now - 3_600_000, now - 1_000]);
}

async function graphqlAccount(h: Harness, accessToken: string): Promise<number> {
  const response = await fetch(`${h.sandbox.url}/api/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}`, 'X-JOBBER-GRAPHQL-VERSION': '2025-04-16' },
    body: JSON.stringify({ query: '{ account { id name } }' }),
  });
  await response.arrayBuffer();
  return response.status;
}

describePostgres('several broker instances on one PostgreSQL', () => {
  let h: Harness;
  let child: ChildBroker | null = null;
  afterEach(async () => {
    await child?.kill();
    child = null;
    await h.close();
  });

  it('1,000 concurrent token requests from 10 devices over 2 instances on an expired token: exactly 1 refresh at Jobber', async () => {
    h = await startHarness({ engine: 'postgres', instances: 2 });
    const first = await connectDevice(h);
    const grantId = String((await h.db.rows('grants'))[0]!.id);
    const credentials = [first.credential];
    for (let i = 1; i < 10; i += 1) {
      const credential = newSecret();
      await h.brokers[0]!.storage.addDevice(hashSecret(credential), grantId, Date.now());
      credentials.push(credential);
    }
    await expireStoredToken(h);
    h.sandbox.control.resetCounters();

    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => post(`${h.brokers[i % 2]!.url}/v1/token`, {}, credentials[i % 10])),
    );
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(new Set(answers.map((answer) => answer.body.accessToken)).size).toBe(1);
    expect(answers[0]!.body.accessToken).not.toBe(first.accessToken);
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(1);
  });

  it('APP_DISCONNECT received by one instance reaches an event stream held by the other at once', async () => {
    h = await startHarness({ engine: 'postgres', instances: 2 });
    const device = await connectDevice(h);
    // the sandbox's webhooks go to the first instance; the stream is on the second
    const statuses = await readGrantEvents(h.brokers[1]!.url, device.credential, (seen) => seen.length >= 2, async () => {
      expect(await h.sandbox.jobberSide.disconnectFromJobber()).toMatchObject({ delivered: true });
    });
    expect(statuses).toEqual(['live', 'disconnected-in-jobber']);
  });

  it('an instance killed while Jobber holds its refresh: the other instance refreshes and serves a valid token', async () => {
    h = await startHarness({ engine: 'postgres' });
    const device = await connectDevice(h);
    child = await startChildBroker(h);
    await expireStoredToken(h);
    h.sandbox.control.resetCounters();
    h.sandbox.control.injectFault('token', { kind: 'delay', ms: 3_000 });
    void post(`${child.url}/v1/token`, {}, device.credential).catch(() => undefined);
    await eventually(async () => h.sandbox.control.counters().tokenRequests.refresh_token === 1, 'the child to reach Jobber');
    expect((await h.db.rows('refresh_attempts')).length).toBe(1);
    await child.kill();

    const answer = await post(`${h.url}/v1/token`, {}, device.credential);
    expect(answer.status).toBe(200);
    expect(await graphqlAccount(h, String(answer.body.accessToken))).toBe(200);
    expect(await h.db.rows('refresh_attempts')).toEqual([]);
  });

  it('an instance killed after Jobber rotated but before storing: the other answers grant_rejected with the lost-answer reason, once', async () => {
    h = await startHarness({ engine: 'postgres' });
    const device = await connectDevice(h);
    child = await startChildBroker(h);
    await expireStoredToken(h);
    const [before] = h.sandbox.control.liveRefreshTokens();
    h.sandbox.control.resetCounters();
    h.sandbox.control.injectFault('token', { kind: 'delay', ms: 1_000 });
    void post(`${child.url}/v1/token`, {}, device.credential).catch(() => undefined);
    await eventually(async () => h.sandbox.control.counters().tokenRequests.refresh_token === 1, 'the child to reach Jobber');
    await child.kill();
    // Jobber finishes the rotation; its answer goes to a dead process.
    await eventually(async () => h.sandbox.control.liveRefreshTokens()[0] !== before, 'the sandbox to rotate');

    const answer = await post(`${h.url}/v1/token`, {}, device.credential);
    expect([answer.status, answer.body.error]).toEqual([410, 'grant_rejected']);
    expect(String(answer.body.message)).toContain('answer was lost');
    expect((await h.db.rows('grants'))[0]).toMatchObject({ status: 'rejected', status_detail: 'answer-lost' });
    const again = await post(`${h.url}/v1/token`, {}, device.credential);
    expect(again.status).toBe(410);
    expect(h.sandbox.control.counters().tokenRequests.refresh_token).toBe(2);
  });
});
