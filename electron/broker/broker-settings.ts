/**
 * The "Connect through" setting: this computer (the app holds the client id and secret) or a
 * broker (a server holds them; the app holds only a device credential). The two fields, their
 * rules and their validation live here, apart from the rest of the settings, so they can be
 * folded into the one settings schema as a unit. Pure, no Electron.
 */
import { z } from 'zod';

export const CONNECT_THROUGH = ['this-computer', 'broker'] as const;
export type ConnectThrough = (typeof CONNECT_THROUGH)[number];

/** The settings fields this module owns, as they travel in a settings update. */
export interface BrokerSettingsFields {
  connectThrough?: ConnectThrough;
  brokerUrl?: string;
}

/** The broker part of the settings as the renderer sees them. */
export interface BrokerSettingsView {
  connectThrough: ConnectThrough;
  /** The saved broker URL ('' when none is saved). */
  brokerUrl: string;
  /** The URL built into this copy of the app, used when none is saved; null when there is none. */
  builtInBrokerUrl: string | null;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Null when `value` is a usable broker address, else what is wrong (a sentence that never repeats
 * the value). https anywhere; plain http only on this computer, where nobody can listen in. An
 * origin only: the API's paths (/v1/…) are fixed by the contract.
 */
export function checkBrokerUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a valid URL, e.g. https://broker.example.com.';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password.';
  if (url.search !== '' || url.hash !== '' || value.includes('#') || value.includes('?')) {
    return 'must not contain a query or fragment.';
  }
  if (url.pathname !== '/') return 'must be an address only (scheme, host and port), e.g. https://broker.example.com.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return 'must use https:// (http:// is allowed only for 127.0.0.1, localhost or [::1]).';
}

/** The origin of a broker URL that passed checkBrokerUrl. */
export function brokerOrigin(value: string): string {
  return new URL(value).origin;
}

/** zod shapes of the two fields for the IPC input table (types and sizes only). */
export const BROKER_FIELD_SCHEMAS = {
  connectThrough: z.enum(CONNECT_THROUGH).optional(),
  brokerUrl: z.string().max(2048).optional(),
} as const;

/**
 * Field errors of the broker part of a settings update (after type checks). Broker mode needs a
 * valid broker URL; an empty one is fine when a default broker is built in. In "this computer"
 * mode a typed broker URL must still be valid, so a mistake is caught before it is needed.
 */
export function validateBrokerSettings(
  fields: BrokerSettingsFields,
  defaultBrokerUrl: string | undefined,
): Partial<Record<'connectThrough' | 'brokerUrl', string>> {
  const url = fields.brokerUrl?.trim() ?? '';
  if (url !== '') {
    const problem = checkBrokerUrl(url);
    return problem ? { brokerUrl: `Broker URL ${problem}` } : {};
  }
  if (fields.connectThrough === 'broker' && defaultBrokerUrl === undefined) {
    return { brokerUrl: 'Broker URL is required to connect through a broker, e.g. https://broker.example.com.' };
  }
  return {};
}
