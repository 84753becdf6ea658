/**
 * The engine as the crash-test child runs it: a Session over the app's own token vault (the
 * electron-store JSON file with its atomic temp-write/fsync/rename, the sealed record, and a
 * safeStorage stand-in), the real token client and account API, pointed at a sandbox that runs in
 * the parent (only its URL is known). An optional hook reports each step of a refresh ("phases")
 * so the parent knows where a kill landed; nothing is slowed down. No vitest imports.
 */
import { sandboxConfig } from '../../../electron/app/config';
import type { JobberConfig } from '../../../electron/auth/config-types';
import { DEFAULT_GRAPHQL_VERSION } from '../../../electron/ipc/settings-schema';
import { systemClock } from '../../../electron/core/clock';
import { silentLogger } from '../../../electron/core/logger';
import { type JobberAccountApi, type StoreLoadResult, type TokenEndpoint, type TokenStore } from '../../../electron/auth/ports';
import { Session } from '../../../electron/auth/session';
import { createTokenClient } from '../../../electron/auth/token-client';
import type { StoredConnection } from '../../../electron/auth/token-model';
import { createJobberAccountApi } from '../../../electron/jobber/jobber-account-api';
import { openJsonFile } from '../../../electron/storage/json-file';
import { createTokenVault } from '../../../electron/storage/token-vault';
import { SANDBOX_DEFAULT_REDIRECT_URI } from '../../../sandbox/server';
import { CRASH_STORE_NAME, type RefreshPhase } from './crash-protocol';
import { safeStorageStandIn } from './safe-storage-standin';

export interface CrashEngineOptions {
  sandboxUrl: string;
  storeDir: string;
  /** Called synchronously at each refresh step. */
  onPhase?: (phase: RefreshPhase) => void;
}

export interface CrashEngine {
  config: JobberConfig;
  session: Session;
  accountApi: JobberAccountApi;
  store: TokenStore;
}

/** Reports marker and pair saves around the vault's real writes. */
class PhasedStore implements TokenStore {
  constructor(
    private readonly inner: TokenStore,
    private readonly onPhase: (phase: RefreshPhase) => void,
  ) {}

  load(): Promise<StoreLoadResult> {
    return this.inner.load();
  }

  async save(connection: StoredConnection): Promise<void> {
    const marker = connection.refreshInFlight !== null;
    this.onPhase(marker ? 'marker-save' : 'pair-save');
    await this.inner.save(connection);
    this.onPhase(marker ? 'marker-saved' : 'pair-saved');
  }

  clear(): Promise<void> {
    return this.inner.clear();
  }
}

/** Builds (does not start) the engine for `options.sandboxUrl` over the vault in `options.storeDir`. */
export function createCrashEngine(options: CrashEngineOptions): CrashEngine {
  const config = sandboxConfig(options.sandboxUrl, {
    redirectUri: SANDBOX_DEFAULT_REDIRECT_URI,
    graphqlVersion: DEFAULT_GRAPHQL_VERSION,
    authMode: 'app-window',
  });
  const file = openJsonFile({ dir: options.storeDir, name: CRASH_STORE_NAME, now: () => Date.now() });
  const vault = createTokenVault({ file, safeStorage: safeStorageStandIn, allowWeakStorage: () => false, logger: silentLogger });
  const baseEndpoint = createTokenClient({ config, clock: systemClock });
  const onPhase = options.onPhase;
  const tokenEndpoint: TokenEndpoint = onPhase
    ? {
        exchangeCode: (code, codeVerifier) => baseEndpoint.exchangeCode(code, codeVerifier),
        async refresh(refreshToken) {
          onPhase('request');
          const tokens = await baseEndpoint.refresh(refreshToken);
          onPhase('response');
          return tokens;
        },
      }
    : baseEndpoint;
  const store: TokenStore = onPhase ? new PhasedStore(vault, onPhase) : vault;
  const accountApi = createJobberAccountApi({ config });
  const session = new Session({ config, tokenEndpoint, jobberApi: accountApi, store });
  return { config, session, accountApi, store: vault };
}
