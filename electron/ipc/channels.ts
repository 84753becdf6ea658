/**
 * The invoke channels and the API method each one backs: the zod-free half of the IPC contract,
 * so the sandboxed preload and the renderer (which bundle what they import) carry no zod for it. contract.ts adds
 * each channel's input schema and refusal, keyed by these names (a missing or extra one is a
 * compile error there).
 */
export const INVOKE_METHODS = {
  'get-state': 'getState',
  connect: 'connect',
  cancel: 'cancel',
  disconnect: 'disconnect',
  'refresh-now': 'refreshNow',
  'get-settings': 'getSettings',
  'save-settings': 'saveSettings',
  'test-api': 'testApi',
  /** Accepts the Jobber account of the Marketplace pairing waiting for confirmation. */
  'confirm-pairing': 'confirmPairing',
  /** Refuses it: nothing is connected. */
  'decline-pairing': 'declinePairing',
} as const;

export type InvokeChannel = keyof typeof INVOKE_METHODS;
export type InvokeMethod = (typeof INVOKE_METHODS)[InvokeChannel];

export const INVOKE_CHANNELS = Object.freeze(Object.keys(INVOKE_METHODS)) as readonly InvokeChannel[];

/** Events (main → renderer, `webContents.send`). */
export const STATE_CHANGED = 'state-changed';
export type EventChannel = typeof STATE_CHANGED;

/**
 * Every method name of the API the preload exposes: one per invoke channel, and the event
 * subscription. The renderer's bridge check reads it from here, so it bundles no zod; contract.ts
 * checks at compile time that it names JobberConnectApi's methods exactly.
 */
export const API_METHODS = Object.freeze([...INVOKE_CHANNELS.map((channel) => INVOKE_METHODS[channel]), 'onStateChanged' as const]);

/** Channel names on the wire: one prefix so our traffic is easy to recognise and filter. */
export const CHANNEL_PREFIX = 'jobber-connect:';

export function wireName(channel: InvokeChannel | EventChannel): string {
  return CHANNEL_PREFIX + channel;
}
