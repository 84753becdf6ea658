/**
 * A small, faithful stand-in for the connection broker (HTTP contract v1), for the app's broker-mode
 * tests: a real node:http server on 127.0.0.1 in front of a real sandbox, which plays Jobber. It
 * exchanges codes and refreshes with the sandbox's client secret (through the engine's own token
 * client and account API), hands the app one-time hand-offs and pairing codes, issues device
 * credentials (kept only as SHA-256 hashes), answers /v1/token, /v1/disconnect and /v1/events with
 * the contract's codes, and offers a few controls a test needs (go offline, "disconnect in Jobber").
 *
 * `startBrokerUnderTest` is the one factory: swap its body to run the same tests against the real
 * broker (broker/), which offers the same endpoints; the controls then map to the sandbox's webhook
 * and to stopping the broker process.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sandboxConfig } from '../../../electron/app/config';
import type { AccountSummary } from '../../../electron/ipc/connection-state';
import { isAuthError } from '../../../electron/core/errors';
import type { Clock } from '../../../electron/core/clock';
import { createTokenClient } from '../../../electron/auth/token-client';
import { createJobberAccountApi } from '../../../electron/jobber/jobber-account-api';
import { followConsent } from '../../../sandbox/consent-driver';
import { SANDBOX_PATHS, startSandbox, type Sandbox, type SandboxOptions } from '../../../sandbox/server';
import { ControlledClock } from '../engine/engine-harness';

/** The contract's lifetimes. */
const HANDOFF_TTL_MS = 60_000;
const PAIRING_TTL_MS = 10 * 60_000;
const START_TTL_MS = 10 * 60_000;
/** Refresh at Jobber when the stored access token has less than this left. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const HEARTBEAT_MS = 25_000;

export type GrantStatus = 'live' | 'disconnected-in-jobber' | 'rejected';

interface Grant {
  id: string;
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: number;
  account: AccountSummary;
  status: GrantStatus;
  /** The refresh at Jobber in flight, if any (single flight per grant). */
  refreshing: Promise<void> | null;
}

export interface BrokerCounters {
  tokenRequests: number;
  refreshesAtJobber: number;
  disconnects: number;
  eventSubscriptions: number;
}

/** What the tests use: the same for the fake and (after the swap) the real broker. */
export interface BrokerUnderTest {
  url: string;
  sandbox: Sandbox;
  /** Plays the Marketplace: consent at the sandbox with no state; returns the pairing link the broker's page offers. */
  marketplacePairingLink(): Promise<string>;
  /** Follows the broker's /oauth/callback redirect (the browser's job) and returns where it sends the app. */
  followCallback(brokerCallbackUrl: string): Promise<string>;
  /** As if Jobber's APP_DISCONNECT webhook arrived: every grant disconnected, subscribers told at once. */
  disconnectInJobber(): void;
  /** Stops answering (connections refused) / answers again on the same port. */
  goOffline(): Promise<void>;
  comeBack(): Promise<void>;
  /** Forgets every device credential (a revoked device): the next call answers 401 unknown_device. */
  forgetDevices(): void;
  counters(): BrokerCounters;
  close(): Promise<void>;
}

