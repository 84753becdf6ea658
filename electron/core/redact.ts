/**
 * The one redaction helper. Every log line, error message and activity entry passes through here
 * before it leaves the engine, so tokens, authorization codes, `state` values and the client secret
 * never reach a log file, the renderer or crash output.
 *
 * Two layers: exact values the engine has seen (registered with `registerSecret`) and patterns that
 * catch secrets it has not (JWTs, `Bearer …`, sensitive query/form/JSON fields). Over-redaction is
 * acceptable; a leak is not. Pure Node, no Electron.
 */
import { createHash } from 'node:crypto';
import { isAuthError } from './errors';
import type { Logger } from './logger';

/** What every scrubbed value is replaced with. */
export const REDACTED = '[redacted]';

/**
 * How many unpinned secrets are remembered (the most recent win). Only one-shot values live here:
 * codes, states and replaced tokens. Long-lived ones (the client secret, the current token pair)
 * are pinned and never evicted, however many rotations happen.
 */
export const MAX_REGISTERED_SECRETS = 64;

/** Shorter values are not registered: scrubbing them would mangle ordinary words and numbers. */
export const MIN_SECRET_LENGTH = 8;

// Insertion-ordered, so the oldest entry is the first key. Holds unpinned secrets only.
const registered = new Set<string>();
// Never evicted; a value is in at most one of the two sets.
const pinned = new Set<string>();
// Every registered value and its encodings, longest first; rebuilt only when the sets change,
// since redact() runs on every log line.
let registeredVariants: string[] | null = null;

/**
 * Remembers an exact value (token, client secret, code, state) so `redact` scrubs it anywhere it
 * appears, including its URL-encoded form. Values shorter than MIN_SECRET_LENGTH are ignored.
 */
export function registerSecret(value: string): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  // Already pinned: it stays pinned until unpinned explicitly.
  if (pinned.has(value)) return;
  registeredVariants = null;
  registered.delete(value);
  registered.add(value);
  while (registered.size > MAX_REGISTERED_SECRETS) {
    const oldest = registered.values().next().value;
    if (oldest === undefined) break;
    registered.delete(oldest);
  }
}

/**
 * Registers `value` so it is never evicted: for the client secret and the current access and
 * refresh tokens. (A separate function rather than an option of registerSecret, which is passed
 * around as a one-argument callback.)
 */
export function pinSecret(value: string): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || pinned.has(value)) return;
  registered.delete(value);
  pinned.add(value);
  registeredVariants = null;
}

/**
 * Ends the pin of `value` (a token pair that was replaced): it moves to the most recent end of the
 * bounded list, so it is still scrubbed for a good while after. Unknown values are registered.
 */
export function unpinSecret(value: string): void {
  if (typeof value !== 'string') return;
  if (pinned.delete(value)) registeredVariants = null;
  registerSecret(value);
}

/** Test hook: forgets every registered secret, pinned ones included. */
export function clearRegisteredSecrets(): void {
  registered.clear();
  pinned.clear();
  registeredVariants = null;
}

function* allRegistered(): Iterable<string> {
  yield* pinned;
  yield* registered;
}

const SENSITIVE_PARAM_NAMES = 'code|state|access_token|refresh_token|client_secret|id_token|authorization';

// `name=value` in a query string or form body. The lookbehind stops `error_code=` from matching
// while still catching `?code=`, `&code=`, ` code=` and a bare `code=` at the start.
const QUERY_PARAM = new RegExp(`(?<![A-Za-z0-9_])(${SENSITIVE_PARAM_NAMES})=(?!\\[redacted\\])([^&\\s#"'<>]+)`, 'gi');

// `"name": "value"`, `'name': 'value'` and util.inspect's `name: 'value'`.
const QUOTED_FIELD = new RegExp(
  `(["']?)(?<![A-Za-z0-9_])(${SENSITIVE_PARAM_NAMES})\\1(\\s*[:=]\\s*)(["'])((?:\\\\.|(?!\\4)[^\\\\])*)\\4`,
  'gi',
);

