/**
 * Where a saved connection's refresh credential may be sent, and the check that keeps it there.
 * A sealed record names the token endpoint that issued it; a session configured for any other
 * endpoint must not spend it (that would hand the refresh token, and with it the client secret's
 * request, to a server that never issued it), so it asks for a reconnect instead.
 */
import type { JobberConfig } from './config-types';
import type { EndpointBinding } from './token-model';

/**
 * The binding a session with `config` writes into every record it saves. In broker mode the record
 * holds the broker's device credential, which only that broker can use. The embedded sandbox
 * listens on a new loopback port at each start, so in sandbox mode the port is left out: its
 * records live in their own file (connection-sandbox-…) and can only ever meet the sandbox.
 */
export function endpointBindingFor(config: Pick<JobberConfig, 'environment' | 'apiBaseUrl' | 'clientId' | 'broker'>): EndpointBinding {
  if (config.broker) return { via: 'broker', origin: config.broker.origin };
  const url = new URL(config.apiBaseUrl);
  const origin = config.environment === 'sandbox' ? `${url.protocol}//${url.hostname}` : url.origin;
  return { via: 'jobber', origin, clientId: config.clientId };
}

/** True when a record bound to `saved` may be refreshed by a session bound to `current`. */
export function sameEndpoint(saved: EndpointBinding, current: EndpointBinding): boolean {
  if (saved.via !== current.via || saved.origin !== current.origin) return false;
  return saved.via === 'broker' || (current.via === 'jobber' && saved.clientId === current.clientId);
}

/** Who issued the record, for the person-facing message (origin and, for Jobber, client id). */
export function describeEndpoint(binding: EndpointBinding): string {
  return binding.via === 'jobber' ? `${binding.origin} (client ID ${binding.clientId})` : `the broker at ${binding.origin}`;
}
