/**
 * What the routes share: storage, Jobber, the token service, events, limits and the clock. Built
 * once by broker.ts; routes receive it instead of reaching for globals.
 */
import type { Clock } from '../electron/core/clock';
import type { BackgroundTasks } from './background-tasks';
import type { GrantEvents } from './grant-events';
import type { JobberGateway } from './jobber-gateway';
import type { RateLimiter } from './rate-limit';
import type { BrokerStorage } from './storage/broker-storage';
import type { TokenService } from './token-service';

export interface BrokerDeps {
  storage: BrokerStorage;
  jobber: JobberGateway;
  tokens: TokenService;
  events: GrantEvents;
  background: BackgroundTasks;
  clock: Clock;
  /** Keys the webhook HMAC (Jobber signs with the app's client secret). */
  clientSecret: string;
  deviceLimit: RateLimiter;
  ipLimit: RateLimiter;
  /** Return addresses allowed besides the defaults (return-to.ts). */
  extraReturnTo: readonly string[];
}

/** Lifetimes from the HTTP contract. */
export const LIFETIMES = {
  pendingConnectMs: 10 * 60_000,
  handoffMs: 60_000,
  pairingMs: 10 * 60_000,
} as const;
