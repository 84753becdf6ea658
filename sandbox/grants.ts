/**
 * The grant registry: authorization codes, grants and their current refresh tokens. It decides
 * which code or refresh token is still good; it knows nothing of HTTP. Every change that must
 * survive a restart is reported through `onChange` so the server can persist it.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * - live: tokens work.
 * - revoked: killed by the control API or by a reused code; API answers 401 Unauthorized.
 * - disconnected-in-jobber: the person clicked Disconnect in Jobber; API answers the disconnect error.
 * - app-disconnected: the app called appDisconnect; API answers 401 Unauthorized.
 */
export type GrantStatus = 'live' | 'revoked' | 'disconnected-in-jobber' | 'app-disconnected';

export interface Grant {
  id: string;
  accountId: string;
  clientId: string;
  redirectUri: string;
  /** The one refresh token accepted for this grant, or null once the grant is dead. */
  refreshToken: string | null;
  status: GrantStatus;
  createdAt: number;
  /** SHA-256 (hex) of the newest access tokens issued for this grant, newest last. */
  accessTokens?: string[];
}

/** How many recent access tokens per grant stay recognised (older ones have long expired). */
const ACCESS_TOKENS_KEPT = 50;

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  /** The PKCE S256 challenge of the authorize request, when it carried one. */
  codeChallenge: string | undefined;
  accountId: string;
  expiresAt: number;
  used: boolean;
  /** The grant this code created, so a replay can kill it. */
  grantId: string | null;
}

export type CodeRedemption =
  | { ok: true; grant: Grant; refreshToken: string }
  | { ok: false; reason: 'unknown' | 'reused' | 'expired' | 'client-mismatch' | 'redirect-mismatch' | 'verifier-mismatch' };

export type Rotation = { ok: true; grant: Grant; refreshToken: string } | { ok: false };

/** How long a used or expired code is remembered so that a replay is recognised. */
const CODE_MEMORY_MS = 60 * 60 * 1000;

