/**
 * The app's one long-lived object: turns settings + environment into a running engine (Session,
 * GraphQL client, token vault, and the in-process sandbox when no Jobber credentials are set), and
 * implements every renderer action on top of it. Electron reaches it only through injected
 * adapters (auth window, openExternal, safeStorage port, snapshot sink), so tests drive it with the
 * stub and the real sandbox.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  loadConfig,
  sandboxConfig,
  validateSettingsUpdate,
  type ConfigResult,
} from '../auth/config';
import { DEFAULT_GRAPHQL_VERSION, DEFAULT_REDIRECT_URI, type Environment, type JobberConfig } from '../auth/config-types';
import type { ConnectionState } from '../auth/connection-state';
import { isAuthError } from '../auth/errors';
import type { Clock, Logger } from '../auth/ports';
import { describeError, redact, registerSecret } from '../auth/redact';
import { Session } from '../auth/session';
import { createTokenClient } from '../auth/token-client';
import { JobberGraphqlClient } from '../jobber/graphql-client';
import { createJobberAccountApi } from '../jobber/jobber-account-api';
import type {
  ActionResult,
  AppSnapshot,
  DisconnectResult,
  SaveSettingsResult,
  SettingsView,
  TestApiResult,
  UserFacingError,
} from '../ipc/contract';
import { openJsonFile } from '../storage/json-file';
import type { SafeStoragePort } from '../storage/safe-storage-port';
import { VaultRefusedError } from '../storage/sealed-record';
import { connectionFileName } from '../storage/store-names';
import { createTokenVault } from '../storage/token-vault';
import type { AuthWindowRequest } from '../windows/auth-window';
import { authAllowedOrigins, decideNavigation } from '../windows/navigation-policy';
import { callbackScheme } from './callback-args';
import { loopbackPort, startLoopbackListener, type LoopbackListener } from './loopback-listener';
import type { SettingsStore } from './settings-store';

/** What the controller needs from the auth window (AuthWindowController implements it). */
export interface AuthWindowPort {
  isOpen(): boolean;
  focus(): void;
  close(): void;
  open(request: AuthWindowRequest): void;
}

/** The sandbox as the controller uses it (sandbox/server.ts's startSandbox result). */
export interface SandboxHandle {
  url: string;
  close(): Promise<void>;
}

export type StartSandbox = (options: {
  port: number;
  redirectUris: string[];
  statePath: string;
  accessTokenLifetimeSec?: number;
}) => Promise<SandboxHandle>;

export interface AppControllerDeps {
  userDataDir: string;
  env: Record<string, string | undefined>;
  dotenvText: string | null;
  settings: SettingsStore;
  safeStorage: SafeStoragePort;
  clock: Clock;
  logger: Logger;
  authWindow: AuthWindowPort;
  openExternal: (url: string) => Promise<void>;
  startSandbox: StartSandbox;
  /** Sandbox access-token lifetime override (honoured only in sandbox mode; e2e uses it). */
  sandboxTokenLifetimeSec?: number;
  /** Registers the callback scheme with the OS (system-browser mode). */
  registerScheme?: (scheme: string) => void;
  /** Receives every snapshot (sent to the renderer). */
  onSnapshot: (snapshot: AppSnapshot) => void;
  /** Receives every state (notifications). */
  onState?: (state: ConnectionState) => void;
}

interface Runtime {
  config: JobberConfig;
  session: Session;
  graphql: JobberGraphqlClient;
  sandbox: SandboxHandle | null;
  unsubscribe: () => void;
}

/** Maps any failure to what the renderer may see: the AuthError's own (redacted) message, else a generic one. */
export function toUserFacingError(error: unknown): UserFacingError {
  if (isAuthError(error)) return { kind: error.kind, message: redact(error.message) };
  return { kind: 'internal', message: 'Something went wrong inside the app. Details are in the log.' };
}

