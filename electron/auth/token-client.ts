/**
 * Jobber's OAuth token endpoint over axios: the code exchange and the refresh. It sends the
 * form-encoded bodies Jobber documents, parses the response itself (so a truncated or HTML body is
 * classified, not thrown raw), works out the access token's expiry on our clock (token-expiry.ts),
 * and turns every failure into an AuthError with a kind. Only an explicit OAuth verdict counts as
 * "the grant is gone": a proxy's HTML page or a 404 never does. It keeps no state: rotation, persistence and retries belong to the
 * session. No Electron; the network is reached through an injectable axios instance.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { SECRET_REQUEST_OPTIONS } from './secret-request-options';
import { apiUrl } from './api-url';
import type { JobberConfig } from './config-types';
import { AuthError, type AuthErrorKind } from './errors';
import { parseHttpDate, parseRetryAfter } from './http-retry';
import { silentLogger, type Clock, type Logger, type TokenEndpoint } from './ports';
import { createRedactingLogger, describeError, fingerprint, pinSecret, redact, registerSecret } from './redact';
import { resolveTokenExpiry } from './token-expiry';
import type { TokenSet } from './token-model';
import { parseTokenResponse, tokenErrorBodySchema } from './token-response-schema';

/** Kept for existing importers; http-retry.ts is its home. */
export { parseRetryAfter } from './http-retry';

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

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** What Jobber's error body told us, reduced to safe, short values. */
interface ErrorBodyInfo {
  /** The body was a JSON object (an OAuth-style answer), not HTML, text or nothing. */
  json: boolean;
  /** An OAuth error code such as invalid_grant, if the body had a plain one. */
  error: string | null;
  /** A redacted, shortened human description, if any. */
  description: string | null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function shortText(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const flat = redact(value).replace(/\s+/g, ' ').trim();
  if (flat === '') return null;
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function readErrorBody(body: string): ErrorBodyInfo {
  const parsed = tokenErrorBodySchema.safeParse(parseJson(body));
  if (!parsed.success) return { json: false, error: null, description: null };
  const { error, error_description: description, message } = parsed.data;
  // `{"error":{"message":"…"}}` is how Jobber's API reports some failures.
  const nestedMessage =
    typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  const code = typeof error === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(error) ? error.toLowerCase() : null;
  return { json: true, error: code, description: shortText(description ?? message ?? nestedMessage, 200) };
}

/** Jobber's documented rejection is "The provided refresh token is not valid". */
const REFRESH_TOKEN_REFUSED = /refresh token.*(not valid|invalid|revoked|expired)/i;

/** A refresh answer that says the refresh token itself is dead: the only 'rejected-grant' on refresh. */
function saysRefreshTokenRejected(status: number, info: ErrorBodyInfo): boolean {
  if (!info.json || (status !== 400 && status !== 401)) return false;
  return info.error === 'invalid_grant' || (info.description !== null && REFRESH_TOKEN_REFUSED.test(info.description));
}

function header(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = response.headers?.[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** The media type without parameters, capped: a hostile proxy's header must not flood the message. */
function contentType(response: AxiosResponse): string {
  const type = (header(response, 'content-type') ?? 'no content type').split(';')[0]?.trim() ?? '';
  return type.slice(0, 60);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const causeCode = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof causeCode === 'string' ? causeCode : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : '';
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

  function fail(grant: Grant, kind: AuthErrorKind, detail: string, extra: { retryAfterMs?: number } = {}): AuthError {
    const error = new AuthError(kind, redact(`${ACTION[grant]} failed: ${detail}`), extra);
    logger.warn('Token request failed', { grant, kind: error.kind, detail: error.message });
    return error;
  }

  function classifyThrown(grant: Grant, error: unknown): AuthError {
    const code = errorCode(error);
    const message = errorMessage(error);
    logger.warn('Token request did not complete', { grant, error: describeError(error) });
    if (code === 'ERR_CANCELED') return fail(grant, 'cancelled', 'the request was cancelled.');
    if ((code !== undefined && TIMEOUT_CODES.has(code)) || /timeout/i.test(message)) {
      return fail(grant, 'timeout', `Jobber did not answer within ${Math.round(timeoutMs / 1000)} s. It will be retried.`);
    }
    const arrived = (error as { response?: unknown }).response;
    if (code === 'ERR_BAD_RESPONSE' || (typeof arrived === 'object' && arrived !== null)) {
      // The status line arrived but the body was cut off (connection closed or stalled mid-body).
      // graphql-client.ts classifies the same way: 'network' only when no answer arrived at all.
      const status = (arrived as { status?: unknown } | null | undefined)?.status;
      const statusPart = typeof status === 'number' ? ` (HTTP ${status})` : '';
      return fail(grant, 'invalid-response', `Jobber's response was cut off before it was complete${statusPart}.`);
    }
    const codePart = code !== undefined && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : '';
    if ((code !== undefined && NETWORK_CODES.has(code)) || /socket hang up/i.test(message) || code === undefined) {
      return fail(grant, 'network', `couldn't reach Jobber at ${config.apiBaseUrl}${codePart}. Check the internet connection.`);
    }
    return fail(grant, 'network', `the request to ${config.apiBaseUrl} failed${codePart}.`);
  }

  function classifyStatus(grant: Grant, response: AxiosResponse<unknown>, body: string): AuthError {
    const { status } = response;
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), clock.now());
      return fail(grant, 'rate-limited', `Jobber is rate limiting requests (HTTP 429).`, { retryAfterMs });
    }
    if (status === 408) return fail(grant, 'timeout', 'Jobber timed out waiting for the request (HTTP 408).');
    if (status >= 500) return fail(grant, 'server-error', `Jobber had a server problem (HTTP ${status}). It will be retried.`);
    if (status < 400) return fail(grant, 'invalid-response', `Jobber answered with an unexpected HTTP ${status}.`);

    const info = readErrorBody(body);
    const said = info.description ? ` Jobber said: "${info.description}"` : '';
    const codePart = info.error ? `, ${info.error}` : '';
    const where = `(HTTP ${status}${codePart})`;
    if (!info.json) {
      // An HTML page from a proxy or firewall, a wrong base URL's 404, an empty body: not an OAuth
      // verdict on anything, so never grounds to give up the grant.
      const type = contentType(response);
      const next = grant === 'refresh' ? 'It will be retried.' : 'Check the connection (or proxy) and click Connect to try again.';
      return fail(grant, 'invalid-response', `Jobber's token endpoint answered HTTP ${status} (${type}) instead of an OAuth answer. ${next}`);
    }
    const credentialsRefused = info.error === 'invalid_client' && (status === 400 || status === 401);
    if (credentialsRefused || (grant === 'exchange' && (info.error === 'invalid_client' || status === 401))) {
      return fail(
        grant,
        'misconfigured',
        `Jobber did not accept the app's credentials ${where}: check the client ID and client secret in settings.${said}`,
      );
    }
    if (grant === 'refresh') {
      if (saysRefreshTokenRejected(status, info)) {
        return fail(grant, 'rejected-grant', `Jobber no longer accepts this connection's refresh token ${where}; connect again.${said}`);
      }
      // 403, 404, 405, 407, 409, 423 … or a 400/401 that does not name the refresh token: the grant
      // may well be fine, so keep it and retry with backoff.
      return fail(grant, 'invalid-response', `Jobber's token endpoint refused the renewal ${where} without saying the sign-in is gone. It will be retried.${said}`);
    }
    const text = `${info.error ?? ''} ${info.description ?? ''}`.toLowerCase();
    if (info.error === 'redirect_uri_mismatch' || /redirect/.test(text)) {
      return fail(
        grant,
        'misconfigured',
        `Jobber rejected the callback URL ${where}: it must exactly match the OAuth Callback URL registered for your app.${said}`,
      );
    }
    if (info.error === 'invalid_grant' || /expire|invalid|revoked|used/.test(text)) {
      return fail(
        grant,
        'rejected-grant',
        `Jobber rejected the authorization code ${where}: it is invalid, expired or already used. Click Connect to try again.${said}`,
      );
    }
    return fail(
      grant,
      'rejected-grant',
      `Jobber rejected the authorization code ${where}: it may have expired or been used already, or the callback URL may not match the one registered for your app. Click Connect to try again.${said}`,
    );
  }

  function toTokenSet(grant: Grant, response: AxiosResponse<unknown>, body: string, sentAt: number): TokenSet {
    const json = parseJson(body);
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
    registerSecret(accessToken);
    registerSecret(refreshToken);

    const expiry = resolveTokenExpiry({
      accessToken,
      expiresAtText,
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
    exchangeCode(code: string): Promise<TokenSet> {
      registerSecret(code);
      return request(
        'exchange',
        new URLSearchParams({
          client_id: config.clientId,
          client_secret: config.clientSecret,
          grant_type: 'authorization_code',
          code,
          redirect_uri: config.redirectUri,
        }),
      );
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
