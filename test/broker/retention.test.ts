/**
 * What the broker keeps: a grant that ended (disconnected in Jobber, refused) stays 30 days with its
 * device credentials, so a device still learns why (410 and the reason), then goes with them; a live
 * grant is never pruned, however old. Webhook delivery keys are kept 30 days.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TokenCipher } from '../../broker/crypto/token-cipher';
import { openStorage } from '../../broker/storage/open-storage';
import { freshSchema, rowReader, SharedPglite, storageTarget } from '../support/broker/databases';

const KEY = { id: 'k1', key: Buffer.alloc(32, 7) };
const TOKENS = { accessToken: 'access-token-value-1', refreshToken: 'refresh-token-value-1', accessTokenIssuedAt: 0, accessTokenExpiresAt: 3_600_000 };
const DAY = 24 * 60 * 60_000;

const shared = new SharedPglite();
afterAll(() => shared.close());

describe('retention of ended grants', () => {
  it('an ended grant and its devices go 30 days after it ended; a younger one and a live one stay', async () => {
    const pglite = await shared.open();
    const schema = freshSchema();
    const storage = await openStorage(storageTarget('pglite', schema, pglite), new TokenCipher([KEY]));
    const db = await rowReader('pglite', schema, pglite);
    for (const id of ['ended-long-ago', 'ended-lately', 'live-and-old']) {
      await storage.createGrant(id, { id: `acc-${id}`, name: id }, TOKENS, 0);
      await storage.addDevice(`device-${id}`, id, 0);
    }
    await storage.markGrant('ended-long-ago', 'disconnected-in-jobber', 'webhook', 1 * DAY);
    await storage.markGrant('ended-lately', 'rejected', 'refused', 10 * DAY);

    // Day 31, one millisecond past 30 days after the first grant ended.
    await storage.pruneExpired(31 * DAY + 1);
    expect((await db.rows('grants', 'id')).map((row) => row.id)).toEqual(['ended-lately', 'live-and-old']);
    expect((await db.rows('devices', 'credential_hash')).map((row) => row.credential_hash)).toEqual(['device-ended-lately', 'device-live-and-old']);
    expect(await storage.grantForDevice('device-ended-long-ago')).toBeNull();
    expect((await storage.grantForDevice('device-ended-lately'))?.status).toBe('rejected');

    // Exactly 30 days after the second ended: gone too; the live grant stays whatever its age.
    await storage.pruneExpired(40 * DAY);
    expect((await db.rows('grants', 'id')).map((row) => row.id)).toEqual(['live-and-old']);
    await storage.close();
  });
});

describe('retention of webhook delivery keys', () => {
  it('a delivery key is remembered for 30 days, then forgotten; one without an event time is kept', async () => {
    const pglite = await shared.open();
    const schema = freshSchema();
    const storage = await openStorage(storageTarget('pglite', schema, pglite), new TokenCipher([KEY]));
    const db = await rowReader('pglite', schema, pglite);
    expect(await storage.recordWebhookDelivery('day-0', 'APP_DISCONNECT', 'acc-1', 0, 0)).toBe(true);
    expect(await storage.recordWebhookDelivery('day-0-no-time', 'APP_DISCONNECT', 'acc-1', null, 0)).toBe(true);
    expect(await storage.recordWebhookDelivery('day-20', 'APP_DISCONNECT', 'acc-1', 20 * DAY, 20 * DAY)).toBe(true);

    await storage.pruneExpired(30 * DAY - 1);
    expect(await storage.recordWebhookDelivery('day-0', 'APP_DISCONNECT', 'acc-1', 0, 30 * DAY - 1)).toBe(false);

    // An event without a readable time cannot be told from a replay by its age: its key is kept.
    await storage.pruneExpired(30 * DAY);
    expect((await db.rows('webhook_deliveries', 'delivery_key')).map((row) => row.delivery_key)).toEqual(['day-0-no-time', 'day-20']);
    await storage.pruneExpired(400 * DAY);
    expect((await db.rows('webhook_deliveries', 'delivery_key')).map((row) => row.delivery_key)).toEqual(['day-0-no-time']);
    await storage.close();
  });
});