// The same inside a JSON string (`\"refresh_token\": \"…\"`): a JSON body quoted in another's
// text, as a proxy or an error wrapper does. The value runs to the next escaped quote.
const ESCAPED_QUOTED_FIELD = new RegExp(
  `\\\\(["'])(${SENSITIVE_PARAM_NAMES})\\\\\\1(\\s*[:=]\\s*)\\\\\\1((?:(?!\\\\\\1)[^])*)\\\\\\1`,
  'gi',
);

// JSON with a non-string value (`"code": 1234`), rare but cheap to cover.
const BARE_JSON_FIELD = new RegExp(`(["'])(${SENSITIVE_PARAM_NAMES})\\1(\\s*:\\s*)(?!["'\\s])([^,}\\]\\s]+)`, 'gi');

// `Bearer <token>` anywhere (RFC 6750 token68 characters).
const BEARER = /\b(Bearer)(\s+)(?!\[redacted\])[A-Za-z0-9\-._~+/]+=*/gi;

// An unquoted header line, `Authorization: Basic …`: everything up to the end of the value.
const AUTH_HEADER = /\b(authorization)(\s*:\s*)(?!["'[])[^\r\n,;}]+/gi;

// A JWT: a base64url JSON header (always starts `eyJ`), a payload, an optional signature.
const JWT_LIKE = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

// Any three long base64url segments joined by dots (a JWT whose header we did not recognise).
// Long segments keep host names like api.getjobber.com out of it.
const DOTTED_OPAQUE = /\b[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g;

/**
 * Every registered value and its URL/form encodings, longest first so a secret that contains
 * another is removed whole. Plain string search, not one big RegExp: V8 refuses a pattern past
 * 32 KiB, and a huge code or token must never make redaction itself throw.
 */
function buildRegisteredVariants(): string[] {
  const variants = new Set<string>();
  for (const secret of allRegistered()) {
    variants.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) variants.add(encoded);
    // Form encoding writes spaces as '+'.
    const formEncoded = new URLSearchParams({ v: secret }).toString().slice(2);
    if (formEncoded !== secret) variants.add(formEncoded);
  }
  return [...variants].sort((a, b) => b.length - a.length);
}

function scrubRegistered(text: string): string {
  if (registered.size === 0 && pinned.size === 0) return text;
  registeredVariants ??= buildRegisteredVariants();
  let out = text;
  for (const variant of registeredVariants) {
    if (out.includes(variant)) out = out.split(variant).join(REDACTED);
  }
  return out;
}

/**
 * Returns `text` with registered secrets and secret-looking patterns replaced by `[redacted]`.
 * Safe on any input; non-strings are converted with String().
 */
export function redact(text: string): string {
  let out = typeof text === 'string' ? text : String(text);
  // A replacement can, in contrived cases, join with its neighbours into another registered value
  // (a secret containing "ted]…"): repeat until none survives, and give up on the whole text if a
  // few passes are not enough.
  for (let pass = 0; pass < 4; pass += 1) {
    out = redactOnce(out);
    if (!containsRegistered(out)) return out;
  }
  return REDACTED;
}

function containsRegistered(text: string): boolean {
  for (const secret of allRegistered()) {
    if (text.includes(secret)) return true;
  }
  return false;
}

function redactOnce(text: string): string {
  let out = scrubRegistered(text);
  out = out.replace(JWT_LIKE, REDACTED);
  out = out.replace(DOTTED_OPAQUE, REDACTED);
  out = out.replace(BEARER, (_match, scheme: string, space: string) => `${scheme}${space}${REDACTED}`);
  out = out.replace(
    ESCAPED_QUOTED_FIELD,
    (_match, quote: string, name: string, separator: string) => `\\${quote}${name}\\${quote}${separator}\\${quote}${REDACTED}\\${quote}`,
  );
  out = out.replace(
    QUOTED_FIELD,
    (_match, keyQuote: string, name: string, separator: string, valueQuote: string) =>
      `${keyQuote}${name}${keyQuote}${separator}${valueQuote}${REDACTED}${valueQuote}`,
  );
  out = out.replace(
    BARE_JSON_FIELD,
    (_match, keyQuote: string, name: string, separator: string) => `${keyQuote}${name}${keyQuote}${separator}"${REDACTED}"`,
  );
  out = out.replace(AUTH_HEADER, (_match, name: string, separator: string) => `${name}${separator}${REDACTED}`);
  out = out.replace(QUERY_PARAM, (_match, name: string) => `${name}=${REDACTED}`);
  return out;
}

const SENSITIVE_KEY = /token|secret|code|state|authorization|password/i;

// Keys that describe a secret without holding it (a fingerprint, an expiry time, an HTTP status
// code): useful in logs, and their values still go through redact().
const DESCRIPTIVE_KEY = /(fingerprint|expiresat|issuedat|source|count|kind|statuscode|errorcode)$/i;

function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key) && !DESCRIPTIVE_KEY.test(key);
}

