/**
 * A scripted stand-in for the preload's `window.jobberConnect`, injected into the built renderer
 * with page.addInitScript. `installFakeBridge` is serialised as source and runs in the page, so
 * it must stay self-contained: no imports at run time, no closures over this module.
 *
 * The test drives it through `window.__fakeBridge`: `emit(snapshot)` plays main's state-changed
 * event; `react(method, snapshot)` scripts what a call to that method emits next; `calls` lists
 * every method the UI invoked, in order.
 */
import type {
  AppSnapshot,
  DisconnectResult,
  JobberConnectApi,
  SaveSettingsResult,
  SettingsInput,
  SettingsView,
  TestApiResult,
} from '../../../electron/ipc/contract';

export type FakeMethod = Exclude<keyof JobberConnectApi, 'onStateChanged'>;

export interface FakeBridgeOptions {
  initial: AppSnapshot;
  settings: SettingsView;
  /** Snapshot emitted right after the named method is called: the scripted reaction. */
  reactions?: Partial<Record<FakeMethod, AppSnapshot>>;
  testApiResult?: TestApiResult;
  disconnectResult?: DisconnectResult;
}

/** What the test reaches through `window.__fakeBridge`. */
export interface FakeBridgeHook {
  emit(snapshot: AppSnapshot): void;
  react(method: FakeMethod, snapshot: AppSnapshot | null): void;
  calls: FakeMethod[];
  listenerCount(): number;
}

/** Installs the fake on the page's global object. Runs in the browser. */
export function installFakeBridge(options: FakeBridgeOptions): void {
  const listeners = new Set<(snapshot: AppSnapshot) => void>();
  const reactions: Partial<Record<FakeMethod, AppSnapshot>> = { ...(options.reactions ?? {}) };
  const calls: FakeMethod[] = [];
  let current = options.initial;
  let settings = options.settings;
  // IPC structured-clones every payload; copying here keeps the UI from sharing our objects.
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

  const emit = (snapshot: AppSnapshot): void => {
    current = snapshot;
    for (const listener of [...listeners]) listener(copy(snapshot));
  };
  const record = (method: FakeMethod): void => {
    calls.push(method);
    const next = reactions[method];
    // A microtask, not a timer: the page's clock may be frozen by page.clock.
    if (next) void Promise.resolve().then(() => emit(next));
  };

  const api: JobberConnectApi = {
    getState: async () => {
      calls.push('getState');
      return copy(current);
    },
    connect: async () => {
      record('connect');
      return { ok: true };
    },
    cancel: async () => {
      record('cancel');
      return { ok: true };
    },
    disconnect: async () => {
      record('disconnect');
      return copy(options.disconnectResult ?? { ok: true, jobberNotified: true, message: 'Jobber confirmed the disconnect.' });
    },
    refreshNow: async () => {
      record('refreshNow');
      return { ok: true };
    },
    getSettings: async () => {
      record('getSettings');
      return copy(settings);
    },
    saveSettings: async (update: SettingsInput): Promise<SaveSettingsResult> => {
      record('saveSettings');
      const { clientSecret, ...rest } = update;
      settings = {
        ...settings,
        ...rest,
        connectThrough: rest.connectThrough ?? 'this-computer',
        brokerUrl: rest.brokerUrl ?? '',
        clientSecretSaved: settings.clientSecretSaved || Boolean(clientSecret),
      };
      return { ok: true, settings: copy(settings) };
    },
    testApi: async () => {
      record('testApi');
      return copy(
        options.testApiResult ?? {
          ok: true,
          account: { id: 'acc-1', name: 'Account' },
          cost: null,
          durationMs: 100,
        },
      );
    },
    confirmPairing: async () => {
      record('confirmPairing');
      return { ok: true };
    },
    declinePairing: async () => {
      record('declinePairing');
      return { ok: true };
    },
    onStateChanged: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };

  const hook: FakeBridgeHook = {
    emit,
    react: (method, snapshot) => {
      if (snapshot) reactions[method] = snapshot;
      else delete reactions[method];
    },
    calls,
    listenerCount: () => listeners.size,
  };
  const page = globalThis as unknown as { jobberConnect?: JobberConnectApi; __fakeBridge?: FakeBridgeHook };
  page.jobberConnect = Object.freeze(api);
  page.__fakeBridge = hook;
}
