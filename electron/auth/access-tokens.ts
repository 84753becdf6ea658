/**
 * Which access token an API caller (or Disconnect's appDisconnect) gets: the live one while it is
 * good for longer than the caller margin, else a renewed one; while backing off after transient
 * failures, the live one until it expires, without a renewal per call.
 */
import type { ConnectionState } from '../ipc/connection-state';
import type { ConnectionStates } from './connection-states';
import type { Grant } from './grant';
import { type RefreshPolicy, callerMargin } from './refresh-policy';
import type { RefreshRunner } from './refresh-runner';
import { MESSAGES, type RefreshTrigger } from './session-messages';
import type { TokenSet } from './token-model';
import { AuthError, isAuthError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { SingleFlight } from '../core/single-flight';

/** 'not-connected', saying why when the state does (needs-reconnect, storage-unavailable). */
export function notConnectedError(state: ConnectionState): AuthError {
  if (state.status === 'needs-reconnect' || state.status === 'storage-unavailable') return new AuthError('not-connected', state.message);
  return new AuthError('not-connected', MESSAGES.notConnected);
}

export interface AccessTokensOptions {
  grant: Grant;
  states: ConnectionStates;
  runner: RefreshRunner;
  clock: Clock;
  policy: RefreshPolicy;
  /** The renewal in flight, if any, and how to start (or join) one: the Session's. */
  renewal: SingleFlight<TokenSet>;
  renew: (trigger: RefreshTrigger) => Promise<TokenSet>;
}

export class AccessTokens {
  constructor(private readonly options: AccessTokensOptions) {}

  /** See Session.getAccessToken. */
  async forCaller(): Promise<string> {
    const { clock, policy, runner } = this.options;
    const live = this.live();
    const now = clock.now();
    const { accessToken, accessTokenExpiresAt } = live.tokens;
    if (this.options.states.current.status === 'offline-retrying' && !this.options.renewal.inFlight) {
      // Backing off: do not turn every API call into a refresh attempt.
      if (now < accessTokenExpiresAt) return accessToken;
      throw runner.lastTransientError ?? new AuthError('network', MESSAGES.offlineExpired);
    }
    // Still good for longer than the caller margin: hand it out, even while a refresh runs.
    if (now + callerMargin(live.tokens, policy) < accessTokenExpiresAt) return accessToken;
    try {
      return (await this.options.renew('caller')).accessToken;
    } catch (error) {
      const current = this.options.grant.live;
      if (isAuthError(error) && (error.transient || error.kind === 'storage') && current && clock.now() < current.tokens.accessTokenExpiresAt) {
        return current.tokens.accessToken;
      }
      throw error;
    }
  }

  /** See Session.reportUnauthorized. */
  async afterUnauthorized(tokenUsed: string): Promise<string> {
    const live = this.live();
    const inFlight = this.options.renewal.inFlight;
    if (inFlight) return (await inFlight).accessToken;
    if (live.tokens.accessToken !== tokenUsed) return this.forCaller();
    return (await this.options.renew('unauthorized')).accessToken;
  }

  /** For appDisconnect: the live token while our clock says it is valid, else a renewed one. */
  async forDisconnect(): Promise<string> {
    const inFlight = this.options.renewal.inFlight;
    if (inFlight) return (await inFlight).accessToken;
    const live = this.live();
    if (this.options.clock.now() < live.tokens.accessTokenExpiresAt) return live.tokens.accessToken;
    return (await this.options.renew('disconnect')).accessToken;
  }

  private live(): NonNullable<Grant['live']> {
    const live = this.options.grant.live;
    if (!live) throw notConnectedError(this.options.states.current);
    return live;
  }
}
