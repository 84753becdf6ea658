/**
 * The sandbox's shared state, built once per server from the options: clock, accounts,
 * registries, limits, API versions, counters and settings. Handlers receive it; nothing here
 * touches HTTP.
 */
import { ConsentTickets } from './consent-tickets';
import { FaultQueue, type Sleep } from './faults';
import { GrantRegistry, type Grant } from './grants';
import { signJwt } from './jwt';
import { CostBuckets, RequestWindows, type RateLimitSettings, type ThrottleSettings } from './limits';
import type { ApiVersion } from './api-versions';
import type { ApiAnswers, RefreshExtras, RefusalShape, SandboxAccount, SandboxGuesses } from './types';

/** The name the consent page and appDisconnect give the app. */
export const SANDBOX_APP_NAME = 'Jobber Connect';
/** `Application.author`, as the Developer Center shows it. */
export const SANDBOX_APP_AUTHOR = 'Jobber Connect developers';

/**
 * The scopes configured on the sandbox's app: none. Jobber shows an app's configured scopes on its
 * consent screen; `account { id name }` works for every app whatever its scopes, and that is all
 * this app reads.
 */
export const SANDBOX_SCOPES: readonly string[] = [];

/** The sandbox's app and user identifiers, as they appear in the access token's claims. */
export const SANDBOX_APP_ID = 'sandbox-app-id';
export const SANDBOX_USER_ID = 1;
const ISSUER = 'https://api.getjobber.com';

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

/** A Jobber account in the sandbox: who it is, how many clients it holds, whether it is active. */
export interface AccountRecord {
  id: string;
  name: string;
  clients: number;
  active: boolean;
}

/** Default number of clients an account holds (the `clients` connection). */
export const DEFAULT_CLIENT_COUNT = 250;

export interface SandboxContext {
  /** Sandbox now, epoch ms (base clock + control offset). */
  now(): number;
  clockOffsetMs: number;
  clientId: string;
  clientSecret: string;
  redirectUris: readonly string[];
  /** The account the consent page grants: the one "signed in" to Jobber (see signInAs). */
  readonly account: SandboxAccount;
  accounts: ReadonlyMap<string, AccountRecord>;
  signedInAccountId: string;
  versions: readonly ApiVersion[];
  answers: ApiAnswers;
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
  /** How token-endpoint refusals are worded (control API). */
  refusalShape: RefusalShape;
  refreshExtras: RefreshExtras;
  guesses: SandboxGuesses;
}

/** What createContext is given: the context's fixed parts, plus the clock and limits it builds from. */
export interface ContextSettings
  extends Pick<
    SandboxContext,
    | 'clientId'
    | 'clientSecret'
    | 'redirectUris'
    | 'versions'
    | 'codeLifetimeSec'
    | 'accessTokenLifetimeSec'
    | 'signingKey'
    | 'grants'
    | 'sleep'
  > {
  baseClock: () => number;
  /** At least one; the first is signed in. */
  accounts: readonly SandboxAccount[];
  throttle: ThrottleSettings;
  rateLimit: RateLimitSettings;
}

export function createContext(settings: ContextSettings): SandboxContext {
  const accounts = new Map<string, AccountRecord>();
  for (const account of settings.accounts) {
    accounts.set(account.id, { id: account.id, name: account.name, clients: account.clients ?? DEFAULT_CLIENT_COUNT, active: true });
  }
  const first = settings.accounts[0];
  if (!first) throw new RangeError('The sandbox needs at least one account');
  const context: SandboxContext = {
    now: () => settings.baseClock() + context.clockOffsetMs,
    clockOffsetMs: 0,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    redirectUris: settings.redirectUris,
    get account(): SandboxAccount {
      const record = accounts.get(context.signedInAccountId) ?? accounts.get(first.id);
      return { id: record?.id ?? first.id, name: record?.name ?? first.name };
    },
    accounts,
    signedInAccountId: first.id,
    versions: settings.versions,
    answers: { throttledStatus: 200, rateLimit: 'rack-attack', serviceUnavailable: false },
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
    refusalShape: 'oauth-json',
    refreshExtras: { expiresAt: true, warning: null },
    guesses: { replayRevokesGrant: true, checkRedirectUriAtExchange: true },
  };
  return context;
}

/**
 * Signs an access token for `grant` valid for the current lifetime, with Jobber's claims (no `iat`),
 * and records it against the grant (a token for an unknown grant, e.g. a faulty answer, is
 * recognised by nothing).
 */
export function issueAccessToken(ctx: SandboxContext, grant: Pick<Grant, 'id' | 'accountId'>): { token: string; expiresAtMs: number } {
  const exp = Math.floor(ctx.now() / 1000) + ctx.accessTokenLifetimeSec;
  const claims = {
    sub: SANDBOX_USER_ID,
    iss: ISSUER,
    client_id: ctx.clientId,
    scope: SANDBOX_SCOPES.join(' '),
    app_id: SANDBOX_APP_ID,
    user_id: SANDBOX_USER_ID,
    account_id: grant.accountId,
    exp,
  };
  const token = signJwt(claims, ctx.signingKey);
  ctx.grants.bindAccessToken(grant.id, token);
  return { token, expiresAtMs: exp * 1000 };
}
