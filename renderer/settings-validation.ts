/**
 * Client-side checks for the settings form, so obvious mistakes are explained before main is
 * asked. Main validates again with its own schema; its fieldErrors are shown the same way.
 */
import type { SettingsField, SettingsUpdate } from '../electron/ipc/contract';

export type FieldErrors = Partial<Record<SettingsField, string>>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'blob:', 'about:', 'ftp:', 'ws:', 'wss:']);

function checkRedirectUri(value: string): string | undefined {
  if (!value) return 'Enter the redirect URI registered for your app in Jobber’s Developer Center.';
  if (/\s/.test(value)) return 'The redirect URI cannot contain spaces.';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full URI, such as com.jobberconnect.app:/oauth/callback or https://example.com/callback.';
  }
  if (url.hash) return 'The redirect URI cannot contain a # fragment.';
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return 'This kind of address cannot be used as a redirect URI.';
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return 'Plain http is only allowed for this computer (127.0.0.1 or localhost). Use https or a custom scheme.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && !url.protocol.slice(0, -1).includes('.')) {
    return 'A custom scheme should be a reverse domain name you control, such as com.example.app:/oauth/callback.';
  }
  return undefined;
}

function checkGraphqlVersion(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const example = 'Use the date form YYYY-MM-DD, for example 2025-04-16.';
  if (!match) return value ? example : `Enter the GraphQL API version. ${example}`;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return `That is not a real date. ${example}`;
  }
  return undefined;
}

/** Messages for every field that needs fixing; an empty object means the form can be sent. */
export function validateSettings(update: SettingsUpdate, secretSaved: boolean, builtInBrokerUrl: string | null = null): FieldErrors {
  const errors: FieldErrors = {};
  const clientId = update.clientId.trim();
  // Through a broker, Jobber's client ID and secret live on the broker: only its URL is needed.
  const direct = update.mode === 'jobber' && update.connectThrough !== 'broker';
  if (update.connectThrough === 'broker' && !update.brokerUrl?.trim() && builtInBrokerUrl === null) {
    errors.brokerUrl = 'Enter the broker’s URL, such as https://broker.example.com.';
  }
  if (direct && !clientId) {
    errors.clientId = 'Enter the client ID from your app in Jobber’s Developer Center.';
  } else if (/\s/.test(clientId)) {
    errors.clientId = 'The client ID cannot contain spaces.';
  }
  if (direct && !secretSaved && !update.clientSecret) {
    errors.clientSecret = 'Enter the client secret from Jobber’s Developer Center.';
  }
  const redirect = checkRedirectUri(update.redirectUri.trim());
  if (redirect) errors.redirectUri = redirect;
  const version = checkGraphqlVersion(update.graphqlVersion.trim());
  if (version) errors.graphqlVersion = version;
  return errors;
}
