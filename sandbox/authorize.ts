/**
 * The authorize endpoint and the consent decision: validates the request like Jobber (known
 * client, exactly registered redirect URI, response_type=code, state optional, PKCE optional but
 * S256 only when present), shows the consent
 * page, and on the decision redirects with a code (Allow) or with no parameters at all (Deny).
 * Bad requests get an HTML error page and are never redirected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SANDBOX_APP_NAME, SANDBOX_SCOPES, type SandboxContext } from './context';
import { formActionSource, pageHeaders, renderConsentPage, renderErrorPage } from './consent-page';
import { applyFault } from './faults';
import { mediaType, readBody, sendHtml, sendRedirect } from './http-util';

function errorPage(res: ServerResponse, title: string, message: string): void {
  sendHtml(res, 400, renderErrorPage(title, message), pageHeaders());
}

/** `uri` plus query parameters, keeping the URI's own query and dropping any fragment. */
export function withQuery(uri: string, params: Record<string, string>): string {
  const base = uri.split('#')[0] ?? uri;
  const query = Object.entries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  if (!query) return base;
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}${query}`;
}

/** GET /api/oauth/authorize */
export async function handleAuthorize(res: ServerResponse, ctx: SandboxContext, url: URL): Promise<void> {
  ctx.counters.authorizeRequests += 1;
  const fault = ctx.faults.take('authorize');
  if (fault) {
    const page = renderErrorPage('Authorize', 'Sandbox fault page.');
    const outcome = await applyFault(
      fault,
      res,
      {
        success: () => ({ contentType: 'text/html; charset=utf-8', body: page }),
        missingFields: () => ({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>Authorize</title><p>Nothing here.</p>' }),
      },
      ctx.sleep,
    );
    if (outcome === 'handled') return;
  }

  const params = url.searchParams;
  const clientId = params.get('client_id');
  if (!clientId) return errorPage(res, 'Missing client_id', 'The authorize request has no client_id parameter.');
  if (clientId !== ctx.clientId) return errorPage(res, 'Unknown client_id', 'No app is registered with this client_id.');
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri) return errorPage(res, 'Missing redirect_uri', 'The authorize request has no redirect_uri parameter.');
  if (!ctx.redirectUris.includes(redirectUri)) {
    return errorPage(res, 'Invalid redirect_uri', 'The redirect_uri does not match the OAuth Callback URL registered for this app.');
  }
  const responseType = params.get('response_type');
  if (responseType !== 'code') {
    return errorPage(res, 'Invalid response_type', 'The authorize request must have response_type=code.');
  }
  const codeChallenge = params.get('code_challenge') ?? undefined;
  // RFC 7636 §4.3 defaults to "plain", which protects nothing: a challenge must say S256.
  if (codeChallenge !== undefined && params.get('code_challenge_method') !== 'S256') {
    return errorPage(res, 'Invalid code_challenge_method', 'A code_challenge must use code_challenge_method=S256.');
  }
  const state = params.get('state') ?? undefined;
  const ticketId = ctx.tickets.open({ clientId, redirectUri, state, codeChallenge }, ctx.now());
  const html = renderConsentPage({ appName: SANDBOX_APP_NAME, accountName: ctx.account.name, scopes: SANDBOX_SCOPES, ticketId });
  const sources = ctx.redirectUris.map(formActionSource).filter((s): s is string => s !== undefined);
  sendHtml(res, 200, html, pageHeaders(sources));
}

/** POST /api/oauth/authorize/decision (the consent page's form). */
export async function handleDecision(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<void> {
  const body = await readBody(req);
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    return errorPage(res, 'Invalid form', 'The consent form must be posted as application/x-www-form-urlencoded.');
  }
  const form = new URLSearchParams(body);
  const decision = form.get('decision');
  if (decision !== 'allow' && decision !== 'deny') {
    return errorPage(res, 'Invalid decision', 'The consent form must say allow or deny.');
  }
  const ticket = ctx.tickets.take(form.get('ticket') ?? '', ctx.now());
  if (!ticket) {
    return errorPage(res, 'Consent request expired', 'This consent request has expired or was already answered. Start again from the app.');
  }
  if (decision === 'deny') return sendRedirect(res, ticket.redirectUri);
  const code = ctx.grants.issueCode({
    clientId: ticket.clientId,
    redirectUri: ticket.redirectUri,
    codeChallenge: ticket.codeChallenge,
    accountId: ctx.account.id,
    now: ctx.now(),
    lifetimeMs: ctx.codeLifetimeSec * 1000,
  });
  const params: Record<string, string> = { code };
  if (ticket.state !== undefined) params.state = ticket.state;
  sendRedirect(res, withQuery(ticket.redirectUri, params));
}
