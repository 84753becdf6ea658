/**
 * The broker's event stream (GET /v1/events, text/event-stream) while a broker-mode grant is live:
 * `event: grant` with `{"status":"live"|"disconnected-in-jobber"|"rejected"}` once at subscription
 * and on every change, plus a comment heartbeat every 25 s. Reconnects with capped, jittered
 * backoff; a silent connection (no heartbeat for twice its period) is dropped and reopened. Node
 * http(s), main process only; the credential goes only in the Authorization header.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Clock, RandomSource, TimerHandle } from '../core/clock';
import type { Logger } from '../core/logger';
import { backoffDelay, type Backoff } from '../core/http';

export type GrantStatus = 'live' | 'disconnected-in-jobber' | 'rejected';

const GRANT_STATUSES: ReadonlySet<string> = new Set<GrantStatus>(['live', 'disconnected-in-jobber', 'rejected']);

/** The contract's heartbeat period is 25 s; two missed means the connection is dead. */
export const SILENCE_LIMIT_MS = 60_000;
export const RECONNECT_INITIAL_MS = 1_000;
export const RECONNECT_MAX_MS = 60_000;
/** Equal jitter: a dropped stream is never reopened almost at once, and many apps spread out. */
const RECONNECT_BACKOFF: Backoff = { baseMs: RECONNECT_INITIAL_MS, factor: 2, capMs: RECONNECT_MAX_MS, jitter: 'equal' };
/** An event larger than this is not from a well-behaved broker: drop the connection. */
const MAX_BUFFER_CHARS = 64 * 1024;

export interface BrokerEventsOptions {
  origin: string;
  /** The device credential to subscribe with; null stops the stream (no grant). */
  credential: () => string | null;
  onStatus: (status: GrantStatus) => void;
  /** The broker refused the credential (401/410): the token path will say why; no more retries. */
  onRefused: (httpStatus: number) => void;
  clock: Clock;
  logger: Logger;
  random?: RandomSource;
}

/** Parses `data` of a grant event; null when it is not one of the contract's statuses. */
export function parseGrantEvent(data: string): GrantStatus | null {
  try {
    const status = (JSON.parse(data) as { status?: unknown } | null)?.status;
    return typeof status === 'string' && GRANT_STATUSES.has(status) ? (status as GrantStatus) : null;
  } catch {
    return null;
  }
}

/** Splits complete SSE events out of `buffer`; returns them (event name, joined data) and the rest. */
export function takeEvents(buffer: string): { events: Array<{ event: string; data: string }>; rest: string } {
  const events: Array<{ event: string; data: string }> = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

export class BrokerEvents {
  private request: ClientRequest | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private silenceTimer: TimerHandle | null = null;
  private attempt = 0;
  private running = false;

  constructor(private readonly options: BrokerEventsOptions) {}

  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.open();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
    this.request?.destroy();
    this.request = null;
  }

  private clearTimers(): void {
    const { clock } = this.options;
    if (this.reconnectTimer !== null) clock.clearTimer(this.reconnectTimer);
    if (this.silenceTimer !== null) clock.clearTimer(this.silenceTimer);
    this.reconnectTimer = null;
    this.silenceTimer = null;
  }

  private open(): void {
    const credential = this.options.credential();
    if (!this.running || credential === null) {
      this.stop();
      return;
    }
    const url = new URL('/v1/events', this.options.origin);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'GET',
      headers: { Accept: 'text/event-stream', Authorization: `Bearer ${credential}`, 'Cache-Control': 'no-cache' },
    });
    this.request = req;
    this.armSilence();
    req.on('response', (res) => this.onResponse(req, res));
    req.on('error', () => this.retry(req, 'the broker cannot be reached'));
    req.end();
  }

  private onResponse(req: ClientRequest, res: IncomingMessage): void {
    const status = res.statusCode ?? 0;
    const type = String(res.headers['content-type'] ?? '');
    if (status === 401 || status === 410) {
      res.resume();
      this.stop();
      this.options.onRefused(status);
      return;
    }
    if (status !== 200 || !type.startsWith('text/event-stream')) {
      res.resume();
      this.retry(req, `the broker answered HTTP ${status}`);
      return;
    }
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      if (this.request !== req) return;
      this.armSilence();
      buffer += chunk;
      if (buffer.length > MAX_BUFFER_CHARS) {
        this.retry(req, 'the broker sent an oversized event');
        return;
      }
      const { events, rest } = takeEvents(buffer);
      buffer = rest;
      for (const { event, data } of events) {
        if (event !== 'grant') continue;
        const grant = parseGrantEvent(data);
        if (grant === null) continue;
        this.attempt = 0;
        this.options.onStatus(grant);
      }
    });
    res.on('end', () => this.retry(req, 'the broker closed the event stream'));
    res.on('error', () => this.retry(req, 'the event stream broke'));
  }

  /** The current connection ended: reopen after the backoff (only once per connection). */
  private retry(req: ClientRequest, why: string): void {
    if (this.request !== req || !this.running) return;
    this.request = null;
    req.destroy();
    this.clearTimers();
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, RECONNECT_BACKOFF, this.options.random ?? Math.random);
    this.options.logger.info('Broker event stream interrupted; reconnecting', { why, attempt: this.attempt, delayMs: delay });
    this.reconnectTimer = this.options.clock.setTimer(delay, () => {
      this.reconnectTimer = null;
      this.open();
    });
  }

  private armSilence(): void {
    const { clock } = this.options;
    if (this.silenceTimer !== null) clock.clearTimer(this.silenceTimer);
    const req = this.request;
    this.silenceTimer = clock.setTimer(SILENCE_LIMIT_MS, () => {
      this.silenceTimer = null;
      if (req !== null) this.retry(req, 'no heartbeat from the broker');
    });
  }
}