export class AppController {
  private runtime: Runtime | null = null;
  private problems: string[] = [];
  private environment: Environment = 'jobber';
  private loopback: LoopbackListener | null = null;
  private loopbackStarting: Promise<void> | null = null;
  /** Serialises start / reconfigure / stop. */
  private lifecycle: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: AppControllerDeps) {}

  /** Reads settings and starts the engine (and the sandbox when applicable). */
  start(): Promise<void> {
    return this.serialise(() => this.build());
  }

  /** Stops the session cleanly (no half-written store), the sandbox and any listener. */
  stop(): Promise<void> {
    return this.serialise(async () => {
      this.stopped = true;
      await this.teardown();
    });
  }

  private serialise(task: () => Promise<void>): Promise<void> {
    const next = this.lifecycle.then(task, task);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  /** The redirect URI callbacks are matched against (configured, or the default). */
  redirectUri(): string {
    return this.runtime?.config.redirectUri ?? DEFAULT_REDIRECT_URI;
  }

  snapshot(): AppSnapshot {
    const runtime = this.runtime;
    if (runtime === null) {
      return {
        environment: this.environment,
        connection: { status: 'not-configured', problems: [...this.problems] },
        activity: [],
      };
    }
    return {
      environment: runtime.config.environment,
      connection: runtime.session.getState(),
      activity: runtime.session.getActivity(),
    };
  }

  private emit(): void {
    this.deps.onSnapshot(this.snapshot());
  }

  private async build(): Promise<void> {
    if (this.stopped) return;
    const { deps } = this;
    const loaded = await deps.settings.load();
    const result: ConfigResult = loadConfig({ env: deps.env, dotenvText: deps.dotenvText, settings: loaded.settings });
    const allowWeak = loaded.settings.allowWeakStorage === true;
    this.environment = loaded.settings.mode ?? (result.kind === 'sandbox' ? 'sandbox' : 'jobber');

    if (result.kind === 'invalid') {
      this.problems = [...result.problems];
      if (loaded.secretProblem) this.problems.push(loaded.secretProblem);
      if (loaded.fileProblem) this.problems.push(loaded.fileProblem);
      deps.logger.warn('Not configured', { problems: this.problems.length });
      this.emit();
      return;
    }

    let config: JobberConfig;
    let sandbox: SandboxHandle | null = null;
    if (result.kind === 'sandbox') {
      sandbox = await deps.startSandbox({
        port: 0,
        redirectUris: [result.redirectUri],
        statePath: path.join(deps.userDataDir, 'sandbox-state.json'),
        ...(deps.sandboxTokenLifetimeSec ? { accessTokenLifetimeSec: deps.sandboxTokenLifetimeSec } : {}),
      });
      config = sandboxConfig(sandbox.url, {
        redirectUri: result.redirectUri,
        graphqlVersion: result.graphqlVersion,
        authMode: result.authMode,
      });
      deps.logger.info('Running against the local sandbox', { reason: result.reason });
    } else {
      config = result.config;
      registerSecret(config.clientSecret);
    }
    this.environment = config.environment;

    const store = createTokenVault({
      file: openJsonFile({
        dir: deps.userDataDir,
        name: connectionFileName(config.environment, config.clientId),
        now: () => deps.clock.now(),
      }),
      safeStorage: deps.safeStorage,
      allowWeakStorage: () => allowWeak,
      logger: deps.logger,
    });
    const session = new Session({
      config,
      tokenEndpoint: createTokenClient({ config, clock: deps.clock, logger: deps.logger }),
      jobberApi: createJobberAccountApi({ config }),
      store,
      clock: deps.clock,
      logger: deps.logger,
    });
    const graphql = new JobberGraphqlClient({ config, tokens: session, clock: deps.clock, logger: deps.logger });
    const unsubscribe = session.subscribe((state) => this.onState(state));
    this.runtime = { config, session, graphql, sandbox, unsubscribe };
    this.problems = [];

    const scheme = callbackScheme(config.redirectUri);
    if (config.authMode === 'system-browser' && scheme !== null) deps.registerScheme?.(scheme);

    await session.start();
    this.emit();
    deps.onState?.(session.getState());
  }

  private async teardown(): Promise<void> {
    const runtime = this.runtime;
    this.runtime = null;
    this.deps.authWindow.close();
    await this.stopLoopback();
    if (runtime === null) return;
    runtime.unsubscribe();
    await runtime.session.stop();
    await runtime.sandbox?.close().catch(() => undefined);
  }

  private onState(state: ConnectionState): void {
    if (state.status !== 'connecting') {
      // The request ended (callback, cancel, timeout): nothing should stay open for it.
      this.deps.authWindow.close();
      void this.stopLoopback();
    }
    this.emit();
    this.deps.onState?.(state);
  }

  // -------------------------------------------------------------------------------------------
  // Renderer actions

  async connect(): Promise<ActionResult> {
    const runtime = this.runtime;
    if (runtime === null) {
      return { ok: false, error: { kind: 'misconfigured', message: `Jobber Connect is not configured: ${this.problems.join(' ')}` } };
    }
    const { config, session } = runtime;
    try {
      const { authorizeUrl, expiresAt } = session.beginConnect();
      const rules = {
        allowedOrigins: authAllowedOrigins(config.environment, config.apiBaseUrl),
        redirectUri: config.redirectUri,
      };
      if (decideNavigation(authorizeUrl, rules) !== 'allow') {
        session.cancelConnect('load-failed', 'The sign-in address is not on an allowed Jobber origin.');
        return { ok: false, error: { kind: 'misconfigured', message: 'The sign-in address is not on an allowed Jobber origin.' } };
      }
      if (config.authMode === 'app-window') {
        if (this.deps.authWindow.isOpen()) {
          this.deps.authWindow.focus();
        } else {
          this.deps.authWindow.open({
            authorizeUrl,
            expiresAt,
            rules,
            onCallback: (url) => void this.completeCallback(url),
            onCancel: (reason, detail) => session.cancelConnect(reason, detail),
          });
        }
      } else {
        await this.ensureLoopback(config.redirectUri);
        await this.deps.openExternal(authorizeUrl);
      }
      return { ok: true };
    } catch (error) {
      this.deps.logger.warn('Connect could not start', { error: describeError(error) });
      if (session.getState().status === 'connecting') session.cancelConnect('load-failed', describeError(error));
      return { ok: false, error: toUserFacingError(error) };
    }
  }

  cancel(): ActionResult {
    const runtime = this.runtime;
    this.deps.authWindow.close();
    if (runtime !== null) runtime.session.cancelConnect('cancelled');
    return { ok: true };
  }

  async disconnect(): Promise<DisconnectResult> {
    const runtime = this.runtime;
    if (runtime === null) return { ok: false, error: { kind: 'not-connected', message: 'Nothing is connected.' } };
    try {
      const result = await runtime.session.disconnect();
      return { ok: true, jobberNotified: result.jobberNotified, message: result.message };
    } catch (error) {
      return { ok: false, error: toUserFacingError(error) };
    }
  }

  async refreshNow(): Promise<ActionResult> {
    const runtime = this.runtime;
    if (runtime === null) return { ok: false, error: { kind: 'not-connected', message: 'Nothing is connected.' } };
    try {
      await runtime.session.refreshNow();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: toUserFacingError(error) };
    } finally {
      this.emit();
    }
  }

  async testApi(): Promise<TestApiResult> {
    const runtime = this.runtime;
    if (runtime === null) return { ok: false, error: { kind: 'not-connected', message: 'Nothing is connected.' } };
    const started = performance.now();
    try {
      const { data, cost } = await runtime.graphql.account();
      return { ok: true, account: data, cost, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { ok: false, error: toUserFacingError(error) };
    } finally {
      this.emit();
    }
  }

  async getSettings(): Promise<SettingsView> {
    const loaded = await this.deps.settings.load();
    const config = this.runtime?.config;
    const saved = loaded.settings;
    return {
      mode: config?.environment ?? saved.mode ?? this.environment,
      clientId: saved.clientId ?? (config?.environment === 'jobber' ? config.clientId : ''),
      clientSecretSaved: loaded.clientSecretSaved,
      redirectUri: config?.redirectUri ?? saved.redirectUri ?? DEFAULT_REDIRECT_URI,
      authMode: config?.authMode ?? saved.authMode ?? 'app-window',
      graphqlVersion: config?.graphqlVersion ?? saved.graphqlVersion ?? DEFAULT_GRAPHQL_VERSION,
      allowWeakStorage: saved.allowWeakStorage ?? false,
    };
  }

  /** Validates, stores (secret sealed) and restarts the engine with the new configuration. */
  async saveSettings(update: unknown): Promise<SaveSettingsResult> {
    const loaded = await this.deps.settings.load();
    const validated = validateSettingsUpdate(update, loaded.settings.clientSecret !== undefined);
    if (!validated.ok) return { ok: false, fieldErrors: validated.fieldErrors };
    try {
      await this.deps.settings.save(validated.value);
    } catch (error) {
      if (error instanceof VaultRefusedError) return { ok: false, fieldErrors: { clientSecret: error.message } };
      this.deps.logger.error('Saving settings failed', { error: describeError(error) });
      return { ok: false, fieldErrors: { mode: 'The settings could not be saved on this computer.' } };
    }
    if (validated.value.clientSecret !== undefined) registerSecret(validated.value.clientSecret);
    await this.serialise(async () => {
      await this.teardown();
      await this.build();
    });
    return { ok: true, settings: await this.getSettings() };
  }

  /**
   * A callback URL from the OS (custom scheme via argv/open-url) or the loopback listener. With no
   * pending request it still goes to the session, which refuses it with a typed error (stateless
   * Marketplace callback, unknown state) that the activity list shows.
   */
  async handleExternalCallback(url: string): Promise<void> {
    if (this.runtime === null) {
      this.deps.logger.warn('A sign-in response arrived but the app is not configured; ignored');
      return;
    }
    await this.completeCallback(url);
  }

  private async completeCallback(url: string): Promise<void> {
    const runtime = this.runtime;
    if (runtime === null) return;
    try {
      await runtime.session.completeConnect(url);
    } catch (error) {
      this.deps.logger.warn('Sign-in response not accepted', { error: describeError(error) });
    } finally {
      this.emit();
    }
  }

  systemResumed(): void {
    this.runtime?.session.systemResumed();
  }

  networkOnline(): void {
    this.runtime?.session.networkOnline();
  }

  // -------------------------------------------------------------------------------------------
  // Loopback receiver (system-browser mode with an http://127.0.0.1:<port>/… redirect URI)

  private async ensureLoopback(redirectUri: string): Promise<void> {
    const port = loopbackPort(redirectUri);
    if (port === null || this.loopback !== null) return;
    this.loopbackStarting ??= startLoopbackListener({
      redirectUri,
      port,
      onCallback: (url) => void this.completeCallback(url),
    }).then((listener) => {
      this.loopback = listener;
    }).finally(() => {
      this.loopbackStarting = null;
    });
    await this.loopbackStarting;
  }

  private async stopLoopback(): Promise<void> {
    await this.loopbackStarting?.catch(() => undefined);
    const listener = this.loopback;
    this.loopback = null;
    await listener?.close();
  }
}
