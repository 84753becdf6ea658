/**
 * The sandbox's shared state, built once per server from the options: clock, registries, limits,
 * counters and settings. Handlers receive it; nothing here touches HTTP.
 */
import { randomUUID } from 'node:crypto';
import { ConsentTickets } from './consent-tickets';
import { FaultQueue, type Sleep } from './faults';
import { GrantRegistry, type Grant } from './grants';
import { signJwt } from './jwt';
import { CostBuckets, RequestWindows, type RateLimitSettings, type ThrottleSettings } from './limits';
import type { SandboxAccount } from './types';

/** The name the consent page and appDisconnect give the app. */
export const SANDBOX_APP_NAME = 'Jobber Connect';

/** What the consent page says the app may do (Jobber shows the app's configured scopes). */
export const SANDBOX_SCOPES: readonly string[] = ['See your account name and ID (read_account)'];

export interface MutableCounters {
  tokenRequests: { authorization_code: number; refresh_token: number; rejected: number };
  graphqlCalls: number;
  appDisconnects: number;
  authorizeRequests: number;
}

export function zeroCounters(): MutableCounters {
  return {
    tokenRequests: { authorization_code: 0, refresh_token: 0, rejected: 0 },
    graphqlCalls: 0,
    appDisconnects: 0,
    authorizeRequests: 0,
  };
}

export interface SandboxContext {
  /** Sandbox now, epoch ms (base clock + control offset). */
  now(): number;
  clockOffsetMs: number;
  clientId: string;
  clientSecret: string;
  redirectUris: readonly string[];
  account: SandboxAccount;
  codeLifetimeSec: number;
  accessTokenLifetimeSec: number;
  signingKey: Buffer;
  grants: GrantRegistry;
  tickets: ConsentTickets;
  faults: FaultQueue;
  costs: CostBuckets;
  windows: RequestWindows;
  counters: MutableCounters;
  sleep: Sleep;
}

/** What createContext is given: the context's fixed parts, plus the clock and limits it builds from. */
export interface ContextSettings
  extends Pick<
    SandboxContext,
    | 'clientId'
    | 'clientSecret'
    | 'redirectUris'
    | 'account'
    | 'codeLifetimeSec'
    | 'accessTokenLifetimeSec'
    | 'signingKey'
    | 'grants'
    | 'sleep'
  > {
  baseClock: () => number;
  throttle: ThrottleSettings;
  rateLimit: RateLimitSettings;
}

export function createContext(settings: ContextSettings): SandboxContext {
  const context: SandboxContext = {
    now: () => settings.baseClock() + context.clockOffsetMs,
    clockOffsetMs: 0,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    redirectUris: settings.redirectUris,
    account: settings.account,
    codeLifetimeSec: settings.codeLifetimeSec,
    accessTokenLifetimeSec: settings.accessTokenLifetimeSec,
    signingKey: settings.signingKey,
    grants: settings.grants,
    tickets: new ConsentTickets(),
    faults: new FaultQueue(),
    costs: new CostBuckets(settings.throttle),
    windows: new RequestWindows(settings.rateLimit),
    counters: zeroCounters(),
    sleep: settings.sleep,
  };
  return context;
}

/** Signs an access token for `grant` (or for no grant, e.g. a faulty answer) valid for the current lifetime. */
export function issueAccessToken(ctx: SandboxContext, grant: Pick<Grant, 'id' | 'accountId'>): { token: string; expiresAtMs: number } {
  const iat = Math.floor(ctx.now() / 1000);
  const exp = iat + ctx.accessTokenLifetimeSec;
  const token = signJwt({ sub: grant.accountId, iat, exp, jti: randomUUID(), grant: grant.id }, ctx.signingKey);
  return { token, expiresAtMs: exp * 1000 };
}
