/**
 * The engine as the crash harness runs it, in the child process and again in the parent after a
 * kill: a Session over a FileTokenStore, the real token client and account API, pointed at a
 * sandbox that runs elsewhere (only its URL is known). Optional hooks report each step of a
 * refresh ("phases") so the parent knows where a kill landed, and can slow the saves down to
 * widen the windows around them (a slow disk). No vitest imports.
 */
import { sandboxConfig } from '../../../electron/auth/config';
import { DEFAULT_GRAPHQL_VERSION, type JobberConfig } from '../../../electron/auth/config-types';
import { FileTokenStore } from '../../helpers/file-token-store';
import { type JobberAccountApi, type TokenEndpoint, type TokenStore, systemClock } from '../../../electron/auth/ports';
import { Session } from '../../../electron/auth/session';
import { createTokenClient } from '../../../electron/auth/token-client';
import type { StoredConnection } from '../../../electron/auth/token-model';
import { createJobberAccountApi } from '../../../electron/jobber/jobber-account-api';
import { SANDBOX_DEFAULT_REDIRECT_URI } from '../../../sandbox/server';

/** The steps of one refresh, in order, as the child reports them. */
export const REFRESH_PHASES = ['marker-save', 'marker-saved', 'request', 'response', 'pair-save', 'pair-saved'] as const;
export type RefreshPhase = (typeof REFRESH_PHASES)[number];

export interface CrashEngineOptions {
  sandboxUrl: string;
  storePath: string;
  /** Called synchronously at each refresh step. */
  onPhase?: (phase: RefreshPhase) => void;
  /** Every save waits this long before it starts writing (0 = none). */
  saveDelayMs?: number;
}

export interface CrashEngine {
  config: JobberConfig;
  session: Session;
  accountApi: JobberAccountApi;
  store: FileTokenStore;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A TokenStore that reports marker and pair saves and can be slowed down. */
class PhasedStore implements TokenStore {
  constructor(
    private readonly inner: TokenStore,
    private readonly onPhase: (phase: RefreshPhase) => void,
    private readonly delayMs: number,
  ) {}

  load() {
    return this.inner.load();
  }

  async save(connection: StoredConnection): Promise<void> {
    const marker = connection.refreshInFlight !== null;
    this.onPhase(marker ? 'marker-save' : 'pair-save');
    if (this.delayMs > 0) await sleep(this.delayMs);
    await this.inner.save(connection);
    this.onPhase(marker ? 'marker-saved' : 'pair-saved');
  }

  clear() {
    return this.inner.clear();
  }
}

/** Builds (does not start) the engine for `options.sandboxUrl` over the token file `options.storePath`. */
export function createCrashEngine(options: CrashEngineOptions): CrashEngine {
  const config = sandboxConfig(options.sandboxUrl, {
    redirectUri: SANDBOX_DEFAULT_REDIRECT_URI,
    graphqlVersion: DEFAULT_GRAPHQL_VERSION,
    authMode: 'app-window',
  });
  const fileStore = new FileTokenStore(options.storePath);
  const baseEndpoint = createTokenClient({ config, clock: systemClock });
  const onPhase = options.onPhase;
  const tokenEndpoint: TokenEndpoint = onPhase
    ? {
        exchangeCode: (code) => baseEndpoint.exchangeCode(code),
        async refresh(refreshToken) {
          onPhase('request');
          const tokens = await baseEndpoint.refresh(refreshToken);
          onPhase('response');
          return tokens;
        },
      }
    : baseEndpoint;
  const store: TokenStore = onPhase ? new PhasedStore(fileStore, onPhase, options.saveDelayMs ?? 0) : fileStore;
  const accountApi = createJobberAccountApi({ config });
  const session = new Session({ config, tokenEndpoint, jobberApi: accountApi, store });
  return { config, session, accountApi, store: fileStore };
}
