/**
 * What a connected device does with its credential: get an access token, disconnect, and listen
 * for grant status changes (server-sent events).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { isAuthError } from '../../electron/core/errors';
import { DEFAULT_REFRESH_POLICY } from '../../electron/auth/refresh-policy';
import { unknownDevice } from '../api-error';
import type { BrokerDeps } from '../broker-deps';
import { deviceKey, tokenBody } from '../device-session';
import type { GrantStatus } from '../storage/broker-storage';

/** The contract's SSE heartbeat interval. */
export const HEARTBEAT_MS = 25_000;

/** Open event streams, ended on shutdown so the server can close. */
export type OpenStreams = Set<ServerResponse>;

function event(status: GrantStatus): string {
  return `event: grant\ndata: ${JSON.stringify({ status })}\n\n`;
}

export function registerDeviceRoutes(app: FastifyInstance, deps: BrokerDeps, streams: OpenStreams): void {
  app.post('/v1/token', async (request) => tokenBody(await deps.tokens.tokenForDevice(deviceKey(deps, request))));

  app.post('/v1/disconnect', async (request) => {
    const answer = await deps.tokens.tokenForDevice(deviceKey(deps, request));
    if (answer.kind === 'unknown-device') throw unknownDevice();
    // Jobber ended this grant itself (APP_DISCONNECT): it knows, which is what telling it is for.
    // The app then must not send the person to Jobber to finish a disconnect that is done.
    let jobberNotified = answer.kind === 'disconnected';
    if (answer.kind === 'token') {
      const signal = AbortSignal.timeout(DEFAULT_REFRESH_POLICY.disconnectTimeoutMs);
      try {
        await deps.jobber.appDisconnect(answer.accessToken, signal);
        jobberNotified = true;
      } catch (error) {
        request.log.warn({ kind: isAuthError(error) ? error.kind : 'unknown' }, 'Jobber could not be told about the disconnect; the grant is deleted anyway');
      }
    }
    await deps.storage.deleteGrant(answer.grantId);
    return { jobberNotified };
  });

  app.get('/v1/events', async (request, reply) => {
    const credentialHash = deviceKey(deps, request);
    const grant = await deps.storage.grantForDevice(credentialHash);
    if (!grant) throw unknownDevice();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    let last: GrantStatus | null = grant.status;
    raw.write(event(grant.status));
    streams.add(raw);
    const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const unsubscribe = deps.events.subscribe(grant.id, (status) => {
      if (status === null) return raw.end();
      if (status !== last) raw.write(event(status));
      last = status;
    });
    raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(raw);
    });
    // A change between the first read and the subscription would otherwise be missed.
    void deps.events.publish(grant.id);
  });
}
