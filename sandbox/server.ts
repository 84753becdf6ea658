/**
 * The sandbox server: a node:http server on 127.0.0.1 that plays Jobber's OAuth and GraphQL
 * endpoints (as Jobber documents them; see sandbox/README.md) plus a control API. This module wires options,
 * persistence and routing; the behaviour lives in authorize.ts, token.ts, graphql.ts, control.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_API_VERSIONS } from './api-versions';
import { handleAuthorize, handleDecision } from './authorize';
import { createContext, type SandboxContext } from './context';
import { DECISION_PATH } from './consent-page';
import { CONTROL_PREFIX, createControl, handleControl } from './control';
import { GrantRegistry } from './grants';
import { handleGraphql } from './graphql';
import { createJobberSide, jobberSideRoutes, withJobberSide, type JobberSide } from './jobber-side';
import { BodyTooLargeError, sendJson } from './http-util';
import { newSigningKey } from './jwt';
import { readStateFile, writeStateFile } from './state-file';
import { handleToken } from './token';
import type { Sandbox, SandboxControl, SandboxOptions } from './types';

export type {
  ApiAnswers,
  Fault,
  FaultPhase,
  RefreshExtras,
  RefusalShape,
  Sandbox,
  SandboxAccount,
  SandboxControl,
  SandboxCounters,
  SandboxEndpoint,
  SandboxGuesses,
  SandboxOptions,
} from './types';

/** The sandbox's registered app. Public test values, safe to print. */
export const SANDBOX_CLIENT = { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret' } as const;

/** The callback URL registered by default (the app's custom scheme). */
export const SANDBOX_DEFAULT_REDIRECT_URI = 'com.jobberconnect.app:/oauth/callback';

/** The account every sandbox grant belongs to, unless options say otherwise. */
export const SANDBOX_DEFAULT_ACCOUNT = { id: 'sandbox-account-1', name: 'Sandbox Landscaping Co.' } as const;

/** Endpoint paths, as on api.getjobber.com. */
export const SANDBOX_PATHS = {
  authorize: '/api/oauth/authorize',
  decision: DECISION_PATH,
  token: '/api/oauth/token',
  graphql: '/api/graphql',
  control: CONTROL_PREFIX,
} as const;

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

function router(ctx: SandboxContext, control: SandboxControl, options: SandboxOptions, jobberSide: JobberSide): Handler {
  const table: Record<string, { method: string; handle: Handler }> = {
    [SANDBOX_PATHS.authorize]: { method: 'GET', handle: (_req, res, url) => handleAuthorize(res, ctx, url) },
    [SANDBOX_PATHS.decision]: { method: 'POST', handle: (req, res) => handleDecision(req, res, ctx) },
    [SANDBOX_PATHS.token]: { method: 'POST', handle: (req, res) => handleToken(req, res, ctx) },
    [SANDBOX_PATHS.graphql]: { method: 'POST', handle: (req, res) => handleGraphql(req, res, ctx) },
  };
  return async (req, res, url) => {
    const isControl = url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`);
    if (isControl && options.controlRoutes !== false) {
      return handleControl(req, res, ctx, control, url.pathname, options.testOnlyServeRefreshTokens === true, jobberSideRoutes(jobberSide));
    }
    const route = table[url.pathname];
    if (!route) return sendJson(res, 404, { error: 'not_found', message: 'No such endpoint' });
    if (req.method !== route.method && !(route.method === 'GET' && req.method === 'HEAD')) {
      return sendJson(res, 405, { error: 'method_not_allowed', message: `Use ${route.method}` }, { Allow: route.method });
    }
    return route.handle(req, res, url);
  };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

/** Starts a sandbox on 127.0.0.1 and resolves once it is listening. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const statePath = options.statePath;
  const persisted = statePath ? readStateFile(statePath) : undefined;
  const signingKey = persisted?.signingKey ?? newSigningKey();
  const grants = new GrantRegistry(() => {
    if (statePath) writeStateFile(statePath, { signingKey, grants: grants.snapshot() });
  });
  if (persisted) grants.restore(persisted.grants);
  if (statePath) writeStateFile(statePath, { signingKey, grants: grants.snapshot() });

  let closed = false;
  const timers = new Map<NodeJS.Timeout, (value: boolean) => void>();
  const sleep = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (closed) return resolve(false);
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(true);
      }, ms);
      timers.set(timer, resolve);
    });

  const throttle = options.throttle ?? { maximumAvailable: 10_000, restoreRate: 500 };
  const rateLimit = options.rateLimit ?? { requests: 2500, windowSec: 300 };
  const ctx = createContext({
    baseClock: options.clock ?? Date.now,
    clientId: SANDBOX_CLIENT.clientId,
    clientSecret: SANDBOX_CLIENT.clientSecret,
    redirectUris: [...(options.redirectUris ?? [SANDBOX_DEFAULT_REDIRECT_URI])],
    accounts: [{ ...(options.account ?? SANDBOX_DEFAULT_ACCOUNT) }, ...(options.moreAccounts ?? [])],
    versions: options.apiVersions ?? DEFAULT_API_VERSIONS,
    codeLifetimeSec: positive('codeLifetimeSec', options.codeLifetimeSec ?? 60),
    accessTokenLifetimeSec: positive('accessTokenLifetimeSec', options.accessTokenLifetimeSec ?? 3600),
    signingKey,
    grants,
    throttle: { maximumAvailable: positive('throttle.maximumAvailable', throttle.maximumAvailable), restoreRate: positive('throttle.restoreRate', throttle.restoreRate) },
    rateLimit: { requests: positive('rateLimit.requests', rateLimit.requests), windowSec: positive('rateLimit.windowSec', rateLimit.windowSec) },
    sleep,
  });
  const jobberSide = createJobberSide(ctx, options.webhookUrl ?? null);
  const control = withJobberSide(createControl(ctx), jobberSide);
  const route = router(ctx, control, options, jobberSide);

  const sockets = new Set<Socket>();
  let ownHost = '';
  const server = createServer((req, res) => {
    // Every answer is dated by the sandbox's own (possibly shifted) clock, as Jobber's are by its
    // clock: the app judges clock skew from this header, since Jobber's tokens carry no `iat`.
    res.setHeader('Date', new Date(ctx.now()).toUTCString());
    // DNS rebinding: a web page whose host name now resolves to 127.0.0.1 still sends its own name.
    if (req.headers.host !== ownHost) {
      return sendJson(res, 421, { error: 'misdirected_request', message: `This sandbox answers only to ${ownHost}` });
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    route(req, res, url).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'payload_too_large', message: error.message });
      sendJson(res, 500, { error: 'server_error', message: 'The sandbox failed to handle the request' });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  ownHost = `127.0.0.1:${port}`;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    control,
    jobberSide,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const [timer, wake] of timers) {
          clearTimeout(timer);
          wake(false);
        }
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
