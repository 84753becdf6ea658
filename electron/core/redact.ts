/**
 * The one redaction helper. Every log line, error message and activity entry passes through here
 * before it leaves the engine, so tokens, authorization codes, `state` values and the client secret
 * never reach a log file, the renderer or crash output.
 *
 * Two layers: a registry of exact values the engine has seen (tokens, the client secret, codes,
 * states, with their URL and form encodings) and a table of small pattern redactors for secrets it
 * has not (JWTs, `Bearer …`, sensitive query/form/JSON fields). Over-redaction is acceptable; a leak
 * is not. Pure Node, no Electron.
 */
import { createHash } from 'node:crypto';
import { isAuthError } from './errors';
import type { Logger } from './logger';
import { parseUrl } from './url';

/** What every scrubbed value is replaced with. */
export const REDACTED = '[redacted]';

/**
 * How many one-shot secrets are remembered (codes, states, replaced tokens; the most recent win).
 * Long-lived ones (the client secret, the current pair) are pinned and never evicted.
 */
export const MAX_REGISTERED_SECRETS = 64;

/** Shorter values are not registered: scrubbing them would mangle ordinary words and numbers. */
export const MIN_SECRET_LENGTH = 8;

// Value → pinned. Insertion order is recency, so the oldest unpinned entry is evicted first.
const secrets = new Map<string, boolean>();
// Every value and its encodings, longest first (a secret containing another is removed whole);
// rebuilt only when the set changes, since redaction runs on every log line.
let variants: string[] | null = null;

function remember(value: unknown, pinned: boolean): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  secrets.delete(value);
  secrets.set(value, pinned);
  variants = null;
  const unpinned = [...secrets].filter(([, isPinned]) => !isPinned);
  for (const [old] of unpinned.slice(0, Math.max(0, unpinned.length - MAX_REGISTERED_SECRETS))) secrets.delete(old);
}

/** Remembers a one-shot value (code, state, replaced token); a pinned value stays pinned. */
export function registerSecret(value: string): void {
  if (secrets.get(value) !== true) remember(value, false);
}

/**
 * Remembers `value` for good: the client secret and the current token pair. (Not an option of
 * registerSecret, which is passed around as a one-argument callback.)
 */
export function pinSecret(value: string): void {
  if (secrets.get(value) !== true) remember(value, true);
}

/** Ends a pin (a replaced token pair): the value becomes the most recent one-shot secret. */
export function unpinSecret(value: string): void {
  remember(value, false);
}

/** Test hook: forgets every secret, pinned ones included. */
export function clearRegisteredSecrets(): void {
  secrets.clear();
  variants = null;
}

/**
 * `text` with every remembered value (plain, URL- and form-encoded) replaced. Plain string search,
 * not one big RegExp: V8 refuses a pattern past 32 KiB, and a huge token must never make redaction throw.
 */
function scrubRegistered(text: string): string {
  if (secrets.size === 0) return text;
  variants ??= [...new Set([...secrets.keys()].flatMap((s) => [s, encodeURIComponent(s), new URLSearchParams({ v: s }).toString().slice(2)]))].sort(
    (a, b) => b.length - a.length,
  );
  return variants.reduce((out, variant) => (out.includes(variant) ? out.split(variant).join(REDACTED) : out), text);
}

const NAMES = 'code|state|access_token|refresh_token|client_secret|id_token|authorization';

/** A pattern and what its match becomes; `g` is the match's groups (g[1] is the first). */
type Redactor = readonly [RegExp, (...g: string[]) => string];

