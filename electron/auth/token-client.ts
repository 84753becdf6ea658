/**
 * Jobber's OAuth token endpoint over axios: the code exchange and the refresh. It sends the
 * form-encoded bodies Jobber documents, parses the response itself (so a truncated or HTML body is
 * classified, not thrown raw), works out the access token's expiry on our clock (token-expiry.ts),
 * and turns every failure into an AuthError with a kind. Only a refusal that says so counts as
 * "the grant is gone" (token-refusal.ts reads it in any shape); any other 4xx is 'refused'. It keeps
 * no state: rotation, persistence and retries belong to the session. No Electron; the network is reached through an injectable axios instance.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { SECRET_REQUEST_OPTIONS } from './secret-request-options';
import { apiUrl } from '../core/url';
import type { JobberConfig } from './config-types';
import { AuthError, type AuthErrorKind } from '../core/errors';
import { classifyTransport, headerValue, parseHttpDate, parseJsonBody, parseRetryAfter } from '../core/http';
import { type Clock } from '../core/clock';
import { silentLogger, type Logger } from '../core/logger';
import { type TokenEndpoint } from './ports';
import { createRedactingLogger, describeError, fingerprint, pinSecret, redact, registerSecret } from '../core/redact';
import { resolveTokenExpiry } from './token-expiry';
import type { TokenSet } from './token-model';
import { readRefusal, saysCodeRefused, saysCredentialsRefused, saysRedirectUriRefused, saysRefreshTokenDead, shortText } from './token-refusal';
import { parseTokenResponse } from './token-response-schema';

export interface TokenClientOptions {
  config: JobberConfig;
  clock: Clock;
  logger?: Logger;
  http?: AxiosInstance;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Access-token lifetime assumed when neither the JWT nor the response says (default 60 min). */
  defaultLifetimeMs?: number;
}

export const DEFAULT_TOKEN_TIMEOUT_MS = 15_000;
export const DEFAULT_ACCESS_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

type Grant = 'exchange' | 'refresh';

const ACTION: Record<Grant, string> = {
  exchange: 'Exchanging the authorization code',
  refresh: 'Refreshing the access token',
};

/**
 * What happens after a transient failure: a refresh is retried by the session; a code is never
 * resent (it is single use and may already be spent at Jobber), so the person connects again.
 */
const NEXT_STEP: Record<Grant, string> = {
  exchange: 'Click Connect to try again.',
  refresh: 'It will be retried.',
};

function header(response: AxiosResponse, name: string): string | undefined {
  return headerValue(response.headers, name);
}

/** The media type without parameters, capped: a hostile proxy's header must not flood the message. */
function contentType(response: AxiosResponse): string {
  const type = (header(response, 'content-type') ?? 'no content type').split(';')[0]?.trim() ?? '';
  return type.slice(0, 60);
}

/**
 * Creates the token endpoint client. Every request is a POST to `${apiBaseUrl}/api/oauth/token`
 * with an application/x-www-form-urlencoded body; every failure is thrown as an AuthError whose
 * message names the HTTP status (when there is one) but never a token, code or the secret.
 */