/** RFC 7636 §4.6: BASE64URL(SHA256(verifier)) equals the challenge (compared in constant time). */
function verifierMatches(verifier: string | null, challenge: string): boolean {
  if (verifier === null) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

function opaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export class GrantRegistry {
  private readonly grants = new Map<string, Grant>();
  private readonly byRefreshToken = new Map<string, string>();
  private readonly codes = new Map<string, CodeRecord>();

  /** @param onChange called after every change to grants or refresh tokens (not codes). */
  constructor(private readonly onChange: () => void = () => {}) {}

  /** Issues a single-use code for the account, bound to the client and redirect URI. */
  issueCode(input: {
    clientId: string;
    redirectUri: string;
    codeChallenge: string | undefined;
    accountId: string;
    now: number;
    lifetimeMs: number;
  }): string {
    this.forgetOldCodes(input.now);
    const code = opaqueToken();
    this.codes.set(code, {
      clientId: input.clientId,
      redirectUri: input.redirectUri,
      codeChallenge: input.codeChallenge,
      accountId: input.accountId,
      expiresAt: input.now + input.lifetimeMs,
      used: false,
      grantId: null,
    });
    return code;
  }

  /**
   * Spends a code. Guesses (Jobber documents neither): a replay kills the grant the code created
   * (OAuth 2.1 §4.1.3 advice) when `replayRevokesGrant`; `redirectUri` must repeat the authorization
   * request's when `checkRedirectUri` (Jobber's own template sends none). A code whose request
   * carried a PKCE challenge needs the matching verifier; a wrong one spends it.
   */
  redeemCode(
    code: string,
    clientId: string,
    redirectUri: string | null,
    now: number,
    guesses: { replayRevokesGrant: boolean; checkRedirectUri: boolean },
    codeVerifier: string | null = null,
  ): CodeRedemption {
    const record = this.codes.get(code);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.used) {
      if (record.grantId && guesses.replayRevokesGrant) this.kill(record.grantId, 'revoked');
      return { ok: false, reason: 'reused' };
    }
    if (now >= record.expiresAt) {
      record.used = true;
      return { ok: false, reason: 'expired' };
    }
    if (record.clientId !== clientId) return { ok: false, reason: 'client-mismatch' };
    if (guesses.checkRedirectUri && record.redirectUri !== redirectUri) return { ok: false, reason: 'redirect-mismatch' };
    record.used = true;
    if (record.codeChallenge !== undefined && !verifierMatches(codeVerifier, record.codeChallenge)) {
      return { ok: false, reason: 'verifier-mismatch' };
    }
    const refreshToken = opaqueToken();
    const grant: Grant = {
      id: randomUUID(),
      accountId: record.accountId,
      clientId,
      redirectUri: record.redirectUri,
      refreshToken,
      status: 'live',
      createdAt: now,
    };
    record.grantId = grant.id;
    this.grants.set(grant.id, grant);
    this.byRefreshToken.set(refreshToken, grant.id);
    this.onChange();
    return { ok: true, grant, refreshToken };
  }

  /** Rotates: the presented token must be current; it dies at once and a new one is returned. */
  rotate(refreshToken: string, clientId: string): Rotation {
    const grantId = this.byRefreshToken.get(refreshToken);
    const grant = grantId === undefined ? undefined : this.grants.get(grantId);
    if (!grant || grant.status !== 'live' || grant.refreshToken !== refreshToken || grant.clientId !== clientId) {
      return { ok: false };
    }
    this.byRefreshToken.delete(refreshToken);
    const next = opaqueToken();
    grant.refreshToken = next;
    this.byRefreshToken.set(next, grant.id);
    this.onChange();
    return { ok: true, grant, refreshToken: next };
  }

  get(grantId: string): Grant | undefined {
    return this.grants.get(grantId);
  }

  /** Records that `accessToken` was issued for the grant (no-op for an unknown grant). */
  bindAccessToken(grantId: string, accessToken: string): void {
    const grant = this.grants.get(grantId);
    if (!grant) return;
    grant.accessTokens = [...(grant.accessTokens ?? []), tokenHash(accessToken)].slice(-ACCESS_TOKENS_KEPT);
    this.onChange();
  }

  /**
   * The grant an access token was issued for, if any. Jobber's claims name the app and account, not
   * a grant, so two connections of one account can be handed identical tokens (same second): the
   * token then belongs to the newest live one (Jobber ties limits and appDisconnect to app and
   * account too), else to the newest.
   */
  grantForAccessToken(accessToken: string): Grant | undefined {
    const hash = tokenHash(accessToken);
    const holders = [...this.grants.values()].filter((grant) => grant.accessTokens?.includes(hash));
    return holders.filter((grant) => grant.status === 'live').at(-1) ?? holders.at(-1);
  }

  /** Ends one grant: its refresh token stops working and its access tokens are refused. */
  kill(grantId: string, status: Exclude<GrantStatus, 'live'>): void {
    const grant = this.grants.get(grantId);
    if (!grant || grant.status !== 'live') return;
    grant.status = status;
    if (grant.refreshToken) this.byRefreshToken.delete(grant.refreshToken);
    grant.refreshToken = null;
    this.onChange();
  }

  /**
   * Ends every live grant of one app on one account: Jobber keeps appDisconnect and Disconnect
   * per app and account, so every install connected to that account loses its tokens.
   */
  killAccount(clientId: string, accountId: string, status: Exclude<GrantStatus, 'live'>): void {
    for (const grant of this.grants.values()) {
      if (grant.clientId === clientId && grant.accountId === accountId) this.kill(grant.id, status);
    }
  }

  /** Ends every live grant with the same status. */
  killAll(status: Exclude<GrantStatus, 'live'>): void {
    for (const grant of this.grants.values()) this.kill(grant.id, status);
  }

  liveRefreshTokens(): string[] {
    return [...this.byRefreshToken.keys()];
  }

  /** Grants as plain records, for persistence. */
  snapshot(): Grant[] {
    return [...this.grants.values()].map((grant) => ({ ...grant, accessTokens: [...(grant.accessTokens ?? [])] }));
  }

  /** Replaces the registry's grants with persisted ones (codes are never persisted). */
  restore(grants: readonly Grant[]): void {
    this.grants.clear();
    this.byRefreshToken.clear();
    for (const grant of grants) {
      const copy = { ...grant, accessTokens: [...(grant.accessTokens ?? [])] };
      this.grants.set(copy.id, copy);
      if (copy.status === 'live' && copy.refreshToken) this.byRefreshToken.set(copy.refreshToken, copy.id);
    }
  }

  private forgetOldCodes(now: number): void {
    for (const [code, record] of this.codes) {
      if (now - record.expiresAt > CODE_MEMORY_MS) this.codes.delete(code);
    }
  }
}