/** Applied in order. Each keeps the name and punctuation around a value and replaces the value. */
const REDACTORS: readonly Redactor[] = [
  // A JWT: a base64url JSON header (always `eyJ`), a payload, an optional signature.
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, () => REDACTED],
  // Three long base64url segments joined by dots (a JWT with an unknown header); long segments
  // keep host names like api.getjobber.com out.
  [/\b[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g, () => REDACTED],
  // `Bearer <token>` anywhere (RFC 6750 token68 characters).
  [/\b(Bearer)(\s+)(?!\[redacted\])[A-Za-z0-9\-._~+/]+=*/gi, (_, scheme, space) => `${scheme}${space}${REDACTED}`],
  // A JSON body quoted inside another's text (`\"refresh_token\": \"…\"`), as a proxy or an error
  // wrapper does: the value runs to the next escaped quote.
  [
    new RegExp(`\\\\(["'])(${NAMES})\\\\\\1(\\s*[:=]\\s*)\\\\\\1((?:(?!\\\\\\1)[^])*)\\\\\\1`, 'gi'),
    (_, q, name, sep) => `\\${q}${name}\\${q}${sep}\\${q}${REDACTED}\\${q}`,
  ],
  // `"name": "value"`, `'name': 'value'` and util.inspect's `name: 'value'`.
  [
    new RegExp(`(["']?)(?<![A-Za-z0-9_])(${NAMES})\\1(\\s*[:=]\\s*)(["'])((?:\\\\.|(?!\\4)[^\\\\])*)\\4`, 'gi'),
    (_, kq, name, sep, vq) => `${kq}${name}${kq}${sep}${vq}${REDACTED}${vq}`,
  ],
  // JSON with a non-string value (`"code": 1234`).
  [new RegExp(`(["'])(${NAMES})\\1(\\s*:\\s*)(?!["'\\s])([^,}\\]\\s]+)`, 'gi'), (_, q, name, sep) => `${q}${name}${q}${sep}"${REDACTED}"`],
  // An unquoted header line, `Authorization: Basic …`, up to the end of the value.
  [/\b(authorization)(\s*:\s*)(?!["'[])[^\r\n,;}]+/gi, (_, name, sep) => `${name}${sep}${REDACTED}`],
  // `name=value` in a query or form; the lookbehind spares `error_code=` but catches `?code=`.
  [new RegExp(`(?<![A-Za-z0-9_])(${NAMES})=(?!\\[redacted\\])([^&\\s#"'<>]+)`, 'gi'), (_, name) => `${name}=${REDACTED}`],
];

/**
 * Returns `text` with registered secrets and secret-looking patterns replaced by `[redacted]`.
 * Safe on any input; non-strings are converted with String().
 */
export function redact(text: string): string {
  let out = typeof text === 'string' ? text : String(text);
  // A replacement can, in contrived cases, join with its neighbours into another registered value
  // (a secret containing "ted]…"): repeat until none survives; give up on the whole text after a few.
  for (let pass = 0; pass < 4; pass += 1) {
    out = REDACTORS.reduce((acc, [pattern, replace]) => acc.replace(pattern, replace), scrubRegistered(out));
    if (scrubRegistered(out) === out) return out;
  }
  return REDACTED;
}

// Keys that hold a secret, except those that only describe one (a fingerprint, an expiry, an HTTP
// status code): those keep their (still redacted) value.
const SENSITIVE_KEY = /token|secret|code|state|authorization|password/i;
const DESCRIPTIVE_KEY = /(fingerprint|expiresat|issuedat|source|count|kind|statuscode|errorcode)$/i;
const MAX_DEPTH = 8;

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint' || typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return '[function]';
  if (value instanceof Error) return describeError(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[binary ${value.byteLength} bytes]`;
  if (typeof value !== 'object') return REDACTED;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value) || value instanceof Set) return [...value].map((item) => redactValue(item, depth + 1, seen));
    const entries = value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v] as const) : Object.entries(value);
    const sensitive = (key: string) => SENSITIVE_KEY.test(key) && !DESCRIPTIVE_KEY.test(key);
    return Object.fromEntries(entries.map(([key, inner]) => [key, sensitive(key) && inner != null ? REDACTED : redactValue(inner, depth + 1, seen)]));
  } finally {
    seen.delete(value);
  }
}

/**
 * A deep copy of structured log fields with every sensitive key (containing token, secret, code,
 * state, authorization or password, case-insensitive) replaced by `[redacted]` and every string
 * value passed through `redact`. Keys that only describe a secret (`…Fingerprint`, `…ExpiresAt`,
 * `statusCode`) keep their (still redacted) value.
 */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  if (fields === null || typeof fields !== 'object') return {};
  return redactValue(fields, 0, new WeakSet()) as Record<string, unknown>;
}

/**
 * A non-reversible short identifier for a secret ('sha256:' + 12 hex digits), so two log lines can
 * be correlated ("the same refresh token") without revealing it.
 */
export function fingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 12)}`;
}

/** Wraps a logger so every message and field is redacted before it reaches `sink`. */
export function createRedactingLogger(sink: Logger): Logger {
  const forward = (level: keyof Logger) => (message: string, fields?: Record<string, unknown>) =>
    fields === undefined ? sink[level](redact(message)) : sink[level](redact(message), redactFields(fields));
  return { info: forward('info'), warn: forward('warn'), error: forward('error') };
}

const MAX_DESCRIPTION_LENGTH = 500;

/** An error code safe to repeat in a message (`ECONNRESET`, `ERR_BAD_RESPONSE`), or undefined. */
export function plainCode(code: unknown): string | undefined {
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}

interface AxiosErrorLike {
  code?: unknown;
  message?: unknown;
  config?: { method?: unknown; url?: unknown; baseURL?: unknown };
  response?: { status?: unknown };
}

/** Method, URL without userinfo, query or fragment (where codes and tokens travel), status, code. */
function describeAxiosError({ config, response, code, message }: AxiosErrorLike): string {
  const method = typeof config?.method === 'string' ? config.method.toUpperCase() : 'request';
  const raw = typeof config?.url === 'string' ? config.url : '';
  const parsed = raw === '' ? null : parseUrl(raw, typeof config?.baseURL === 'string' && config.baseURL !== '' ? config.baseURL : undefined);
  const url = parsed ? `${parsed.protocol}//${parsed.host}${parsed.pathname}` : (raw.split(/[?#]/, 1)[0] ?? '').replace(/\/\/[^/@]*@/, '//');
  const parts = [url ? `${method} ${url}` : method];
  if (typeof response?.status === 'number') parts.push(`HTTP ${response.status}`);
  const shown = plainCode(code);
  if (shown) parts.push(shown);
  if (typeof message === 'string' && message !== '') parts.push(message);
  return parts.join(': ');
}

/**
 * A safe, redacted one-line description of any thrown value, for logs and messages. AuthError →
 * its message; axios errors → method, URL without query, status and error code (never headers or
 * bodies); other errors → name and message.
 */
export function describeError(error: unknown): string {
  let text: string;
  if (isAuthError(error)) text = error.message;
  else if ((error as { isAxiosError?: unknown } | null)?.isAxiosError === true) text = describeAxiosError(error as AxiosErrorLike);
  else if (error instanceof Error) {
    const code = plainCode((error as { code?: unknown }).code);
    text = `${error.name}: ${error.message}${code ? ` (${code})` : ''}`;
  } else if (typeof error === 'string') text = error;
  else if (typeof error === 'object' && error !== null) text = 'Unknown error (a non-Error object was thrown)';
  else text = `Unknown error (${String(error)})`;
  const flat = redact(text).replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DESCRIPTION_LENGTH ? `${flat.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…` : flat;
}