export interface BrokerUnderTestOptions {
  sandbox?: SandboxOptions;
  /** Shared by the broker's own expiry checks (and the sandbox's, when its options have no clock). */
  clock?: ControlledClock;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const randomCode = () => randomBytes(32).toString('base64url');
const BASE64URL_43 = /^[A-Za-z0-9_-]{43}$/;
const LOOPBACK_RETURN = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):\d{1,5}\/[^?#]*$/;

function returnToAllowed(value: string): boolean {
  return value === 'com.jobberconnect.app:/oauth/callback' || LOOPBACK_RETURN.test(value);
}

function withParams(base: string, params: Record<string, string>): string {
  return `${base}${base.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, message }, headers);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    const parsed = JSON.parse(text === '' ? '{}' : text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The one factory: a sandbox playing Jobber and a broker in front of it, both on 127.0.0.1. */
export async function startBrokerUnderTest(options: BrokerUnderTestOptions = {}): Promise<BrokerUnderTest> {
  const clock: Clock = options.clock ?? new ControlledClock();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) fail(res, 500, 'internal', 'The broker failed.');
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const callbackUrl = `${url}/oauth/callback`;

  const sandbox = await startSandbox({
    port: 0,
    ...(options.clock ? { clock: () => clock.now() } : {}),
    ...options.sandbox,
    redirectUris: [callbackUrl],
  });
  const jobberConfig = sandboxConfig(sandbox.url, { redirectUri: callbackUrl, graphqlVersion: '2025-04-16', authMode: 'app-window' });
  const jobberTokens = createTokenClient({ config: jobberConfig, clock });
  const jobberApi = createJobberAccountApi({ config: jobberConfig });

  const starts = new Map<string, { codeChallenge: string; returnTo: string; appState: string; expiresAt: number }>();
  const handoffs = new Map<string, { grantId: string; codeChallenge: string; expiresAt: number }>();
  const pairings = new Map<string, { grantId: string; expiresAt: number }>();
  const grants = new Map<string, Grant>();
  /** sha256(device credential) → grant id. */
  const devices = new Map<string, string>();
  const subscribers = new Map<string, Set<ServerResponse>>();
  const counters: BrokerCounters = { tokenRequests: 0, refreshesAtJobber: 0, disconnects: 0, eventSubscriptions: 0 };

  async function exchange(code: string): Promise<Grant> {
    const tokens = await jobberTokens.exchangeCode(code);
    const account = await jobberApi.fetchAccount(tokens.accessToken);
    const grant: Grant = {
      id: randomCode(),
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      account,
      status: 'live',
      refreshing: null,
    };
    grants.set(grant.id, grant);
    return grant;
  }

  function issueDevice(res: ServerResponse, grant: Grant): void {
    const deviceCredential = randomCode();
    devices.set(sha256(deviceCredential), grant.id);
    sendJson(res, 200, {
      deviceCredential,
      account: grant.account,
      accessToken: grant.accessToken,
      accessTokenExpiresAt: grant.accessTokenExpiresAt,
    });
  }

  function deviceGrant(req: IncomingMessage): Grant | null {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const grantId = match?.[1] ? devices.get(sha256(match[1])) : undefined;
    return grantId ? (grants.get(grantId) ?? null) : null;
  }

  function publish(grant: Grant): void {
    for (const res of subscribers.get(grant.id) ?? []) res.write(`event: grant\ndata: ${JSON.stringify({ status: grant.status })}\n\n`);
  }

  async function refreshAtJobber(grant: Grant): Promise<void> {
    grant.refreshing ??= (async () => {
      try {
        counters.refreshesAtJobber += 1;
        const fresh = await jobberTokens.refresh(grant.refreshToken);
        Object.assign(grant, { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, accessTokenExpiresAt: fresh.accessTokenExpiresAt });
      } catch (error) {
        if (isAuthError(error) && error.kind === 'rejected-grant') {
          grant.status = 'rejected';
          publish(grant);
          return;
        }
        throw error;
      } finally {
        grant.refreshing = null;
      }
    })();
    return grant.refreshing;
  }

  async function handleCallback(res: ServerResponse, params: URLSearchParams): Promise<void> {
    const code = params.get('code');
    const state = params.get('state');
    if (code === null && state === null) {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>You chose not to connect.</p>');
      return;
    }
    if (state === null && code !== null) {
      const grant = await exchange(code);
      const pairing = randomCode();
      pairings.set(pairing, { grantId: grant.id, expiresAt: clock.now() + PAIRING_TTL_MS });
      const link = `com.jobberconnect.app:/oauth/pair?pairing=${pairing}`;
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<p>${grant.account.name}</p><a href="${link}">Open Jobber Connect</a>`);
      return;
    }
    const start = state === null ? undefined : starts.get(state);
    if (start === undefined || clock.now() >= start.expiresAt || code === null) {
      fail(res, 400, 'invalid_state', 'This sign-in is unknown or expired.');
      return;
    }
    starts.delete(state!);
    try {
      const grant = await exchange(code);
      const handoff = randomCode();
      handoffs.set(handoff, { grantId: grant.id, codeChallenge: start.codeChallenge, expiresAt: clock.now() + HANDOFF_TTL_MS });
      res.writeHead(302, { Location: withParams(start.returnTo, { handoff, state: start.appState }) }).end();
    } catch {
      const location = withParams(start.returnTo, { error: 'exchange_failed', error_description: 'Jobber refused the code.', state: start.appState });
      res.writeHead(302, { Location: location }).end();
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = new URL(req.url ?? '/', url);
    const key = `${req.method} ${target.pathname}`;
    if (key === 'GET /oauth/callback') return handleCallback(res, target.searchParams);
    if (key === 'GET /v1/events') return handleEvents(req, res);
    const body = req.method === 'POST' ? await readJson(req) : {};
    switch (key) {
      case 'POST /v1/connect/start': {
        const codeChallenge = str(body.codeChallenge);
        const returnTo = str(body.returnTo);
        const appState = str(body.appState);
        if (!BASE64URL_43.test(codeChallenge) || body.codeChallengeMethod !== 'S256' || !BASE64URL_43.test(appState)) {
          return fail(res, 400, 'invalid_request', 'The request is malformed.');
        }
        if (!returnToAllowed(returnTo)) return fail(res, 400, 'return_to_not_allowed', 'That return address is not allowed.');
        const state = randomCode();
        const expiresAt = clock.now() + START_TTL_MS;
        starts.set(state, { codeChallenge, returnTo, appState, expiresAt });
        const query = new URLSearchParams({ response_type: 'code', client_id: jobberConfig.clientId, redirect_uri: callbackUrl, state });
        return sendJson(res, 200, { authorizeUrl: `${sandbox.url}${SANDBOX_PATHS.authorize}?${query.toString()}`, expiresAt });
      }
      case 'POST /v1/connect/redeem': {
        const handoff = handoffs.get(str(body.handoff));
        handoffs.delete(str(body.handoff));
        const verifier = str(body.codeVerifier);
        const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
        const grant = handoff ? grants.get(handoff.grantId) : undefined;
        if (!handoff || !grant || clock.now() >= handoff.expiresAt || challenge !== handoff.codeChallenge) {
          return fail(res, 400, 'invalid_handoff', 'The hand-off is unknown, expired, used or the verifier does not match.');
        }
        return issueDevice(res, grant);
      }
      case 'POST /v1/pairing/preview':
      case 'POST /v1/pairing/redeem': {
        const code = str(body.pairing);
        const pairing = pairings.get(code);
        const grant = pairing ? grants.get(pairing.grantId) : undefined;
        if (!pairing || !grant || clock.now() >= pairing.expiresAt) return fail(res, 400, 'invalid_pairing', 'The pairing code is unknown, expired or used.');
        if (key === 'POST /v1/pairing/preview') return sendJson(res, 200, { account: grant.account, expiresAt: pairing.expiresAt });
        pairings.delete(code);
        return issueDevice(res, grant);
      }
      case 'POST /v1/token': {
        counters.tokenRequests += 1;
        const grant = deviceGrant(req);
        if (!grant) return fail(res, 401, 'unknown_device', 'This device credential is unknown or revoked.');
        if (grant.status === 'live' && grant.accessTokenExpiresAt - clock.now() < REFRESH_MARGIN_MS) {
          try {
            await refreshAtJobber(grant);
          } catch {
            return fail(res, 502, 'jobber_unavailable', 'Jobber could not be reached.');
          }
        }
        if (grant.status === 'disconnected-in-jobber') return fail(res, 410, 'grant_disconnected', 'The app was disconnected in Jobber.');
        if (grant.status === 'rejected') return fail(res, 410, 'grant_rejected', 'Jobber refused the refresh token.');
        return sendJson(res, 200, { accessToken: grant.accessToken, accessTokenExpiresAt: grant.accessTokenExpiresAt, account: grant.account });
      }
      case 'POST /v1/disconnect': {
        counters.disconnects += 1;
        const grant = deviceGrant(req);
        if (!grant) return fail(res, 401, 'unknown_device', 'This device credential is unknown or revoked.');
        // Jobber ended a grant it disconnected itself: it knows (as the real broker answers).
        let jobberNotified = grant.status === 'disconnected-in-jobber';
        if (grant.status === 'live') {
          try {
            await jobberApi.appDisconnect(grant.accessToken, AbortSignal.timeout(5_000));
            jobberNotified = true;
          } catch {
            // Deleted below either way, as the contract says.
          }
        }
        grants.delete(grant.id);
        for (const [hash, grantId] of devices) if (grantId === grant.id) devices.delete(hash);
        for (const sub of subscribers.get(grant.id) ?? []) sub.end();
        subscribers.delete(grant.id);
        return sendJson(res, 200, { jobberNotified });
      }
      default:
        return fail(res, 404, 'not_found', 'No such endpoint.');
    }
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    const grant = deviceGrant(req);
    if (!grant) return fail(res, 401, 'unknown_device', 'This device credential is unknown or revoked.');
    counters.eventSubscriptions += 1;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const set = subscribers.get(grant.id) ?? new Set<ServerResponse>();
    subscribers.set(grant.id, set);
    set.add(res);
    res.write(`event: grant\ndata: ${JSON.stringify({ status: grant.status })}\n\n`);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    res.on('close', () => {
      clearInterval(heartbeat);
      set.delete(res);
    });
  }

  async function stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  return {
    url,
    sandbox,
    async marketplacePairingLink() {
      const query = new URLSearchParams({ response_type: 'code', client_id: jobberConfig.clientId, redirect_uri: callbackUrl });
      const callback = await followConsent(`${sandbox.url}${SANDBOX_PATHS.authorize}?${query.toString()}`, 'allow');
      const page = await (await fetch(callback)).text();
      const link = /href="(com\.jobberconnect\.app:[^"]+)"/.exec(page)?.[1];
      if (!link) throw new Error('The broker page offered no pairing link');
      return link;
    },
    async followCallback(brokerCallbackUrl) {
      const answer = await fetch(brokerCallbackUrl, { redirect: 'manual' });
      await answer.arrayBuffer();
      const location = answer.headers.get('location');
      if (answer.status !== 302 || !location) throw new Error(`The broker's callback answered HTTP ${answer.status} without a redirect`);
      return location;
    },
    disconnectInJobber() {
      sandbox.control.disconnectFromJobber();
      for (const grant of grants.values()) {
        grant.status = 'disconnected-in-jobber';
        publish(grant);
      }
    },
    goOffline: stopListening,
    async comeBack() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
    },
    forgetDevices() {
      devices.clear();
    },
    counters: () => ({ ...counters }),
    async close() {
      if (server.listening) await stopListening();
      await sandbox.close();
    },
  };
}
