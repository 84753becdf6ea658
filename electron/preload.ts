/**
 * The preload: exposes `window.jobberConnect` (the contract's JobberConnectApi) through
 * contextBridge. Named methods only, no raw ipcRenderer; the state listener drops the Electron event
 * object and returns an unsubscribe function. Sandboxed preloads may only require 'electron', so
 * this file imports nothing else at runtime (the contract import below is erased types plus
 * `wireName`, which esbuild inlines).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { wireName } from './ipc/contract';
import type { AppSnapshot, InvokeChannel, InvokeContract, JobberConnectApi, SettingsUpdate } from './ipc/contract';

function invoke<C extends InvokeChannel>(channel: C, ...args: unknown[]): Promise<InvokeContract[C]['response']> {
  return ipcRenderer.invoke(wireName(channel), ...args) as Promise<InvokeContract[C]['response']>;
}

/** Builds the API object (exported for tests; the bridge call below is the only side effect). */
export function createJobberConnectApi(): JobberConnectApi {
  return Object.freeze({
    getState: () => invoke('get-state'),
    connect: () => invoke('connect'),
    cancel: () => invoke('cancel'),
    disconnect: () => invoke('disconnect'),
    refreshNow: () => invoke('refresh-now'),
    getSettings: () => invoke('get-settings'),
    saveSettings: (update: SettingsUpdate) => invoke('save-settings', update),
    testApi: () => invoke('test-api'),
    onStateChanged(listener: (snapshot: AppSnapshot) => void): () => void {
      const name = wireName('state-changed');
      const wrapped = (_event: IpcRendererEvent, snapshot: AppSnapshot) => listener(snapshot);
      ipcRenderer.on(name, wrapped);
      return () => {
        ipcRenderer.removeListener(name, wrapped);
      };
    },
  });
}

contextBridge.exposeInMainWorld('jobberConnect', createJobberConnectApi());
