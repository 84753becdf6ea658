/**
 * The app's one long-lived object: holds the running engine (built by build-runtime.ts) and
 * implements the renderer's connection actions on top of it (the settings form's in
 * settings-controls.ts, broker mode's in broker-controls.ts). Electron reaches it only through injected
 * adapters (auth window, openExternal, safeStorage port, snapshot sink, notifications), so tests
 * drive it with the stub and the real sandbox. The loopback receiver of the system-browser mode
 * lives in loopback-receiver.ts.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_REDIRECT_URI, type Environment } from '../ipc/settings-schema';
import { ActivityLog, mergeActivity } from '../auth/activity-log';
import { matchesRedirectUri, type CallbackSource } from '../auth/callback-parser';
import type { ConnectionState } from '../ipc/connection-state';
import { describeError } from '../core/redact';
import type {
  ActionResult,
  AppSnapshot,
  DisconnectResult,
  TestApiResult,
  UserFacingError,
} from '../ipc/contract';
import { type ApiStatusEvent, describeApiStatusEvent, UNKNOWN_API_STATUS } from '../jobber/api-status';
import type { AuthWindowRequest } from '../windows/auth-window';
import { authAllowedOrigins, decideNavigation, describeBlockedSignIn } from '../windows/navigation-policy';
import { BrokerControls } from './broker-controls';
import { SettingsControls } from './settings-controls';
import { toUserFacingError } from './user-facing-error';
import { buildRuntime, defaultBrokerUrlOf, type Runtime, type RuntimeDeps } from './build-runtime';
import { customScheme, parseUrl } from '../core/url';
import { Sequencer } from '../core/sequencer';
import { LoopbackReceiver } from './loopback-receiver';

/** What the controller needs from the auth window (AuthWindowController implements it). */
export interface AuthWindowPort {
  isOpen(): boolean;
  focus(): void;
  close(): void;
  open(request: AuthWindowRequest): void;
}

/** What the controller needs: what building a runtime needs, plus the window and OS adapters. */
export interface AppControllerDeps extends RuntimeDeps {
  authWindow: AuthWindowPort;
  openExternal: (url: string) => Promise<void>;
  /** Registers the callback scheme with the OS (system-browser mode). */
  registerScheme?: (scheme: string) => void;
  /** Receives every snapshot (sent to the renderer). */
  onSnapshot: (snapshot: AppSnapshot) => void;
  /** Receives every state (notifications). */
  onState?: (state: ConnectionState) => void;
  /** Shows a system notification (used when the auth window, in front of the app, needs the person). */
  notify?: (title: string, body: string) => void;
}

interface LiveRuntime extends Runtime {
  unsubscribe: () => void;
}

/** How long a broker disconnect that cleans up after a failed pairing may take. */
const BROKER_REVOKE_TIMEOUT_MS = 10_000;
const CANCELLED_BEFORE_OPEN: UserFacingError = { kind: 'cancelled', message: 'The sign-in was cancelled before it opened.' };

export class AppController {
  private runtime: LiveRuntime | null = null;
  private problems: string[] = [];
  private environment: Environment = 'jobber';
  private readonly loopback: LoopbackReceiver;
  /**
   * What the shell itself has to tell the person (a blocked sign-in page), also when no session
   * exists (not configured). Merged with the session's own activity list in every snapshot.
   */
  private readonly shellActivity: ActivityLog;
  /** Start, reconfigure and stop run one at a time. */
  private readonly lifecycle = new Sequencer();
  private stopped = false;
  /** Callbacks whose code exchange is under way (see isCompletingSignIn). */
  private completions = 0;
  /** Broker mode's additions: authorize step, event stream, Marketplace pairing (its IPC actions too). */
  readonly broker: BrokerControls;
  /** The Settings form's actions (its IPC actions). */
  readonly settings: SettingsControls;

