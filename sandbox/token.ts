/**
 * The token endpoint: form-encoded only, client secret always required, authorization_code and
 * refresh_token grants with rotation (the previous refresh token dies at once). Answers Jobber's
 * shape: {access_token, refresh_token}, plus expires_at (and a warning) on refresh when the control
 * API says so. Refusals come in the shape the control API chose; faults strike before or after the
 * commit point. Never echoes a token or code.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { issueAccessToken, type SandboxContext } from './context';
import { applyFault } from './faults';
import { escapeHtml, mediaType, readBody } from './http-util';

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

/** One answer of the token endpoint, built before it is sent (or lost by an after-commit fault). */
interface TokenAnswer {
  status: number;
  contentType: string;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function jsonAnswer(status: number, value: unknown): TokenAnswer {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(value) };
}

/** Jobber's documented sentence for a rotated-away refresh token. */
export const REFRESH_TOKEN_REFUSED = 'The provided refresh token is not valid';

/** A refusal worded in the shape the control API chose (see RefusalShape; all guesses). */
function refusal(ctx: SandboxContext, error: string, sentence: string, oauthStatus = 400): TokenAnswer {
  ctx.counters.tokenRequests.rejected += 1;
  switch (ctx.refusalShape) {
    case 'oauth-json':
      return jsonAnswer(oauthStatus, { error, error_description: sentence });
    case 'message-json':
      return jsonAnswer(401, { message: `${sentence}.` });
    case 'text':
      return { status: 400, contentType: 'text/plain; charset=utf-8', body: `Error: ${sentence}.` };
    case 'html':
      return {
        status: 401,
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="en"><head><title>Unauthorized</title></head><body><h1>Unauthorized</h1><p>${escapeHtml(sentence)}.</p></body></html>`,
      };
  }
}

/** Code refusals: Jobber documents none of these sentences (guesses). */
const CODE_MESSAGES = {
  unknown: 'The provided authorization code is not valid',
  reused: 'The authorization code has already been used; the grant it created has been revoked',
  expired: 'The authorization code has expired',
  'client-mismatch': 'The provided authorization code is not valid for this client',
  'redirect-mismatch': 'The redirect_uri does not match the one used in the authorization request',
  'verifier-mismatch': 'The code_verifier does not match the code_challenge of the authorization request',
} as const;

/** What Jobber would answer, doing the work (redeeming a code, rotating a pair) on the way. */
function decide(form: URLSearchParams | undefined, ctx: SandboxContext): TokenAnswer {
  if (!form) {
    return refusal(ctx, 'invalid_request', 'The token endpoint accepts application/x-www-form-urlencoded bodies only');
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  if (clientId !== ctx.clientId || !sameSecret(clientSecret, ctx.clientSecret)) {
    return refusal(ctx, 'invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret', 401);
  }
  const grantType = form.get('grant_type');
  if (!grantType) return refusal(ctx, 'invalid_request', 'The grant_type parameter is required');

  if (grantType === 'authorization_code') {
    const code = form.get('code');
    if (!code) return refusal(ctx, 'invalid_request', 'The code parameter is required');
    const { replayRevokesGrant, checkRedirectUriAtExchange: checkRedirectUri } = ctx.guesses;
    const redeemed = ctx.grants.redeemCode(code, clientId, form.get('redirect_uri'), ctx.now(), { replayRevokesGrant, checkRedirectUri }, form.get('code_verifier'));
    if (!redeemed.ok) return refusal(ctx, 'invalid_grant', CODE_MESSAGES[redeemed.reason]);
    const access = issueAccessToken(ctx, redeemed.grant);
    return jsonAnswer(200, { access_token: access.token, refresh_token: redeemed.refreshToken });
  }

  if (grantType === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return refusal(ctx, 'invalid_request', 'The refresh_token parameter is required');
    const rotated = ctx.grants.rotate(refreshToken, clientId);
    if (!rotated.ok) return refusal(ctx, 'invalid_grant', REFRESH_TOKEN_REFUSED);
    const access = issueAccessToken(ctx, rotated.grant);
    const { expiresAt, warning } = ctx.refreshExtras;
    return jsonAnswer(200, {
      access_token: access.token,
      refresh_token: rotated.refreshToken,
      ...(expiresAt ? { expires_at: formatExpiresAt(access.expiresAtMs) } : {}),
      ...(warning !== null ? { warning } : {}),
    });
  }

  return refusal(ctx, 'unsupported_grant_type', 'The grant_type must be authorization_code or refresh_token');
}

function send(res: ServerResponse, answer: TokenAnswer): void {
  res.writeHead(answer.status, {
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Content-Type': answer.contentType,
    'Content-Length': String(Buffer.byteLength(answer.body)),
  });
  res.end(answer.body);
}

/** The answer with its refresh_token removed (the missing-fields fault). */
function withoutRefreshToken(answer: TokenAnswer): TokenAnswer {
  try {
    const { refresh_token: _dropped, ...rest } = JSON.parse(answer.body) as Record<string, unknown>;
    return { ...answer, body: JSON.stringify(rest) };
  } catch {
    return answer;
  }
}

/** A plausible answer for faults that strike before any work is done (issued to no grant). */
function sampleAnswer(ctx: SandboxContext): TokenAnswer {
  return jsonAnswer(200, { access_token: issueAccessToken(ctx, { id: 'fault', accountId: ctx.account.id }).token, refresh_token: 'fault' });
}

/** POST /api/oauth/token */
export async function handleToken(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<void> {
  const body = await readBody(req);
  const isForm = mediaType(req) === 'application/x-www-form-urlencoded';
  const form = isForm ? new URLSearchParams(body) : undefined;
  const grantType = form?.get('grant_type');
  if (grantType === 'authorization_code' || grantType === 'refresh_token') ctx.counters.tokenRequests[grantType] += 1;

  const fault = ctx.faults.take('token');
  // Before the commit point a fault answers instead of Jobber; after it, Jobber has done the work
  // (the code is spent, the pair rotated) and the fault loses or mangles the real answer.
  let answer: TokenAnswer | null = null;
  if (fault?.phase === 'after-commit') answer = decide(form, ctx);
  if (fault) {
    const played = answer ?? sampleAnswer(ctx);
    const bodies = { success: () => played, missingFields: () => withoutRefreshToken(played) };
    if ((await applyFault(fault, res, bodies, ctx.sleep)) === 'handled') return;
  }
  send(res, answer ?? decide(form, ctx));
}