const MAX_DEPTH = 8;

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || value === undefined) return value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return '[function]';
  if (value instanceof Error) return describeError(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[binary ${value.byteLength} bytes]`;
  if (typeof value !== 'object') return REDACTED;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
    if (value instanceof Map) {
      return redactValue(Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), v])), depth, seen);
    }
    if (value instanceof Set) return [...value].map((item) => redactValue(item, depth + 1, seen));
    return redactRecord(value as Record<string, unknown>, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function redactRecord(record: Record<string, unknown>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(record)) {
    out[key] = isSensitiveKey(key) && inner !== undefined && inner !== null ? REDACTED : redactValue(inner, depth + 1, seen);
  }
  return out;
}

/**
 * A deep copy of structured log fields with every sensitive key (containing token, secret, code,
 * state, authorization or password, case-insensitive) replaced by `[redacted]` and every string
 * value passed through `redact`. Keys that only describe a secret (`…Fingerprint`, `…ExpiresAt`,
 * `statusCode`) keep their (still redacted) value.
 */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  if (fields === null || typeof fields !== 'object') return {};
  return redactRecord(fields, 0, new WeakSet());
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
  const forward =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const safeMessage = redact(message);
      if (fields === undefined) sink[level](safeMessage);
      else sink[level](safeMessage, redactFields(fields));
    };
  return { info: forward('info'), warn: forward('warn'), error: forward('error') };
}

const MAX_DESCRIPTION_LENGTH = 500;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DESCRIPTION_LENGTH ? `${flat.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…` : flat;
}

interface AxiosErrorLike {
  isAxiosError: true;
  code?: unknown;
  message?: unknown;
  config?: { method?: unknown; url?: unknown; baseURL?: unknown };
  response?: { status?: unknown };
}

function isAxiosErrorLike(error: unknown): error is AxiosErrorLike {
  return typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;
}

/** The URL without userinfo, query or fragment (where codes, states and tokens travel). */
function safeUrl(url: unknown, baseURL: unknown): string | null {
  if (typeof url !== 'string' || url === '') return null;
  try {
    const parsed = typeof baseURL === 'string' && baseURL !== '' ? new URL(url, baseURL) : new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    const cut = url.split(/[?#]/, 1)[0] ?? '';
    return cut.replace(/\/\/[^/@]*@/, '//');
  }
}

function describeAxiosError(error: AxiosErrorLike): string {
  const parts: string[] = [];
  const method = typeof error.config?.method === 'string' ? error.config.method.toUpperCase() : 'request';
  const url = safeUrl(error.config?.url, error.config?.baseURL);
  parts.push(url ? `${method} ${url}` : method);
  const status = error.response?.status;
  if (typeof status === 'number') parts.push(`HTTP ${status}`);
  if (typeof error.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(error.code)) parts.push(error.code);
  if (typeof error.message === 'string' && error.message !== '') parts.push(error.message);
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
  else if (isAxiosErrorLike(error)) text = describeAxiosError(error);
  else if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const codePart = typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : '';
    text = `${error.name}: ${error.message}${codePart}`;
  } else if (typeof error === 'string') text = error;
  else if (error === null || error === undefined) text = `Unknown error (${String(error)})`;
  else if (typeof error === 'object') text = 'Unknown error (a non-Error object was thrown)';
  else text = `Unknown error (${String(error)})`;
  return oneLine(redact(text));
}
