/**
 * The renderer's only door to main: the `window.jobberConnect` object the preload exposes.
 * Returns it after a shape check, or null so the UI can show "Bridge unavailable" instead of
 * crashing (for example when the page is opened in a plain browser).
 */
import { API_METHODS } from '../electron/ipc/channels';
import type { JobberConnectApi } from '../electron/ipc/contract';

declare global {
  interface Window {
    jobberConnect?: unknown;
  }
}

/** True when `value` has every method of the contract's API. */
export function isBridge(value: unknown): value is JobberConnectApi {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return API_METHODS.every((name) => typeof record[name] === 'function');
}

/** The preload's API, or null when it is missing or incomplete. */
export function getBridge(source: { jobberConnect?: unknown } = window): JobberConnectApi | null {
  const candidate = source.jobberConnect;
  return isBridge(candidate) ? candidate : null;
}
