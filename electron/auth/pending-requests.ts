/**
 * Pending authorize requests: the CSRF `state` values this app has sent to Jobber and not yet seen
 * come back, each with its PKCE verifier (pkce.ts). Each is single use and expires; comparison is
 * constant time; the verifier is handed out only to the callback carrying its own state. Pure: time
 * comes from the Clock port and randomness from an injectable source.
 */
import { randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import { VERIFIER_BYTES, codeChallengeS256 } from './pkce';
import type { Clock } from '../core/clock';
import { registerSecret } from '../core/redact';

/** How long a Connect may take between opening the authorize page and the callback. */
export const PENDING_REQUEST_TTL_MS = 10 * 60 * 1000;

/** Bytes of randomness in a `state` value (256 bits). */
export const STATE_BYTES = 32;

export type ConsumeResult =
  | { ok: true; codeVerifier: string }
  | { ok: false; kind: 'state-mismatch' | 'unknown-state' | 'expired-state' | 'stateless-callback' };

interface PendingRequest {
  state: Buffer;
  codeVerifier: string;
  expiresAt: number;
}

function sameState(a: Buffer, b: Buffer): boolean {
  // The length of a state value is public (every state we make is 43 characters), so returning early
  // on a length difference reveals nothing; timingSafeEqual requires equal lengths anyway.
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

export class PendingRequests {
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly randomBytes: (size: number) => Uint8Array;
  private requests: PendingRequest[] = [];

  constructor(clock: Clock, options: { ttlMs?: number; randomBytes?: (size: number) => Uint8Array } = {}) {
    this.clock = clock;
    this.ttlMs = options.ttlMs ?? PENDING_REQUEST_TTL_MS;
    this.randomBytes = options.randomBytes ?? ((size) => nodeRandomBytes(size));
  }

  /**
   * Starts a pending request: a fresh `state` (32 random bytes, base64url), the S256 challenge of a
   * fresh PKCE verifier (32 more bytes) kept here, and the expiry time.
   */
  create(): { state: string; codeChallenge: string; expiresAt: number } {
    const state = this.randomText(STATE_BYTES);
    const codeVerifier = this.randomText(VERIFIER_BYTES);
    const now = this.clock.now();
    // Expired entries are kept for one more TTL so a late callback is reported as 'expired-state'
    // rather than a mismatch; after that they are dropped so the list stays small.
    this.requests = this.requests.filter((request) => now < request.expiresAt + this.ttlMs);
    const expiresAt = now + this.ttlMs;
    this.requests.push({ state: Buffer.from(state, 'utf8'), codeVerifier, expiresAt });
    return { state, codeChallenge: codeChallengeS256(codeVerifier), expiresAt };
  }

  /** `size` random bytes as base64url, registered with the redactor (both values are secrets). */
  private randomText(size: number): string {
    const bytes = this.randomBytes(size);
    if (bytes.length !== size) throw new Error(`The random source returned ${bytes.length} bytes instead of ${size}.`);
    const text = Buffer.from(bytes).toString('base64url');
    registerSecret(text);
    return text;
  }

  /**
   * Checks a callback's `state` against the pending requests. Single use: a matching request is
   * removed whether it was still valid or had expired. `null` (no state parameter) is a
   * Marketplace-started connect → 'stateless-callback'; nothing pending at all → 'unknown-state';
   * a match past its expiry → 'expired-state'; anything else → 'state-mismatch' (the genuine
   * pending request stays, so a forged callback cannot cancel it).
   */
  consume(state: string | null): ConsumeResult {
    if (state === null) return { ok: false, kind: 'stateless-callback' };
    if (this.requests.length === 0) return { ok: false, kind: 'unknown-state' };
    const candidate = Buffer.from(state, 'utf8');
    // Compare against every entry, without stopping at the first hit, so timing does not reveal
    // which (or how many) pending requests exist.
    let matchIndex = -1;
    this.requests.forEach((request, index) => {
      if (sameState(request.state, candidate) && matchIndex === -1) matchIndex = index;
    });
    if (matchIndex === -1) return { ok: false, kind: 'state-mismatch' };
    const now = this.clock.now();
    const [match] = this.requests.splice(matchIndex, 1);
    if (match === undefined || now >= match.expiresAt) return { ok: false, kind: 'expired-state' };
    return { ok: true, codeVerifier: match.codeVerifier };
  }

  /**
   * True when `state` belongs to a pending, unexpired request. Does not use it up: the loopback
   * receiver asks this to answer a foreign request with 400 before the session sees anything.
   */
  recognises(state: string): boolean {
    const candidate = Buffer.from(state, 'utf8');
    const now = this.clock.now();
    let found = false;
    for (const request of this.requests) if (sameState(request.state, candidate) && now < request.expiresAt) found = true;
    return found;
  }

  /** True while at least one request is pending and not yet expired. */
  hasPending(): boolean {
    const now = this.clock.now();
    return this.requests.some((request) => now < request.expiresAt);
  }

  /** Forgets every pending request (cancel, window closed, timeout): a late callback is then 'unknown-state'. */
  cancelAll(): void {
    this.requests = [];
  }
}
