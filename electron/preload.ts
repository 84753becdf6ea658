/**
 * The preload: exposes `window.jobberConnect` (the contract's JobberConnectApi) through
 * contextBridge. Named methods only, built from the contract's API_INVOKE_METHODS map, no raw
 * ipcRenderer; the state listener drops the Electron event object and returns an unsubscribe
 * function. Sandboxed preloads may only require 'electron', so this file imports nothing else at
 * runtime (the contract's constants are inlined by esbuild).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { API_INVOKE_METHODS, wireName } from './ipc/contract';
import type { AppSnapshot, InvokeChannel, JobberConnectApi } from './ipc/contract';

/**
 * One API method: invokes `channel` with at most one argument (the contract's requests are void
 * or a single object). Main's schema refuses anything else, so nothing extra is ever forwarded.
 */
function invoker(channel: InvokeChannel): (...args: unknown[]) => Promise<unknown> {
  return (...args) => ipcRenderer.invoke(wireName(channel), ...args.slice(0, 1));
}

/** Builds the API object (exported for tests; the bridge call below is the only side effect). */
export function createJobberConnectApi(): JobberConnectApi {
  const api: Record<string, unknown> = {};
  for (const [method, channel] of Object.entries(API_INVOKE_METHODS)) api[method] = invoker(channel);
  api.onStateChanged = (listener: (snapshot: AppSnapshot) => void): (() => void) => {
    const name = wireName('state-changed');
    const wrapped = (_event: IpcRendererEvent, snapshot: AppSnapshot) => listener(snapshot);
    ipcRenderer.on(name, wrapped);
    return () => {
      ipcRenderer.removeListener(name, wrapped);
    };
  };
  // The map's `satisfies` in the contract guarantees every method is present.
  return Object.freeze(api) as unknown as JobberConnectApi;
}

contextBridge.exposeInMainWorld('jobberConnect', createJobberConnectApi());
