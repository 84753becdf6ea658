import { beforeEach, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, wireName } from '../../../electron/ipc/channels';
// Importing the preload runs its one side effect: contextBridge.exposeInMainWorld.
import { createJobberConnectApi } from '../../../electron/preload';
import { contextBridge, ipcRenderer } from '../../support/electron/electron-stub';

beforeEach(() => {
  ipcRenderer.removeAllListeners();
  ipcRenderer.invocations.length = 0;
});

describe('preload', () => {
  it('exposes exactly the named API on window.jobberConnect', async () => {
    const api = contextBridge.exposed.get('jobberConnect') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(
      ['cancel', 'confirmPairing', 'connect', 'declinePairing', 'disconnect', 'getSettings', 'getState', 'onStateChanged', 'refreshNow', 'saveSettings', 'testApi'].sort(),
    );
    expect([...contextBridge.exposed.keys()]).toEqual(['jobberConnect']);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('invokes only contract channels, passing settings as the one argument', async () => {
    const api = createJobberConnectApi();
    ipcRenderer.reply = (channel) => ({ channel });
    await api.getState();
    await api.connect();
    await api.cancel();
    await api.disconnect();
    await api.refreshNow();
    await api.getSettings();
    await api.testApi();
    await api.confirmPairing();
    await api.declinePairing();
    const update = { mode: 'sandbox' as const, connectThrough: 'this-computer' as const, brokerUrl: '', clientId: '', redirectUri: 'com.jobberconnect.app:/oauth/callback', authMode: 'app-window' as const, graphqlVersion: '2025-04-16', allowWeakStorage: false };
    await api.saveSettings(update);
    const channels = ipcRenderer.invocations.map((i) => i.channel);
    expect(new Set(channels)).toEqual(new Set(INVOKE_CHANNELS.map(wireName)));
    expect(ipcRenderer.invocations.find((i) => i.channel === wireName('save-settings'))?.args).toEqual([update]);
    expect(ipcRenderer.invocations.filter((i) => i.channel !== wireName('save-settings')).every((i) => i.args.length === 0)).toBe(true);
  });

  it('onStateChanged drops the event object and unsubscribes', async () => {
    const api = createJobberConnectApi();
    const seen: unknown[][] = [];
    const off = api.onStateChanged((...args: unknown[]) => seen.push(args));
    ipcRenderer.emit(wireName('state-changed'), { sender: 'event-object' }, { snapshot: 1 });
    off();
    ipcRenderer.emit(wireName('state-changed'), { sender: 'event-object' }, { snapshot: 2 });
    expect(seen).toEqual([[{ snapshot: 1 }]]);
    expect(ipcRenderer.listenerCount(wireName('state-changed'))).toBe(0);
  });
});
