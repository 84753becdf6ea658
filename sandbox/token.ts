/**
 * The token endpoint: form-encoded only, client secret always required, authorization_code and
 * refresh_token grants with rotation (the previous refresh token dies at once). Answers Jobber's
 * shape: {access_token, refresh_token} plus expires_at on refresh. Never echoes a token or code.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { issueAccessToken, type SandboxContext } from './context';
import { applyFault } from './faults';
import { mediaType, readBody, sendJson } from './http-util';

/** Formats epoch ms as Jobber's `expires_at`: "YYYY-MM-DD HH:MM:SS UTC". */
export function formatExpiresAt(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Constant-time comparison of two secrets of any length. */
function sameSecret(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function reject(res: ServerResponse, ctx: SandboxContext, status: number, error: string, message: string): void {
  ctx.counters.tokenRequests.rejected += 1;
  sendJson(res, status, { error, message });
}

const CODE_MESSAGES = {
  unknown: 'The provided authorization code is not valid',
  reused: 'The authorization code has already been used; the grant it created has been revoked',
  expired: 'The authorization code has expired',
  'client-mismatch': 'The authorization code was issued to another client',
  'redirect-mismatch': 'The redirect_uri does not match the one used in the authorization request',
  'verifier-mismatch': 'The code_verifier does not match the code_challenge of the authorization request',
} as const;

/** POST /api/oauth/token */
export async function handleToken(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<void> {
  const body = await readBody(req);
  const isForm = mediaType(req) === 'application/x-www-form-urlencoded';
  const form = isForm ? new URLSearchParams(body) : undefined;
  const grantType = form?.get('grant_type');
  if (grantType === 'authorization_code' || grantType === 'refresh_token') ctx.counters.tokenRequests[grantType] += 1;

  const fault = ctx.faults.take('token');
  if (fault) {
    const outcome = await applyFault(
      fault,
      res,
      {
        success: () => ({
          contentType: 'application/json; charset=utf-8',
          body: JSON.stringify({ access_token: issueAccessToken(ctx, { id: 'fault', accountId: ctx.account.id }).token, refresh_token: 'fault' }),
        }),
        missingFields: () => ({
          contentType: 'application/json; charset=utf-8',
          body: JSON.stringify({ access_token: issueAccessToken(ctx, { id: 'fault', accountId: ctx.account.id }).token }),
        }),
      },
      ctx.sleep,
    );
    if (outcome === 'handled') return;
  }

  if (!form) {
    return reject(res, ctx, 400, 'invalid_request', 'The token endpoint accepts application/x-www-form-urlencoded bodies only');
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  if (clientId !== ctx.clientId || !sameSecret(clientSecret, ctx.clientSecret)) {
    return reject(res, ctx, 401, 'invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret');
  }
  if (!grantType) return reject(res, ctx, 400, 'invalid_request', 'The grant_type parameter is required');

  if (grantType === 'authorization_code') {
    const code = form.get('code');
    const redirectUri = form.get('redirect_uri');
    if (!code) return reject(res, ctx, 400, 'invalid_request', 'The code parameter is required');
    if (!redirectUri) return reject(res, ctx, 400, 'invalid_request', 'The redirect_uri parameter is required');
    const redeemed = ctx.grants.redeemCode(code, clientId, redirectUri, ctx.now(), form.get('code_verifier'));
    if (!redeemed.ok) return reject(res, ctx, 400, 'invalid_grant', CODE_MESSAGES[redeemed.reason]);
    const access = issueAccessToken(ctx, redeemed.grant);
    return sendJson(res, 200, { access_token: access.token, refresh_token: redeemed.refreshToken });
  }

  if (grantType === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return reject(res, ctx, 400, 'invalid_request', 'The refresh_token parameter is required');
    const rotated = ctx.grants.rotate(refreshToken, clientId);
    if (!rotated.ok) return reject(res, ctx, 400, 'invalid_grant', 'The provided refresh token is not valid');
    const access = issueAccessToken(ctx, rotated.grant);
    return sendJson(res, 200, {
      access_token: access.token,
      refresh_token: rotated.refreshToken,
      expires_at: formatExpiresAt(access.expiresAtMs),
    });
  }

  return reject(res, ctx, 400, 'unsupported_grant_type', 'The grant_type must be authorization_code or refresh_token');
}
