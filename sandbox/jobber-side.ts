/**
 * Jobber's server-to-app behaviour for the broker: APP_DISCONNECT webhooks and a Marketplace-style
 * connect. When the person disconnects "in Jobber" (control `disconnectFromJobber`), the sandbox
 * POSTs Jobber's webhook payload, signed like Jobber (base64 HMAC-SHA256 of the raw body keyed with
 * the client secret, header X-Jobber-Hmac-SHA256), to the configured URL, and retries until a 2xx
 * (at-least-once delivery, as Jobber documents). A Marketplace connect is a redirect to the
 * registered callback with a code and NO state.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { withQuery } from './authorize';
import type { SandboxContext } from './context';
import type { ControlRoute } from './control';
import type { SandboxControl } from './types';

/** Waits between delivery attempts: the first retry comes quickly, then slower. */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [250, 1_000, 3_000];

export interface WebhookDelivery {
  /** Attempts made (1 = delivered at once). */
  attempts: number;
  delivered: boolean;
  /** HTTP status of the last attempt, or null when it got no answer. */
  lastStatus: number | null;
}

export interface JobberSide {
  webhookUrl(): string | null;
  setWebhookUrl(url: string | null): void;
  /**
   * Kills the live grants of one account (every account without an id) as "disconnected in Jobber"
   * and delivers APP_DISCONNECT for each account that had one; the last delivery's report, or null.
   */
  disconnectFromJobber(accountId?: string): Promise<WebhookDelivery | null>;
  /** Sends the last webhook body again, byte for byte (Jobber's at-least-once redelivery). */
  redeliverLast(): Promise<WebhookDelivery | null>;
  /** The callback URL a Marketplace "Connect" lands on: `redirectUri?code=…`, no state. */
  marketplaceConnect(redirectUri?: string): string;
  /** Waits for deliveries started by the control API. */
  settled(): Promise<void>;
}

export function signWebhook(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export function createJobberSide(ctx: SandboxContext, initialUrl: string | null): JobberSide {
  let url = initialUrl;
  let lastBody: string | null = null;
  const inFlight = new Set<Promise<unknown>>();

  async function deliver(body: string): Promise<WebhookDelivery> {
    const target = url;
    const report: WebhookDelivery = { attempts: 0, delivered: false, lastStatus: null };
    if (target === null) return report;
    for (let attempt = 0; attempt <= WEBHOOK_RETRY_DELAYS_MS.length; attempt += 1) {
      if (attempt > 0 && !(await ctx.sleep(WEBHOOK_RETRY_DELAYS_MS[attempt - 1]!))) break;
      report.attempts += 1;
      try {
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Jobber-Hmac-SHA256': signWebhook(body, ctx.clientSecret) },
          body,
          signal: AbortSignal.timeout(5_000),
        });
        await response.arrayBuffer();
        report.lastStatus = response.status;
        if (response.ok) {
          report.delivered = true;
          break;
        }
      } catch {
        report.lastStatus = null;
      }
    }
    return report;
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  }

  return {
    webhookUrl: () => url,
    setWebhookUrl: (next) => {
      url = next;
    },
    disconnectFromJobber: (accountId) => {
      // Checked before anything happens, and thrown synchronously, as the plain control does.
      if (accountId !== undefined && !ctx.accounts.has(accountId)) throw new RangeError(`No sandbox account "${accountId}"`);
      const live = ctx.grants.snapshot().filter((grant) => grant.status === 'live' && (accountId === undefined || grant.accountId === accountId));
      const accounts = [...new Set(live.map((grant) => grant.accountId))];
      if (accountId === undefined) ctx.grants.killAll('disconnected-in-jobber');
      else ctx.grants.killAccount(ctx.clientId, accountId, 'disconnected-in-jobber');
      // One APP_DISCONNECT per account the app was connected to, as each is its own disconnect.
      const bodies = accounts.map((account) =>
        JSON.stringify({
          data: {
            webHookEvent: {
              topic: 'APP_DISCONNECT',
              appId: ctx.clientId,
              accountId: account,
              itemId: account,
              occurredAt: new Date(ctx.now()).toISOString(),
            },
          },
        }),
      );
      lastBody = bodies.at(-1) ?? lastBody;
      return track(
        (async () => {
          let report: WebhookDelivery | null = null;
          for (const body of bodies) report = await deliver(body);
          return report;
        })(),
      );
    },
    redeliverLast: () => (lastBody === null ? Promise.resolve(null) : track(deliver(lastBody))),
    marketplaceConnect: (redirectUri) => {
      const target = redirectUri ?? ctx.redirectUris.find((uri) => /^https?:/.test(uri)) ?? ctx.redirectUris[0];
      if (target === undefined || !ctx.redirectUris.includes(target)) throw new Error('The redirect URI is not registered for the sandbox app');
      const code = ctx.grants.issueCode({ clientId: ctx.clientId, redirectUri: target, codeChallenge: undefined, accountId: ctx.account.id, now: ctx.now(), lifetimeMs: ctx.codeLifetimeSec * 1000 });
      return withQuery(target, { code });
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** The in-process control, with "disconnect in Jobber" also firing the webhook. */
export function withJobberSide(control: SandboxControl, side: JobberSide): SandboxControl {
  return { ...control, disconnectFromJobber: (accountId) => void side.disconnectFromJobber(accountId) };
}

const webhookUrlSchema = z.object({ url: z.url().nullable() });
const marketplaceSchema = z.object({ redirectUri: z.string().optional() });

/** HTTP control routes (under /__sandbox/) for the Jobber side. */
export function jobberSideRoutes(side: JobberSide): Record<string, ControlRoute> {
  return {
    'GET /webhooks': () => ({ url: side.webhookUrl() }),
    'POST /webhooks': (body) => (side.setWebhookUrl(webhookUrlSchema.parse(body).url), { ok: true }),
    'POST /webhooks/redeliver': () => (void side.redeliverLast(), { ok: true }),
    'POST /marketplace-connect': (body) => ({ location: side.marketplaceConnect(marketplaceSchema.parse(body).redirectUri) }),
  };
}
