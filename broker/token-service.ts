/**
 * Access tokens for devices: hands out the stored token while it is fresh, and refreshes at
 * Jobber when it is within the engine's refresh margin. One refresh per grant at a time: callers
 * in this process share one promise, and instances share the grant's row lock (storage). The new
 * pair is committed before anyone is answered. An attempt that never recorded its result is
 * remembered, so a later refusal by Jobber is reported as "answer lost", not as a loop.
 */
import { isAuthError } from '../electron/core/errors';
import type { Clock } from '../electron/core/clock';
import { fingerprint } from '../electron/core/redact';
import { DEFAULT_REFRESH_POLICY, refreshMargin } from '../electron/auth/refresh-policy';
import type { JobberGateway } from './jobber-gateway';
import type { Account, BrokerStorage, GrantRecord, GrantStatusDetail, StoredTokens } from './storage/broker-storage';

export type TokenAnswer =
  | { kind: 'token'; grantId: string; accessToken: string; accessTokenExpiresAt: number; account: Account }
  | { kind: 'unknown-device' }
  | { kind: 'disconnected'; grantId: string }
  | { kind: 'rejected'; grantId: string; detail: GrantStatusDetail | null }
  | { kind: 'unavailable'; grantId: string; message: string; retryAfterMs?: number };

/** True when the stored access token should be renewed before it is handed out. */
export function refreshDue(tokens: StoredTokens, now: number): boolean {
  return now >= tokens.accessTokenExpiresAt - refreshMargin(tokens, DEFAULT_REFRESH_POLICY);
}

function answerFor(grant: GrantRecord): TokenAnswer {
  if (grant.status === 'disconnected-in-jobber') return { kind: 'disconnected', grantId: grant.id };
  if (grant.status === 'rejected') return { kind: 'rejected', grantId: grant.id, detail: grant.statusDetail };
  return {
    kind: 'token',
    grantId: grant.id,
    accessToken: grant.tokens.accessToken,
    accessTokenExpiresAt: grant.tokens.accessTokenExpiresAt,
    account: grant.account,
  };
}

export class TokenService {
  private readonly flights = new Map<string, Promise<TokenAnswer>>();

  constructor(
    private readonly storage: BrokerStorage,
    private readonly jobber: JobberGateway,
    private readonly clock: Clock,
  ) {}

  /** The answer for the device whose credential hashes to `credentialHash`. */
  async tokenForDevice(credentialHash: string): Promise<TokenAnswer> {
    const grant = await this.storage.grantForDevice(credentialHash);
    if (!grant) return { kind: 'unknown-device' };
    if (grant.status !== 'live' || !refreshDue(grant.tokens, this.clock.now())) return answerFor(grant);
    return this.refreshOnce(grant.id);
  }

  /** Joins the refresh already running in this process for the grant, or starts one. */
  private refreshOnce(grantId: string): Promise<TokenAnswer> {
    const running = this.flights.get(grantId);
    if (running) return running;
    const flight = this.refreshLocked(grantId).finally(() => this.flights.delete(grantId));
    this.flights.set(grantId, flight);
    return flight;
  }

  private refreshLocked(grantId: string): Promise<TokenAnswer> {
    return this.storage.withRefreshLock(grantId, async (locked): Promise<TokenAnswer> => {
      const { grant } = locked;
      if (!grant) return { kind: 'unknown-device' };
      // Another instance may have refreshed while this one waited for the lock.
      if (grant.status !== 'live' || !refreshDue(grant.tokens, this.clock.now())) return answerFor(grant);

      const spent = fingerprint(grant.tokens.refreshToken);
      const earlierAttemptUnfinished = locked.unfinishedAttempt === spent;
      await locked.recordAttempt(spent, this.clock.now());
      try {
        const next = await this.jobber.refresh(grant.tokens.refreshToken);
        const tokens: StoredTokens = {
          accessToken: next.accessToken,
          refreshToken: next.refreshToken,
          accessTokenIssuedAt: next.accessTokenIssuedAt,
          accessTokenExpiresAt: next.accessTokenExpiresAt,
        };
        await locked.saveTokens(tokens, this.clock.now());
        return answerFor({ ...grant, tokens });
      } catch (error) {
        if (!isAuthError(error)) throw error;
        if (error.kind === 'rejected-grant') {
          const detail: GrantStatusDetail = earlierAttemptUnfinished ? 'answer-lost' : 'refused';
          await locked.setStatus('rejected', detail, this.clock.now());
          return { kind: 'rejected', grantId, detail };
        }
        if (error.kind === 'misconfigured') {
          return { kind: 'unavailable', grantId, message: "Jobber refused the broker's client credentials; the broker's operator must fix its configuration." };
        }
        // Transient: the stored pair stays; the attempt marker stays too, because Jobber may have
        // rotated the token before the answer was lost.
        return { kind: 'unavailable', grantId, message: error.message, retryAfterMs: error.retryAfterMs };
      }
    }).then(async (answer) => {
      if (answer.kind === 'rejected') await this.storage.notifyGrantChange(grantId);
      return answer;
    });
  }
}
