/**
 * `POST /webhooks/jobber`: Jobber's webhooks. The HMAC-SHA256 of the raw body (keyed with the
 * client secret, base64 in `X-Jobber-Hmac-SHA256`) is checked in constant time before anything
 * else is read; JSON only, 64 KiB at most. The answer goes out at once (Jobber wants it within
 * 1 s) and the event is processed after, once per delivery: a redelivery or replay changes nothing.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error';
import type { BrokerDeps } from '../broker-deps';
import { webhookSchema } from '../schemas';
import { WEBHOOK_DELIVERY_RETENTION_MS } from '../storage/broker-storage';

export const WEBHOOK_BODY_LIMIT = 64 * 1024;
export const SIGNATURE_HEADER = 'x-jobber-hmac-sha256';

/** Constant-time check of Jobber's signature over the exact bytes received. */
export function signatureMatches(rawBody: Buffer, header: unknown, secret: string): boolean {
  if (typeof header !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(header.trim())) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(header.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function registerWebhookRoutes(app: FastifyInstance, deps: BrokerDeps): Promise<void> {
  await app.register(async (scope) => {
    // This scope keeps the raw bytes: the signature is over them, not over a re-serialised object.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

    scope.post('/webhooks/jobber', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request) => {
      const raw = request.body;
      if (!Buffer.isBuffer(raw) || !signatureMatches(raw, request.headers[SIGNATURE_HEADER], deps.clientSecret)) {
        throw new ApiError(401, 'invalid_signature', 'The webhook signature (X-Jobber-Hmac-SHA256) does not match the body.');
      }
      let parsed: ReturnType<typeof webhookSchema.safeParse>;
      try {
        parsed = webhookSchema.safeParse(JSON.parse(raw.toString('utf8')));
      } catch {
        throw new ApiError(400, 'invalid_request', 'The webhook body is not valid JSON.');
      }
      if (!parsed.success) throw new ApiError(400, 'invalid_request', 'The webhook body is not a Jobber webhook event.');
      const { topic, accountId, itemId, occurredAt } = parsed.data.data.webHookEvent;
      const deliveryKey = createHash('sha256').update(JSON.stringify([topic, accountId, itemId ?? null, occurredAt ?? null])).digest('hex');
      const log = request.log;
      deps.background.run(async () => {
        const now = deps.clock.now();
        // Older than the keys are remembered: it cannot be told from a replay, and an old
        // APP_DISCONNECT must never end a grant made since.
        const parsed = occurredAt === undefined ? Number.NaN : Date.parse(occurredAt);
        const occurred = Number.isFinite(parsed) ? parsed : null;
        if (occurred !== null && occurred <= now - WEBHOOK_DELIVERY_RETENTION_MS) {
          log.info({ topic, occurredAt }, 'Webhook event older than the replay window; ignored');
          return;
        }
        if (!(await deps.storage.recordWebhookDelivery(deliveryKey, topic, accountId, occurred, now))) {
          log.info({ topic }, 'Webhook delivery seen before; ignored');
          return;
        }
        if (topic !== 'APP_DISCONNECT') {
          log.info({ topic }, 'Webhook topic not handled; acknowledged');
          return;
        }
        const grants = await deps.storage.disconnectAccount(accountId, now);
        log.info({ topic, grants: grants.length }, 'Jobber disconnected the app from an account');
      });
      return { received: true };
    });
  });
}
