/**
 * The scanner behind the token-leak tests: looks through recorded text (IPC messages, log lines,
 * activity entries, error messages, userData files, stdout/stderr, authorize URLs, loopback answers)
 * for known secrets and for anything shaped like one. Pure
 * functions, no I/O, so a self-check can prove it finds a planted token.
 */
import { inspect } from 'node:util';

/** One piece of recorded output and where it came from (`ipc out jobber-connect:get-state`, `log warn`, …). */
export interface CorpusEntry {
  source: string;
  text: string;
}

export interface LeakFinding {
  source: string;
  /** What matched: `secret:<label>`, `fragment:<label>`, `jwt-shaped`, `bearer`. */
  kind: string;
  /** A masked excerpt around the match (the secret itself is not repeated in full). */
  excerpt: string;
}

export interface KnownSecret {
  label: string;
  value: string;
}

/** Values shorter than this are not matched: they would hit ordinary words (the sandbox's `fault` token). */
export const MIN_SECRET_LENGTH = 8;

/** A leaked piece of a secret this long counts (a truncated token in a message is still a leak). */
export const FRAGMENT_LENGTH = 16;

/** Three dot-separated base64url segments starting with a JSON header (`eyJ`): a JWT. */
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/;
/** `Bearer <anything but the redaction marker>`. */
const BEARER = /\bBearer\s+(?!\[redacted\])[A-Za-z0-9\-._~+/]{8,}/i;

/** Serialises any recorded value so nested strings, Error messages and stacks are all visible. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return `${JSON.stringify(value) ?? ''} ${inspect(value, { depth: null, breakLength: Infinity, showHidden: false })}`;
}

function mask(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 30);
  const end = Math.min(text.length, index + length + 30);
  const hit = text.slice(index, index + length);
  const shown = hit.length > 8 ? `${hit.slice(0, 4)}…${hit.slice(-2)}` : '…';
  return `${text.slice(start, index)}<<${shown}>>${text.slice(index + length, end)}`.replace(/\s+/g, ' ');
}

/**
 * The base64 (or base64url) text that any encoding of a larger buffer holding `bytes` contains,
 * whatever the offset: a secret inside an encoded JSON blob starts at byte 0, 1 or 2 of a 3-byte
 * group, so for each shift the whole groups after it encode the same way every time.
 */
function alignedBase64(bytes: Buffer, encoding: 'base64' | 'base64url'): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift += 1) {
    const rest = bytes.subarray(shift);
    const whole = rest.subarray(0, rest.length - (rest.length % 3));
    // Six bytes (eight characters) at least, or ordinary text would match.
    if (whole.length >= 6) out.push(whole.toString(encoding).replace(/=+$/, ''));
  }
  return out;
}

function variants(value: string): string[] {
  const out = new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)]);
  const bytes = Buffer.from(value, 'utf8');
  out.add(bytes.toString('base64'));
  out.add(bytes.toString('base64url'));
  // Inside a larger encoded blob (a file or JSON written as base64), at any alignment.
  for (const form of [...alignedBase64(bytes, 'base64'), ...alignedBase64(bytes, 'base64url')]) out.add(form);
  // Hex, both cases: a buffer dumped by a debug line or a file written as hex.
  out.add(bytes.toString('hex'));
  out.add(bytes.toString('hex').toUpperCase());
  return [...out];
}

function fragments(value: string): string[] {
  if (value.length < FRAGMENT_LENGTH + 4) return [];
  const out: string[] = [];
  for (let i = 0; i + FRAGMENT_LENGTH <= value.length; i += 4) out.push(value.slice(i, i + FRAGMENT_LENGTH));
  return out;
}

/**
 * Every place a known secret (whole, URL- or form-encoded, base64 or base64url on its own or inside a
 * larger encoded blob, hex in either case, or a 16-character piece of it)
 * or a JWT-/Bearer-shaped string appears in `corpus`. An empty result means no leak was found.
 */
export function scanForLeaks(corpus: readonly CorpusEntry[], secrets: readonly KnownSecret[]): LeakFinding[] {
  const findings: LeakFinding[] = [];
  const usable = secrets.filter((s) => s.value.length >= MIN_SECRET_LENGTH);
  for (const entry of corpus) {
    const { text } = entry;
    for (const secret of usable) {
      let matched = false;
      for (const form of variants(secret.value)) {
        const at = text.indexOf(form);
        if (at >= 0) {
          findings.push({ source: entry.source, kind: `secret:${secret.label}`, excerpt: mask(text, at, form.length) });
          matched = true;
          break;
        }
      }
      if (matched) continue;
      for (const piece of fragments(secret.value)) {
        const at = text.indexOf(piece);
        if (at >= 0) {
          findings.push({ source: entry.source, kind: `fragment:${secret.label}`, excerpt: mask(text, at, piece.length) });
          break;
        }
      }
    }
    const jwt = JWT_SHAPED.exec(text);
    if (jwt) findings.push({ source: entry.source, kind: 'jwt-shaped', excerpt: mask(text, jwt.index, jwt[0].length) });
    const bearer = BEARER.exec(text);
    if (bearer) findings.push({ source: entry.source, kind: 'bearer', excerpt: mask(text, bearer.index, bearer[0].length) });
  }
  return findings;
}
