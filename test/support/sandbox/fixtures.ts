/**
 * Shared helpers for the sandbox tests: a sandbox on port 0 with a fake clock, a full connect
 * (consent + code exchange) and thin fetch wrappers for the token and GraphQL endpoints.
 */
import { afterEach } from 'vitest';
import { followConsent } from '../../../sandbox/consent-driver';
import { SANDBOX_CLIENT, startSandbox, type Sandbox, type SandboxOptions } from '../../../sandbox/server';

export const REDIRECT_URI = 'com.jobberconnect.app:/oauth/callback';
export const VERSION = '2025-04-16';
export const START = Date.UTC(2025, 0, 15, 12, 0, 0);

/** Starts a sandbox whose base clock stands still at START (move it with control.shiftClock). */
export function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ clock: () => START, ...options });
}

export function authorizeUrl(sandbox: Sandbox, params: Record<string, string | undefined> = {}): string {
  const defaults: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: SANDBOX_CLIENT.clientId,
    redirect_uri: REDIRECT_URI,
    state: 'state-123',
  };
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...defaults, ...params })) if (value !== undefined) query.set(key, value);
  return `${sandbox.url}/api/oauth/authorize?${query.toString()}`;
}

/** Reads the query of a callback URL with a custom scheme. */
export function callbackParams(callbackUrl: string): URLSearchParams {
  return new URL(callbackUrl).searchParams;
}

export async function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

export function exchangeCode(sandbox: Sandbox, code: string, extra: Record<string, string> = {}): Promise<Response> {
  return postForm(`${sandbox.url}/api/oauth/token`, {
    client_id: SANDBOX_CLIENT.clientId,
    client_secret: SANDBOX_CLIENT.clientSecret,
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    ...extra,
  });
}

export function refresh(sandbox: Sandbox, refreshToken: string): Promise<Response> {
  return postForm(`${sandbox.url}/api/oauth/token`, {
    client_id: SANDBOX_CLIENT.clientId,
    client_secret: SANDBOX_CLIENT.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

/** Runs the whole flow: consent Allow, then the code exchange. */
export async function connect(sandbox: Sandbox): Promise<Tokens> {
  const callback = await followConsent(authorizeUrl(sandbox), 'allow');
  const code = callbackParams(callback).get('code');
  if (!code) throw new Error('no code in callback');
  const response = await exchangeCode(sandbox, code);
  if (response.status !== 200) throw new Error(`code exchange failed: ${response.status}`);
  return (await response.json()) as Tokens;
}

export function graphql(
  sandbox: Sandbox,
  accessToken: string | undefined,
  query: string,
  headers: Record<string, string | undefined> = {},
): Promise<Response> {
  const all: Record<string, string | undefined> = {
    'Content-Type': 'application/json',
    'X-JOBBER-GRAPHQL-VERSION': VERSION,
    ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
    ...headers,
  };
  const sent: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) if (value !== undefined) sent[key] = value;
  return fetch(`${sandbox.url}/api/graphql`, { method: 'POST', headers: sent, body: JSON.stringify({ query }) });
}

export const ACCOUNT_QUERY = 'query { account { id name } }';
export const DISCONNECT_MUTATION = 'mutation { appDisconnect { app { name } userErrors { message path } } }';

/** Decodes a JWT payload without verifying it, as the app does. */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A GraphQL answer as the sandbox sends it. */
export interface GraphqlBody {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: {
    cost: {
      requestedQueryCost: number;
      actualQueryCost: number;
      throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
    };
    versioning: { version: string; warning?: string };
  };
}

export async function graphqlJson(response: Response): Promise<GraphqlBody> {
  return (await response.json()) as GraphqlBody;
}

/** For a test file: a start function whose sandbox is closed after each test. */
export function sandboxPerTest(): (options?: SandboxOptions) => Promise<Sandbox> {
  let current: Sandbox | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options = {}) => {
    current = await startTestSandbox(options);
    return current;
  };
}
