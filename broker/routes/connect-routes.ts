/**
 * Connecting: the app-started flow (start → Jobber → callback → handoff → redeem) and the
 * Marketplace-started one (callback without state → pairing page → preview/redeem). Each code is
 * single use; a wrong PKCE verifier burns the handoff.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { isAuthError } from '../../electron/core/errors';
import { ApiError } from '../api-error';
import { LIFETIMES, type BrokerDeps } from '../broker-deps';
import { issueDevice } from '../device-session';
import { deniedPage, errorPage, pairingPage, PAGE_HEADERS } from '../pages';
import { isAllowedReturnTo, withParams } from '../return-to';
import { callbackQuerySchema, connectRedeemSchema, connectStartSchema, pairingSchema } from '../schemas';
import { hashSecret, newSecret, pkceMatches } from '../secrets';
import type { Account } from '../storage/broker-storage';

type Connected = { ok: true; grantId: string; account: Account } | { ok: false; error: string; description: string };

/** Exchanges the code, reads the account and stores the grant. */
async function connectGrant(deps: BrokerDeps, code: string): Promise<Connected> {
  try {
    const tokens = await deps.jobber.exchangeCode(code);
    const account = await deps.jobber.fetchAccount(tokens.accessToken);
    const grantId = randomUUID();
    await deps.storage.createGrant(grantId, account, tokens, deps.clock.now());
    return { ok: true, grantId, account };
  } catch (error) {
    if (!isAuthError(error)) throw error;
    const code = error.transient ? 'jobber_unavailable' : error.kind === 'misconfigured' ? 'broker_misconfigured' : 'grant_rejected';
    return { ok: false, error: code, description: error.message };
  }
}

function page(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(html);
}

export function registerConnectRoutes(app: FastifyInstance, deps: BrokerDeps): void {
  app.post('/v1/connect/start', async (request) => {
    const body = connectStartSchema.parse(request.body);
    if (!isAllowedReturnTo(body.returnTo, deps.extraReturnTo)) {
      throw new ApiError(400, 'return_to_not_allowed', 'returnTo must be the app\'s custom-scheme callback or a loopback http address with an explicit port.');
    }
    const state = newSecret();
    const expiresAt = deps.clock.now() + LIFETIMES.pendingConnectMs;
    await deps.storage.addPendingConnect(hashSecret(state), { codeChallenge: body.codeChallenge, returnTo: body.returnTo, appState: body.appState, expiresAt });
    return { authorizeUrl: deps.jobber.authorizeUrl(state), expiresAt };
  });

  app.get('/oauth/callback', async (request, reply) => {
    const query = callbackQuerySchema.safeParse(request.query);
    if (!query.success) return page(reply, 400, errorPage('Invalid callback', 'The address Jobber returned to is not valid.'));
    const { code, state } = query.data;
    if (state === undefined && code === undefined) return page(reply, 200, deniedPage());

    if (state === undefined) return marketplaceConnect(deps, reply, code!);

    const pending = await deps.storage.takePendingConnect(hashSecret(state), deps.clock.now());
    if (pending === null) return page(reply, 400, errorPage('Unknown request', 'This sign-in was not started here or was already used. Start again from the app.'));
    if (pending === 'expired') return page(reply, 400, errorPage('Request expired', 'This sign-in took longer than 10 minutes. Start again from the app.'));
    const back = (params: Record<string, string>): FastifyReply => reply.redirect(withParams(pending.returnTo, { ...params, state: pending.appState }), 302);
    if (code === undefined) return back({ error: 'access_denied', error_description: 'Access to the Jobber account was not granted.' });

    const connected = await connectGrant(deps, code);
    if (!connected.ok) return back({ error: connected.error, error_description: connected.description });
    const handoff = newSecret();
    await deps.storage.addHandoff(hashSecret(handoff), connected.grantId, pending.codeChallenge, deps.clock.now() + LIFETIMES.handoffMs);
    return back({ handoff });
  });

  app.post('/v1/connect/redeem', async (request) => {
    const body = connectRedeemSchema.parse(request.body);
    const handoff = await deps.storage.takeHandoff(hashSecret(body.handoff), deps.clock.now());
    if (!handoff || !pkceMatches(body.codeVerifier, handoff.codeChallenge)) {
      throw new ApiError(400, 'invalid_handoff', 'This handoff code is unknown, expired, already used or does not match the app\'s verifier; connect again.');
    }
    return issueDevice(deps, handoff.grantId);
  });

  app.post('/v1/pairing/preview', async (request) => {
    const body = pairingSchema.parse(request.body);
    const pairing = await deps.storage.peekPairing(hashSecret(body.pairing), deps.clock.now());
    const account = pairing ? await deps.storage.accountOf(pairing.grantId) : null;
    if (!pairing || !account) throw invalidPairing();
    return { account, expiresAt: pairing.expiresAt };
  });

  app.post('/v1/pairing/redeem', async (request) => {
    const body = pairingSchema.parse(request.body);
    const grantId = await deps.storage.takePairing(hashSecret(body.pairing), deps.clock.now());
    if (!grantId) throw invalidPairing();
    return issueDevice(deps, grantId);
  });
}

function invalidPairing(): ApiError {
  return new ApiError(400, 'invalid_pairing', 'This pairing code is unknown, expired or already used; connect again from Jobber.');
}

/** Jobber's Marketplace sent a code without state: store the grant unbound and show the pairing page. */
async function marketplaceConnect(deps: BrokerDeps, reply: FastifyReply, code: string): Promise<FastifyReply> {
  const connected = await connectGrant(deps, code);
  if (!connected.ok) {
    const status = connected.error === 'jobber_unavailable' ? 502 : 400;
    return page(reply, status, errorPage('Could not connect', connected.description));
  }
  const pairing = newSecret();
  await deps.storage.addPairing(hashSecret(pairing), connected.grantId, deps.clock.now() + LIFETIMES.pairingMs);
  return page(reply, 200, pairingPage(connected.account.name, pairing, LIFETIMES.pairingMs / 60_000));
}
