/**
 * Graceful shutdown's last step: once the server stops accepting, keep-alive connections with no
 * request in flight are closed at once, and busy ones right after their answer. Node's own
 * closeIdleConnections misses connections once a response on the server was hijacked (the event
 * stream), so the broker counts requests per socket itself.
 */
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';

export function drainConnectionsOnClose(app: FastifyInstance): void {
  const inFlight = new Map<Socket, number>();
  let closing = false;

  app.server.on('connection', (socket: Socket) => {
    if (closing) return void socket.destroy();
    inFlight.set(socket, 0);
    socket.on('close', () => inFlight.delete(socket));
  });
  app.addHook('onRequest', async (request) => {
    const socket = request.raw.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
  });
  app.addHook('onResponse', async (request) => {
    const socket = request.raw.socket;
    const left = Math.max(0, (inFlight.get(socket) ?? 1) - 1);
    inFlight.set(socket, left);
    if (closing && left === 0) socket.destroySoon();
  });
  app.addHook('preClose', async () => {
    closing = true;
    for (const [socket, count] of inFlight) if (count === 0) socket.destroySoon();
  });
}
