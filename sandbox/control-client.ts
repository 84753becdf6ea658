/**
 * A client for the sandbox's HTTP control API, for code in another process than the sandbox
 * (crash-test children, dev tools). Same operations as SandboxControl, asynchronous.
 */
import { z } from 'zod';
import type { ApiAnswers, Fault, RefreshExtras, RefusalShape, SandboxCounters, SandboxEndpoint, SandboxGuesses } from './types';

const countersSchema = z.object({
  tokenRequests: z.object({ authorization_code: z.number(), refresh_token: z.number(), rejected: z.number() }),
  liveRefreshTokens: z.number(),
  graphqlCalls: z.number(),
  appDisconnects: z.number(),
  authorizeRequests: z.number(),
});

const tokensSchema = z.object({ tokens: z.array(z.string()) });

/** SandboxControl over HTTP. */
export interface SandboxControlClient {
  injectFault(endpoint: SandboxEndpoint, fault: Fault, count?: number): Promise<void>;
  clearFaults(): Promise<void>;
  revokeGrant(): Promise<void>;
  disconnectFromJobber(accountId?: string): Promise<void>;
  signInAs(accountId: string): Promise<void>;
  setAccountActive(accountId: string, active: boolean): Promise<void>;
  setApiAnswers(answers: Partial<ApiAnswers>): Promise<void>;
  shiftClock(ms: number): Promise<void>;
  counters(): Promise<SandboxCounters>;
  resetCounters(): Promise<void>;
  liveRefreshTokens(): Promise<string[]>;
  setAccessTokenLifetime(sec: number): Promise<void>;
  setRefusalShape(shape: RefusalShape): Promise<void>;
  setRefreshExtras(extras: Partial<RefreshExtras>): Promise<void>;
  setGuesses(guesses: Partial<SandboxGuesses>): Promise<void>;
}

/** Talks to the control API of the sandbox at `sandboxUrl` (its `url`, e.g. http://127.0.0.1:54321). */
export function connectSandboxControl(sandboxUrl: string): SandboxControlClient {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${sandboxUrl}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await response.json();
    if (!response.ok) throw new Error(`Sandbox control ${path} answered HTTP ${response.status}`);
    return json;
  };
  return {
    injectFault: async (endpoint, fault, count) => void (await call('POST', '/faults', { endpoint, fault, count })),
    clearFaults: async () => void (await call('POST', '/faults/clear')),
    revokeGrant: async () => void (await call('POST', '/revoke')),
    disconnectFromJobber: async (accountId) => void (await call('POST', '/disconnect', accountId === undefined ? undefined : { accountId })),
    signInAs: async (accountId) => void (await call('POST', '/sign-in-as', { accountId })),
    setAccountActive: async (accountId, active) => void (await call('POST', '/account-active', { accountId, active })),
    setApiAnswers: async (answers) => void (await call('POST', '/api-answers', answers)),
    shiftClock: async (ms) => void (await call('POST', '/clock', { shiftMs: ms })),
    counters: async () => countersSchema.parse(await call('GET', '/counters')),
    resetCounters: async () => void (await call('POST', '/counters/reset')),
    liveRefreshTokens: async () => tokensSchema.parse(await call('GET', '/refresh-tokens')).tokens,
    setAccessTokenLifetime: async (sec) => void (await call('POST', '/access-token-lifetime', { seconds: sec })),
    setRefusalShape: async (shape) => void (await call('POST', '/refusal-shape', { shape })),
    setRefreshExtras: async (extras) => void (await call('POST', '/refresh-extras', extras)),
    setGuesses: async (guesses) => void (await call('POST', '/guesses', guesses)),
  };
}
