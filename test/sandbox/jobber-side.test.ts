/**
 * The sandbox playing Jobber's side for the broker: APP_DISCONNECT webhooks signed like Jobber
 * (base64 HMAC-SHA256 of the raw body keyed with the client secret), retried until a 2xx,
 * redelivered on demand; and a Marketplace connect (code, no state).
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../sandbox/cli-args';
import { SANDBOX_CLIENT, SANDBOX_DEFAULT_ACCOUNT, startSandbox, type Sandbox } from '../../sandbox/server';
import { connect } from '../support/sandbox/fixtures';

interface Received {
  body: string;
  signature: string | undefined;
  contentType: string | undefined;
}

async function receiver(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ body, signature: req.headers['x-jobber-hmac-sha256'] as string | undefined, contentType: req.headers['content-type'] });
      res.writeHead(statuses[received.length - 1] ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

const control = (sandbox: Sandbox, path: string, body?: unknown): Promise<Response> =>
  fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) });

let sandbox: Sandbox | undefined;
let server: Server | undefined;
afterEach(async () => {
  await sandbox?.close();
  server?.close();
  sandbox = undefined;
  server = undefined;
});

describe('sandbox: Jobber side', () => {
  it('"disconnect in Jobber" POSTs a signed APP_DISCONNECT, retried after a failure, redelivered byte for byte', async () => {
    const hook = await receiver([500, 200, 200]);
    server = hook.server;
    sandbox = await startSandbox();
    await control(sandbox, '/webhooks', { url: hook.url });
    await connect(sandbox);
    expect((await control(sandbox, '/disconnect')).status).toBe(200);
    await sandbox.jobberSide.settled();
    expect(hook.received).toHaveLength(2);
    const [first, second] = hook.received;
    expect(second!.body).toBe(first!.body);
    expect(first!.contentType).toBe('application/json');
    expect(first!.signature).toBe(createHmac('sha256', SANDBOX_CLIENT.clientSecret).update(first!.body).digest('base64'));
    expect(JSON.parse(first!.body)).toMatchObject({ data: { webHookEvent: { topic: 'APP_DISCONNECT', accountId: SANDBOX_DEFAULT_ACCOUNT.id } } });

    await control(sandbox, '/webhooks/redeliver');
    await sandbox.jobberSide.settled();
    expect(hook.received).toHaveLength(3);
    expect(hook.received[2]!.body).toBe(first!.body);
  });

  it('no live grant, no webhook', async () => {
    const hook = await receiver([]);
    server = hook.server;
    sandbox = await startSandbox({ webhookUrl: hook.url });
    expect(await sandbox.jobberSide.disconnectFromJobber()).toBeNull();
    expect(hook.received).toEqual([]);
  });

  it('Marketplace connect: the registered callback with a code and no state; the code exchanges', async () => {
    const callback = 'http://127.0.0.1:4555/oauth/callback';
    sandbox = await startSandbox({ redirectUris: [callback] });
    const answer = (await (await control(sandbox, '/marketplace-connect', {})).json()) as { location: string };
    const location = new URL(answer.location);
    expect(`${location.origin}${location.pathname}`).toBe(callback);
    expect([...location.searchParams.keys()]).toEqual(['code']);
    const token = await fetch(`${sandbox.url}/api/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: SANDBOX_CLIENT.clientId, client_secret: SANDBOX_CLIENT.clientSecret, grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: callback }).toString(),
    });
    expect(token.status).toBe(200);
    expect(() => sandbox!.jobberSide.marketplaceConnect('https://not-registered.example/cb')).toThrow(/not registered/);
  });

  it('--webhook-url sets where webhooks go', () => {
    expect(parseCliArgs(['--webhook-url=http://127.0.0.1:8787/webhooks/jobber'])).toEqual({ webhookUrl: 'http://127.0.0.1:8787/webhooks/jobber' });
  });
});