  constructor(private readonly deps: AppControllerDeps) {
    this.loopback = new LoopbackReceiver(
      (url) => void this.completeExternalCallback(url),
      (url) => this.runtime?.session.expectsCallback(url) ?? false,
    );
    this.shellActivity = new ActivityLog({ clock: deps.clock, logger: deps.logger, maxEntries: 10 });
    this.broker = new BrokerControls({
      clock: deps.clock, logger: deps.logger, revokeTimeoutMs: BROKER_REVOKE_TIMEOUT_MS,
      runtime: () => this.runtime,
      note: (level, message) => this.shellActivity.add(level, message),
      changed: () => this.emit(),
    });
    this.settings = new SettingsControls({
      settings: deps.settings,
      logger: deps.logger,
      defaultBrokerUrl: () => defaultBrokerUrlOf(deps),
      running: () => ({ config: this.runtime?.config ?? null, environment: this.environment }),
      restart: () =>
        this.lifecycle.queue(async () => {
          await this.teardown();
          await this.build();
        }),
    });
  }

  /** Reads settings and starts the engine (and the sandbox when applicable). */
  start(): Promise<void> {
    return this.lifecycle.queue(() => this.build());
  }

  /** Stops the session cleanly (no half-written store), the sandbox and any listener. */
  stop(): Promise<void> {
    return this.lifecycle.queue(async () => {
      this.stopped = true;
      await this.teardown();
    });
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
        activity: this.shellActivity.entries(),
        api: UNKNOWN_API_STATUS,
      };
    }
    const brokerHost = this.broker.brokerHost();
    return {
      environment: runtime.config.environment,
      connection: runtime.session.getState(),
      activity: mergeActivity(runtime.session.getActivity(), this.shellActivity.entries()),
      api: runtime.graphql.apiStatus.current(),
      broker: brokerHost === null ? null : { host: brokerHost },
      pairing: this.broker.pairingView(),
    };
  }

  private emit(): void {
    this.deps.onSnapshot(this.snapshot());
  }

  private async build(): Promise<void> {
    if (this.stopped) return;
    const { deps } = this;
    const built = await buildRuntime(deps);
    if (built.kind === 'invalid') {
      this.environment = built.environment;
      this.problems = built.problems;
      this.emit();
      return;
    }
    const { runtime } = built;
    const { config, session } = runtime;
    this.environment = config.environment;
    const stops = [session.subscribe((state) => this.onState(state)), runtime.graphql.apiStatus.onChange((event) => this.onApiStatus(event))];
    this.runtime = { ...runtime, unsubscribe: () => stops.forEach((stop) => stop()) };
    this.problems = [];

    const scheme = customScheme(config.redirectUri);
    // Broker mode too: the Marketplace's pairing link opens the app through the same scheme.
    if ((config.authMode === 'system-browser' || config.broker) && scheme !== null) deps.registerScheme?.(scheme);

    await session.start();
    this.emit();
    deps.onState?.(session.getState());
  }

  private async teardown(): Promise<void> {
    const runtime = this.runtime;
    this.runtime = null;
    this.deps.authWindow.close();
    this.broker.stop();
    await this.loopback.stop();
    if (runtime === null) return;
    runtime.unsubscribe();
    await runtime.session.stop();
    await runtime.sandbox?.close().catch(() => undefined);
  }

  /** Account and version news from Jobber's answers: an activity line when it matters, always a snapshot. */
  private onApiStatus(event: ApiStatusEvent | null): void {
    const line = event && describeApiStatusEvent(event);
    if (line) this.shellActivity.add(line.level, line.message);
    this.emit();
  }

  private onState(state: ConnectionState): void {
    this.broker.onState(state);
    if (state.status !== 'connecting') {
      // The request ended (callback, cancel, timeout): nothing should stay open for it.
      this.deps.authWindow.close();
      void this.loopback.stop();
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
      const begun = session.beginConnect();
      const { expiresAt } = begun;
      // Broker mode asks the broker; Cancel (or new settings) meanwhile leaves nothing to open.
      const authorizeUrl = await this.broker.authorizeUrl(runtime, begun);
      if (this.runtime !== runtime || session.getState().status !== 'connecting') return { ok: false, error: CANCELLED_BEFORE_OPEN };
      const rules = {
        allowedOrigins: authAllowedOrigins(config.environment, config.apiBaseUrl, config.broker?.origin),
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
            onCallback: (url) => void this.completeCallback(url, 'auth-window'),
            onCancel: (reason, detail) => session.cancelConnect(reason, detail),
            onBlocked: (host) => this.noteBlockedSignIn(host),
          });
        }
      } else {
        await this.loopback.ensure(config.redirectUri);
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

  /**
   * A callback URL from the OS (custom scheme via argv, second-instance, open-url). Ignored
   * entirely unless the app signs in through the system browser: the installer registers the scheme
   * in every mode, and in app-window mode the auth window catches its own redirect, so anything the
   * OS delivers is someone else's. Ignored too when it is not our redirect URI. Otherwise it goes to
   * the session, which refuses a stray one with a typed error that the activity list shows.
   */
  async handleExternalCallback(url: string): Promise<void> {
    const config = this.runtime?.config;
    if (config === undefined) {
      this.deps.logger.warn('A sign-in response arrived but the app is not configured; ignored');
      return;
    }
    if (config.authMode !== 'system-browser') {
      this.deps.logger.warn('Ignored a sign-in link from the OS: this app signs in in its own window');
      return;
    }
    if (!matchesRedirectUri(url, config.redirectUri)) {
      this.deps.logger.warn('Ignored an app link that is not our sign-in callback');
      return;
    }
    await this.completeExternalCallback(url);
  }

  /**
   * A callback from outside the app (the loopback listener, an OS-registered link). Any web page
   * can fire one, and one with no parameters reads as "denied": it would end the person's sign-in.
   * Jobber's real Deny looks the same, so while a sign-in is pending it is noted, and the request
   * stays until Cancel or its 10-minute expiry. (Inside the app window only the main frame's
   * redirect from Jobber's pages counts, so there a bare callback is a real Deny.)
   */
  private async completeExternalCallback(url: string): Promise<void> {
    const connecting = this.runtime?.session.getState().status === 'connecting';
    if (connecting && hasNoParameters(url)) {
      this.shellActivity.warning(
        'A sign-in reply without details arrived from outside the app. If you chose Deny in Jobber, press Cancel; otherwise finish signing in in your browser.',
      );
      this.emit();
      return;
    }
    await this.completeCallback(url, 'external');
  }

  /** True while Jobber's answer to a sign-in is being exchanged and saved. */
  isCompletingSignIn(): boolean {
    return this.completions > 0;
  }

  private async completeCallback(url: string, source: CallbackSource): Promise<void> {
    const runtime = this.runtime;
    if (runtime === null) return;
    this.completions += 1;
    try {
      await runtime.session.completeConnect(url, source);
    } catch (error) {
      this.deps.logger.warn('Sign-in response not accepted', { error: describeError(error) });
    } finally {
      this.completions -= 1;
      this.emit();
    }
  }

  systemResumed(): void {
    this.runtime?.session.systemResumed();
  }

  networkOnline(): void {
    this.runtime?.session.networkOnline();
  }

  /**
   * The auth window refused a page (Google or Apple single sign-on): tell the person why nothing
   * happens and what to do, in the activity list and as a notification, since the auth window
   * covers the app.
   */
  private noteBlockedSignIn(host: string): void {
    const message = describeBlockedSignIn(host);
    this.shellActivity.warning(message, { host });
    this.deps.notify?.('Jobber Connect could not open a sign-in page', message);
    this.emit();
  }
}

function hasNoParameters(url: string): boolean {
  return parseUrl(url)?.search === '';
}
