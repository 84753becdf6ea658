/**
 * Fault injection: a FIFO queue of faults per endpoint, and the code that plays one fault on a
 * response. Handlers consume a fault before their normal work; what a "plausible" body looks like
 * for the endpoint is passed in, so this module knows no endpoint's semantics.
 */
import type { ServerResponse } from 'node:http';
import type { Fault, SandboxEndpoint } from './types';

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

/** Faults waiting for the next requests of each endpoint. */
export class FaultQueue {
  private readonly queues = new Map<SandboxEndpoint, QueuedFault[]>();

  inject(endpoint: SandboxEndpoint, fault: Fault, count = 1): void {
    if (!Number.isInteger(count) || count < 1) throw new RangeError('Fault count must be a positive integer');
    const queue = this.queues.get(endpoint) ?? [];
    queue.push({ fault, remaining: count });
    this.queues.set(endpoint, queue);
  }

  /** Takes the fault for the current request of `endpoint`, if any. */
  take(endpoint: SandboxEndpoint): Fault | undefined {
    const queue = this.queues.get(endpoint);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }

  clear(): void {
    this.queues.clear();
  }
}

/** Endpoint-specific bodies used by the faults that imitate a 200 answer. */
export interface FaultBodies {
  /** A plausible successful answer (cut in half by `truncated`). */
  success: () => { contentType: string; body: string };
  /** The 200 answer lacking the expected fields. */
  missingFields: () => { contentType: string; body: string };
}

/** Waits `ms`; resolves false if the sandbox closed meanwhile. */
export type Sleep = (ms: number) => Promise<boolean>;

const OUTAGE_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Service unavailable</title></head>' +
  '<body><h1>We\u2019ll be right back</h1><p>This is a maintenance page, not an API answer.</p></body></html>';

function statusFault(res: ServerResponse, fault: Extract<Fault, { kind: 'status' }>): void {
  const body = fault.body ?? JSON.stringify({ error: 'sandbox_fault', message: `Injected HTTP ${fault.status}` });
  let contentType = 'text/plain; charset=utf-8';
  try {
    JSON.parse(body);
    contentType = 'application/json; charset=utf-8';
  } catch {
    // not JSON: plain text is the honest content type
  }
  res.writeHead(fault.status, {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    ...fault.headers,
  });
  res.end(body);
}

function truncatedFault(res: ServerResponse, full: { contentType: string; body: string }): void {
  const bytes = Buffer.from(full.body);
  const half = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
  res.writeHead(200, { 'Content-Type': full.contentType, 'Content-Length': String(bytes.length) });
  // Flush the headers and half the body, then end the socket: the client sees a premature close.
  res.write(half, () => res.socket?.end());
}

/**
 * Plays `fault` on `res`. Returns 'continue' when normal handling must follow (a delay), or
 * 'handled' when the fault answered (or killed) the request.
 */
export async function applyFault(
  fault: Fault,
  res: ServerResponse,
  bodies: FaultBodies,
  sleep: Sleep,
): Promise<'handled' | 'continue'> {
  switch (fault.kind) {
    case 'delay':
      return (await sleep(fault.ms)) ? 'continue' : 'handled';
    case 'drop':
      res.socket?.destroy();
      return 'handled';
    case 'status':
      statusFault(res, fault);
      return 'handled';
    case 'malformed-json': {
      const body = '{"data": {"unterminated": [1, 2,';
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length) });
      res.end(body);
      return 'handled';
    }
    case 'truncated':
      truncatedFault(res, bodies.success());
      return 'handled';
    case 'wrong-content-type':
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(OUTAGE_PAGE)) });
      res.end(OUTAGE_PAGE);
      return 'handled';
    case 'missing-fields': {
      const { contentType, body } = bodies.missingFields();
      res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
      return 'handled';
    }
  }
}
