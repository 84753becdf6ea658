/**
 * The engine's TokenEndpoint port in broker mode: the "code exchange" redeems the broker's hand-off
 * with the pending request's PKCE verifier, and the "refresh" asks the broker for an access token
 * with the device credential. The device credential takes the refresh token's place in the stored
 * record (so the vault seals it and the redactor pins it like any token); it never rotates. The app
 * never holds Jobber's refresh token or the client secret.
 */
import { AuthError } from '../core/errors';
import { parseHttpDate } from '../core/http';
import type { Clock } from '../core/clock';
import type { TokenEndpoint } from '../auth/ports';
import { pinSecret, registerSecret } from '../core/redact';
import { resolveTokenExpiry } from '../auth/token-expiry';
import type { TokenSet } from '../auth/token-model';
import type { BrokerClient, Timed } from './broker-client';

/** Access-token lifetime assumed when neither the JWT nor the broker's answer is usable (Jobber's 60 min). */
const DEFAULT_LIFETIME_MS = 60 * 60 * 1000;

/** A TokenSet from a broker answer: its expiry read on our clock (JWT `exp`, else the broker's time). */
export function brokerTokenSet(
  answer: Timed<{ accessToken: string; accessTokenExpiresAt: number }>,
  deviceCredential: string,
  clock: Clock,
): TokenSet {
  const { accessToken, accessTokenExpiresAt } = answer.value;
  const expiry = resolveTokenExpiry({
    accessToken,
    expiresAtText: Number.isFinite(accessTokenExpiresAt) ? new Date(accessTokenExpiresAt).toISOString() : null,
    sentAt: answer.sentAt,
    receivedAt: clock.now(),
    serverDate: parseHttpDate(answer.date),
    defaultLifetimeMs: DEFAULT_LIFETIME_MS,
  });
  const tokens: TokenSet = {
    accessToken,
    refreshToken: deviceCredential,
    accessTokenIssuedAt: expiry.accessTokenIssuedAt,
    accessTokenExpiresAt: expiry.accessTokenExpiresAt,
    expirySource: expiry.expirySource,
  };
  if (expiry.clockSkewMs !== null) tokens.clockSkewMs = expiry.clockSkewMs;
  if (expiry.expiredOnArrival) tokens.expiredOnArrival = true;
  return tokens;
}

export function createBrokerTokenEndpoint(options: { client: BrokerClient; clock: Clock }): TokenEndpoint {
  const { client, clock } = options;
  return {
    async exchangeCode(handoff: string, codeVerifier?: string): Promise<TokenSet> {
      if (codeVerifier === undefined) {
        // The broker refuses a hand-off without the verifier (and burns it): fail here instead.
        throw new AuthError('misconfigured', 'Finishing the sign-in through the broker failed: this sign-in has no PKCE verifier. Click Connect to try again.');
      }
      registerSecret(codeVerifier);
      const answer = await client.redeemHandoff(handoff, codeVerifier);
      // The device credential lives as long as the connection: never evicted from redaction.
      pinSecret(answer.value.deviceCredential);
      return brokerTokenSet(answer, answer.value.deviceCredential, clock);
    },
    async refresh(deviceCredential: string): Promise<TokenSet> {
      const answer = await client.token(deviceCredential);
      return brokerTokenSet(answer, deviceCredential, clock);
    },
  };
}
