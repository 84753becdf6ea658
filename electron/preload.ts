/**
 * The preload: exposes `window.jobberConnect` (the contract's JobberConnectApi) through
 * contextBridge. Named methods only, one per channel of the contract (channels.ts), no raw
 * ipcRenderer; the state listener drops the Electron event object and returns an unsubscribe
 * function. Sandboxed preloads may only require 'electron', so esbuild bundles the rest: only the
 * zod-free channels.ts at runtime, which keeps the bundle a few kilobytes.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { INVOKE_CHANNELS, INVOKE_METHODS, STATE_CHANGED, wireName, type InvokeChannel } from './ipc/channels';
import type { AppSnapshot, JobberConnectApi } from './ipc/contract';

/**
 * One API method: invokes `channel` with at most one argument (the contract's requests are none
 * or a single object). Main's schema refuses anything else, so nothing extra is ever forwarded.
 */
function invoker(channel: InvokeChannel): (...args: unknown[]) => Promise<unknown> {
  return (...args) => ipcRenderer.invoke(wireName(channel), ...args.slice(0, 1));
}

/** Builds the API object (exported for tests; the bridge call below is the only side effect). */
export function createJobberConnectApi(): JobberConnectApi {
  const api: Record<string, unknown> = {};
  for (const channel of INVOKE_CHANNELS) api[INVOKE_METHODS[channel]] = invoker(channel);
  api.onStateChanged = (listener: (snapshot: AppSnapshot) => void): (() => void) => {
    const name = wireName(STATE_CHANGED);
    const wrapped = (_event: IpcRendererEvent, snapshot: AppSnapshot) => listener(snapshot);
    ipcRenderer.on(name, wrapped);
    return () => {
      ipcRenderer.removeListener(name, wrapped);
    };
  };
  // Every channel of the contract has its method, and JobberConnectApi is derived from the same table.
  return Object.freeze(api) as unknown as JobberConnectApi;
}

contextBridge.exposeInMainWorld('jobberConnect', createJobberConnectApi());
