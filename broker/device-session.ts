/**
 * Turning a connected grant into a device: a new random credential (stored only as its hash) and
 * the first access token. Shared by the handoff and the pairing redemption; also resolves the
 * device behind an `Authorization: Bearer` header, and maps token answers to HTTP errors.
 */
import type { FastifyRequest } from 'fastify';
import { ApiError, unknownDevice } from './api-error';
import type { BrokerDeps } from './broker-deps';
import { hashSecret, newSecret } from './secrets';
import type { TokenAnswer } from './token-service';

const REJECTED_MESSAGES = {
  'answer-lost':
    "A renewal was sent to Jobber but its answer was lost, and Jobber no longer accepts the previous sign-in; connect again.",
  refused: "Jobber no longer accepts this connection's sign-in; connect again.",
} as const;

/** The token answer as the contract's body, or the contract's error. */
export function tokenBody(answer: TokenAnswer): { accessToken: string; accessTokenExpiresAt: number; account: { id: string; name: string } } {
  switch (answer.kind) {
    case 'token':
      return { accessToken: answer.accessToken, accessTokenExpiresAt: answer.accessTokenExpiresAt, account: answer.account };
    case 'unknown-device':
      throw unknownDevice();
    case 'disconnected':
      throw new ApiError(410, 'grant_disconnected', 'This app was disconnected from the Jobber account in Jobber; connect again to use it.');
    case 'rejected':
      throw new ApiError(410, 'grant_rejected', answer.detail === 'answer-lost' ? REJECTED_MESSAGES['answer-lost'] : REJECTED_MESSAGES.refused);
    case 'unavailable':
      throw new ApiError(answer.retryAfterMs === undefined ? 502 : 503, 'jobber_unavailable', `The broker could not renew the token with Jobber: ${answer.message}`, answer.retryAfterMs);
  }
}

/** Creates a device on the grant and answers the contract's redeem body. */
export async function issueDevice(deps: BrokerDeps, grantId: string): Promise<Record<string, unknown>> {
  const credential = newSecret();
  const credentialHash = hashSecret(credential);
  await deps.storage.addDevice(credentialHash, grantId, deps.clock.now());
  const body = tokenBody(await deps.tokens.tokenForDevice(credentialHash));
  return { deviceCredential: credential, account: body.account, accessToken: body.accessToken, accessTokenExpiresAt: body.accessTokenExpiresAt };
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{43})$/;

/** The credential hash behind the request's bearer header, after the per-device rate limit. */
export function deviceKey(deps: BrokerDeps, request: FastifyRequest): string {
  const match = BEARER.exec(request.headers.authorization ?? '');
  if (!match?.[1]) throw unknownDevice();
  const credentialHash = hashSecret(match[1]);
  const waitMs = deps.deviceLimit.take(credentialHash, deps.clock.now());
  if (waitMs !== null) throw new ApiError(429, 'rate_limited', 'Too many requests from this device; wait and try again.', waitMs);
  return credentialHash;
}