export function createTokenClient(options: TokenClientOptions): TokenEndpoint {
  const { config, clock } = options;
  const logger = createRedactingLogger(options.logger ?? silentLogger);
  const http = options.http ?? axios.create();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
  const defaultLifetimeMs = options.defaultLifetimeMs ?? DEFAULT_ACCESS_TOKEN_LIFETIME_MS;
  const tokenUrl = apiUrl(config, '/api/oauth/token');

  // Pinned: the longest-lived secret must never drop out of exact-value redaction.
  pinSecret(config.clientSecret);

  function fail(grant: Grant, kind: AuthErrorKind, detail: string, extra: { retryAfterMs?: number; httpStatus?: number } = {}): AuthError {
    const error = new AuthError(kind, redact(`${ACTION[grant]} failed: ${detail}`), extra);
    logger.warn('Token request failed', { grant, kind: error.kind, detail: error.message });
    return error;
  }

  function classifyThrown(grant: Grant, error: unknown): AuthError {
    logger.warn('Token request did not complete', { grant, error: describeError(error) });
    const failure = classifyTransport(error);
    switch (failure.kind) {
      case 'cancelled':
        return fail(grant, 'cancelled', 'the request was cancelled.');
      case 'timeout':
        return fail(grant, 'timeout', `Jobber did not answer within ${Math.round(timeoutMs / 1000)} s. ${NEXT_STEP[grant]}`);
      case 'cut-off': {
        const statusPart = failure.status === undefined ? '' : ` (HTTP ${failure.status})`;
        return fail(grant, 'invalid-response', `Jobber's response was cut off before it was complete${statusPart}.`);
      }
      default: {
        const codePart = failure.code === undefined ? '' : ` (${failure.code})`;
        return failure.kind === 'unreachable'
          ? fail(grant, 'network', `couldn't reach Jobber at ${config.apiBaseUrl}${codePart}. Check the internet connection.`)
          : fail(grant, 'network', `the request to ${config.apiBaseUrl} failed${codePart}.`);
      }
    }
  }

  function classifyStatus(grant: Grant, response: AxiosResponse<unknown>, body: string): AuthError {
    const { status } = response;
    const httpStatus = { httpStatus: status };
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), clock.now());
      return fail(grant, 'rate-limited', `Jobber is rate limiting requests (HTTP 429).`, { retryAfterMs, ...httpStatus });
    }
    if (status === 408) return fail(grant, 'timeout', 'Jobber timed out waiting for the request (HTTP 408).', httpStatus);
    if (status >= 500) return fail(grant, 'server-error', `Jobber had a server problem (HTTP ${status}). ${NEXT_STEP[grant]}`, httpStatus);
    if (status < 400) return fail(grant, 'invalid-response', `Jobber answered with an unexpected HTTP ${status}.`, httpStatus);

    // Jobber documents no status or body for a refusal: read JSON, text and HTML alike.
    const type = contentType(response);
    const info = readRefusal(body, type);
    const said = info.text ? ` Jobber said: "${info.text}"` : '';
    const where = `(HTTP ${status}${info.code ? `, ${info.code}` : ''})`;
    const refusal = (kind: AuthErrorKind, detail: string): AuthError => fail(grant, kind, `${detail}${said}`, httpStatus);

    if (grant === 'refresh') {
      if (saysRefreshTokenDead(status, info)) {
        return refusal('rejected-grant', `Jobber no longer accepts this connection's refresh token ${where}; connect again.`);
      }
      if ((status === 400 || status === 401) && saysCredentialsRefused(info)) {
        return refusal('misconfigured', `Jobber did not accept the app's credentials ${where}: check the client ID and client secret in settings.`);
      }
      // 403, 404, 405, 409, a proxy's page, or a 400/401 that does not say the sign-in is gone: the
      // grant may well be fine, so it is kept and retried (the runner stops after repeated refusals).
      return refusal('refused', `Jobber's token endpoint refused the renewal ${where} without saying the sign-in is gone. It will be retried.`);
    }
    if (info.code === 'invalid_client' || (info.code !== 'invalid_grant' && saysCredentialsRefused(info))) {
      return refusal('misconfigured', `Jobber did not accept the app's credentials ${where}: check the client ID and client secret in settings.`);
    }
    if (saysRedirectUriRefused(info)) {
      return refusal(
        'misconfigured',
        `Jobber rejected the callback URL ${where}: it must exactly match the OAuth Callback URL registered for your app.`,
      );
    }
    if (saysCodeRefused(info)) {
      return refusal('rejected-grant', `Jobber did not accept the sign-in code ${where}: it expired, was already used or was not issued to this app. Click Connect to try again.`);
    }
    if (!info.json) {
      // An HTML page from a proxy or firewall, a wrong base URL's 404, an empty body: not an OAuth
      // verdict on anything.
      return refusal('invalid-response', `Jobber's token endpoint answered HTTP ${status} (${type}) instead of an OAuth answer. Check the connection (or proxy) and click Connect to try again.`);
    }
    return refusal('rejected-grant', `Jobber refused the sign-in ${where}. Click Connect to try again.`);
  }

  function toTokenSet(grant: Grant, response: AxiosResponse<unknown>, body: string, sentAt: number): TokenSet {
    const json = parseJsonBody(body);
    if (json === undefined) {
      throw fail(grant, 'invalid-response', `Jobber's response (HTTP ${response.status}, ${contentType(response)}) is not valid JSON.`);
    }
    const parsed = parseTokenResponse(json);
    if (!parsed.ok) {
      throw fail(grant, 'invalid-response', `Jobber's response (HTTP ${response.status}) is missing or has invalid fields: ${parsed.fields.join(', ')}.`);
    }
    for (const { field, type } of parsed.ignored) {
      logger.warn("Jobber's token response had an optional field of an unexpected type; it was ignored", { grant, field, type });
    }
    const { access_token: accessToken, refresh_token: refreshToken, expires_at: expiresAtText, warning } = parsed.data;
    const { expires_in: expiresInSec, created_at: createdAtSec } = parsed.data;
    registerSecret(accessToken);
    registerSecret(refreshToken);

    const expiry = resolveTokenExpiry({
      accessToken,
      expiresAtText,
      expiresInSec,
      createdAtSec,
      sentAt,
      receivedAt: clock.now(),
      serverDate: parseHttpDate(header(response, 'date')),
      defaultLifetimeMs,
    });
    const { expirySource, accessTokenExpiresAt: expiresAt } = expiry;
    if (expiry.expiredOnArrival) {
      logger.warn(
        "The new access token already looked expired by this computer's clock; assuming the default lifetime. Check the computer's date and time.",
        { grant, basis: expiry.basis, clockSkewMinutes: expiry.clockSkewMs === null ? null : Math.round(expiry.clockSkewMs / 60_000) },
      );
    } else if (expirySource === 'default') {
      logger.warn('The access token has no readable expiry; assuming the default lifetime', {
        grant,
        lifetimeMinutes: Math.round(defaultLifetimeMs / 60_000),
      });
    }
    if (typeof warning === 'string' && warning.trim() !== '') {
      logger.warn('Jobber returned a warning with the tokens', { grant, warning: shortText(warning, 300) });
    }
    logger.info('Token request succeeded', {
      grant,
      expirySource,
      lifetimeBasis: expiry.basis,
      accessTokenExpiresAt: new Date(expiresAt).toISOString(),
      refreshTokenFingerprint: fingerprint(refreshToken),
    });
    const tokens: TokenSet = {
      accessToken,
      refreshToken,
      accessTokenIssuedAt: expiry.accessTokenIssuedAt,
      accessTokenExpiresAt: expiresAt,
      expirySource,
    };
    if (expiry.clockSkewMs !== null) tokens.clockSkewMs = expiry.clockSkewMs;
    if (expiry.expiredOnArrival) tokens.expiredOnArrival = true;
    return tokens;
  }

  async function request(grant: Grant, form: URLSearchParams): Promise<TokenSet> {
    let response: AxiosResponse<unknown>;
    const sentAt = clock.now();
    try {
      response = await http.request<unknown>({
        method: 'POST',
        url: tokenUrl,
        data: form.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        timeout: timeoutMs,
        ...SECRET_REQUEST_OPTIONS,
      });
    } catch (error) {
      // Only the classification leaves this function: the axios error carries the request config,
      // headers and body (the secret and the code), so it is never attached as a cause.
      throw classifyThrown(grant, error);
    }
    const body = typeof response.data === 'string' ? response.data : '';
    if (response.status >= 200 && response.status < 300) return toTokenSet(grant, response, body, sentAt);
    throw classifyStatus(grant, response, body);
  }

  return {
    exchangeCode(code: string, codeVerifier?: string): Promise<TokenSet> {
      registerSecret(code);
      const form = new URLSearchParams({
        client_id: config.clientId,
        client_secret: config.clientSecret,
        grant_type: 'authorization_code',
        code,
        redirect_uri: config.redirectUri,
      });
      if (codeVerifier !== undefined) form.set('code_verifier', codeVerifier);
      return request('exchange', form);
    },
    refresh(refreshToken: string): Promise<TokenSet> {
      registerSecret(refreshToken);
      return request(
        'refresh',
        new URLSearchParams({
          client_id: config.clientId,
          client_secret: config.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        }),
      );
    },
  };
}
