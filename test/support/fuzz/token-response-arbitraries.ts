/**
 * Generators for token-endpoint answers (status, headers, body, or a thrown transport error), with
 * what an independent oracle expects: tokens only from a 2xx JSON object whose access_token and
 * refresh_token are non-empty strings (a wrong-typed optional expires_at or warning is ignored, not
 * fatal: a refresh has already rotated the grant), and the expiry the JWT `exp` or a string
 * `expires_at` implies. JWTs and `expires_at` values are built from labelled recipes, so the oracle
 * knows their meaning without decoding anything the way the client does. Every string that looks
 * like a credential is listed so the test can check it never reaches an error message or a log line.
 */
import fc from 'fast-check';

/** The secret the client is configured with; it must never surface. */
export const CLIENT_SECRET = 'fuzz-client-secret-7f3a9c1e';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Token field values stay under 20,000 characters: a registered secret of 32 KiB or more breaks
 * redact() for the whole process (see redact-huge-secret.test.ts). Bodies, descriptions and
 * warnings still go to 100 KB.
 */
export const MAX_TOKEN_FIELD_LENGTH = 20_000;

const HUGE_TEXT = `${'<p>'.repeat(10_000)}${'z'.repeat(70_000)}`;

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

export const opaqueToken = fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 16, maxLength: 64 });

// ---------------------------------------------------------------------------------------------
// JWTs

type ExpRecipe =
  | { kind: 'valid'; seconds: number }
  | { kind: 'invalid'; value: unknown; note: string };

const expRecipe: fc.Arbitrary<ExpRecipe> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 4_102_444_800 }).map((seconds) => ({ kind: 'valid' as const, seconds })), weight: 6 },
  { arbitrary: fc.double({ min: 1, max: 4_102_444_800, noNaN: true }).map((seconds) => ({ kind: 'valid' as const, seconds })), weight: 1 },
  {
    arbitrary: fc.constantFrom<ExpRecipe>(
      { kind: 'invalid', value: 0, note: 'zero' },
      { kind: 'invalid', value: -1_700_000_000, note: 'negative' },
      { kind: 'invalid', value: 1e300, note: 'huge' },
      { kind: 'invalid', value: 9_007_199_254_741, note: 'ms not a safe integer' },
      { kind: 'invalid', value: '1700000000', note: 'string' },
      { kind: 'invalid', value: null, note: 'null' },
      { kind: 'invalid', value: [1_700_000_000], note: 'array' },
      { kind: 'invalid', value: { seconds: 1 }, note: 'object' },
      { kind: 'invalid', value: true, note: 'boolean' },
      { kind: 'invalid', value: undefined, note: 'missing' },
    ),
    weight: 3,
  },
);

/** The JWT's shape: a good compact JWS, or one of the ways it can be broken. */
type JwtShape = 'ok' | 'header-not-json' | 'header-array' | 'padded' | 'bad-chars' | 'two-parts' | 'four-parts' | 'payload-array' | 'payload-not-json';

export interface JwtRecipe {
  shape: JwtShape;
  exp: ExpRecipe;
  sub: string;
  signature: string;
}

export const jwtRecipe: fc.Arbitrary<JwtRecipe> = fc.record({
  shape: fc.oneof(
    { arbitrary: fc.constant<JwtShape>('ok'), weight: 6 },
    {
      arbitrary: fc.constantFrom<JwtShape>('header-not-json', 'header-array', 'padded', 'bad-chars', 'two-parts', 'four-parts', 'payload-array', 'payload-not-json'),
      weight: 2,
    },
  ),
  exp: expRecipe,
  sub: fc.string({ maxLength: 12 }),
  signature: fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 0, maxLength: 40 }),
});

export function buildJwt(recipe: JwtRecipe): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims: Record<string, unknown> = { sub: recipe.sub, iat: 1_700_000_000 };
  if (recipe.exp.kind === 'valid') claims.exp = recipe.exp.seconds;
  else if (recipe.exp.value !== undefined) claims.exp = recipe.exp.value;
  const payload = b64url(JSON.stringify(claims));
  switch (recipe.shape) {
    case 'ok':
      return `${header}.${payload}.${recipe.signature}`;
    case 'header-not-json':
      return `${b64url('RS256 please')}.${payload}.${recipe.signature}`;
    case 'header-array':
      return `${b64url('["RS256"]')}.${payload}.${recipe.signature}`;
    case 'padded':
      // RFC 7515 forbids padding and the standard alphabet in a compact JWS.
      return `${Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64')}=.${Buffer.from(JSON.stringify(claims)).toString('base64')}=.${recipe.signature}`;
    case 'bad-chars':
      return `${header}.${payload}!.${recipe.signature}`;
    case 'two-parts':
      return `${header}.${payload}`;
    case 'four-parts':
      return `${header}.${payload}.${recipe.signature}.extra`;
    case 'payload-array':
      return `${header}.${b64url('[1,2,3]')}.${recipe.signature}`;
    case 'payload-not-json':
      return `${header}.${b64url('exp=1700000000')}.${recipe.signature}`;
  }
}

/** The expiry (epoch ms) a correct reader takes from this JWT, or null when it has none. */
export function expectedJwtExpiry(recipe: JwtRecipe): number | null {
  if (recipe.shape !== 'ok' || recipe.exp.kind !== 'valid') return null;
  const ms = Math.round(recipe.exp.seconds * 1000);
  return Number.isSafeInteger(ms) ? ms : null;
}

// ---------------------------------------------------------------------------------------------
// Body fields

/** A token field: a JWT, an opaque string, or a wrong type; `jwt` is kept to predict the expiry. */
export interface FieldRecipe {
  value: unknown;
  jwt: JwtRecipe | null;
}

const asField = (value: unknown): FieldRecipe => ({ value, jwt: null });

const tokenField: fc.Arbitrary<FieldRecipe> = fc.oneof(
  { arbitrary: jwtRecipe.map((jwt) => ({ value: buildJwt(jwt), jwt })), weight: 30 },
  { arbitrary: opaqueToken.map(asField), weight: 18 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(asField), weight: 3 },
  { arbitrary: fc.constantFrom('', ' ').map(asField), weight: 3 },
  {
    arbitrary: fc
      .integer({ min: 1_000, max: MAX_TOKEN_FIELD_LENGTH })
      .map((n) => asField(`${'T'.repeat(n - 8)}${String(n).padStart(8, '0')}`)),
    weight: 1,
  },
  {
    arbitrary: fc.constantFrom<unknown>(0, 123, -1, true, false, null, [], ['a-token-in-an-array'], { token: 'nested-token-value' }).map(asField),
    weight: 6,
  },
);

export interface ExpiresAtRecipe {
  value: unknown;
  /** Epoch ms when `value` is a well-formed expires_at string, else null. */
  epoch: number | null;
}

const expiresAt: fc.Arbitrary<ExpiresAtRecipe> = fc.constantFrom<ExpiresAtRecipe>(
  { value: '2024-04-09 21:04:31 UTC', epoch: Date.UTC(2024, 3, 9, 21, 4, 31) },
  { value: '2024-04-09T21:04:31Z', epoch: Date.UTC(2024, 3, 9, 21, 4, 31) },
  { value: '2024-04-09T21:04:31.5+02:00', epoch: Date.UTC(2024, 3, 9, 19, 4, 31, 500) },
  { value: '2024-04-09 21:04:31', epoch: Date.UTC(2024, 3, 9, 21, 4, 31) },
  { value: '  2031-12-31 23:59:59 GMT  ', epoch: Date.UTC(2031, 11, 31, 23, 59, 59) },
  { value: 'tomorrow', epoch: null },
  { value: '', epoch: null },
  { value: '2024-13-01 00:00:00 UTC', epoch: null },
  { value: '2024-02-30 10:00:00 UTC', epoch: null },
  { value: '2024-04-09', epoch: null },
  { value: '1712696671', epoch: null },
  { value: '2024-04-09 25:00:00 UTC', epoch: null },
  { value: 'x'.repeat(1_000), epoch: null },
  { value: null, epoch: null },
  // Not strings: the client ignores the field (and keeps the tokens) for these.
  { value: 1_712_696_671, epoch: null },
  { value: { at: '2024-04-09' }, epoch: null },
);

/** Phrases a description or warning may hold; `{…}` marks get credential-looking text. */
const PHRASES = [
  'The provided refresh token is not valid',
  'Refresh token reused',
  'redirect_uri does not match',
  'Authorization code expired',
  'Client authentication failed',
  'rate limit exceeded',
  'token {jwt} has expired',
  'bad grant: refresh_token={opaque}',
  'request had "refresh_token": "{opaque}" in it',
  "request had 'access_token': '{opaque}'",
  'Authorization: Bearer {opaque}',
  'sent {sent} which is not valid',
  'client_secret={secret} rejected',
  'code={opaque}&state={opaque}',
];

export interface TextRecipe {
  phrase: string;
  jwt: JwtRecipe;
  opaque: string;
  huge: boolean;
}

const textRecipe: fc.Arbitrary<TextRecipe> = fc.record({
  phrase: fc.oneof({ arbitrary: fc.constantFrom(...PHRASES), weight: 8 }, { arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }), weight: 2 }),
  jwt: jwtRecipe.filter((r) => r.shape === 'ok'),
  opaque: opaqueToken,
  // One text in forty is 100 KB long.
  huge: fc.integer({ min: 0, max: 39 }).map((n) => n === 0),
});

// ---------------------------------------------------------------------------------------------
// Whole responses

export type BodyRecipe =
  | { kind: 'tokens'; access: FieldRecipe | null; refresh: FieldRecipe | null; expiresAt: ExpiresAtRecipe | null; warning: TextRecipe | null | 'number'; extras: Record<string, unknown>; spelling: Spelling }
  | { kind: 'error'; error: unknown; description: TextRecipe | null; message: TextRecipe | null; nested: boolean }
  | { kind: 'json'; value: unknown }
  | { kind: 'html' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'text'; text: string };

/** How a JSON body is written out: plainly, or damaged in one of the ways a proxy or bug can. */
export type Spelling = 'plain' | 'pretty' | 'truncate' | 'bom' | 'array-wrap' | 'trailing-garbage' | 'duplicate-empty' | 'duplicate-token';

const spelling = fc.oneof(
  { arbitrary: fc.constantFrom<Spelling>('plain', 'pretty'), weight: 12 },
  { arbitrary: fc.constantFrom<Spelling>('truncate', 'bom', 'array-wrap', 'trailing-garbage', 'duplicate-empty', 'duplicate-token'), weight: 3 },
);

const tokensBody: fc.Arbitrary<BodyRecipe> = fc.record({
  kind: fc.constant('tokens' as const),
  access: fc.option(tokenField, { freq: 12, nil: null }),
  refresh: fc.option(tokenField, { freq: 12, nil: null }),
  expiresAt: fc.option(expiresAt, { freq: 2, nil: null }),
  warning: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: textRecipe, weight: 2 }, { arbitrary: fc.constant('number' as const), weight: 1 }),
  extras: fc.oneof(
    { arbitrary: fc.constant({}), weight: 6 },
    { arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), weight: 2 },
    { arbitrary: fc.constant({ token_type: 'bearer', expires_in: 3600, scope: 'read' }), weight: 1 },
  ),
  spelling,
});

const errorBody: fc.Arbitrary<BodyRecipe> = fc.record({
  kind: fc.constant('error' as const),
  error: fc.oneof(
    fc.constantFrom<unknown>('invalid_grant', 'invalid_client', 'invalid_request', 'unauthorized_client', 'redirect_uri_mismatch', 'INVALID_GRANT', 'server_error', '', 42, null, ['invalid_grant']),
    fc.string({ maxLength: 80 }),
  ),
  description: fc.option(textRecipe, { nil: null }),
  message: fc.option(textRecipe, { freq: 3, nil: null }),
  nested: fc.boolean(),
});

const HTML = [
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
  '<html><body>Sign in to continue <form action="/login"></form></body></html>',
  '<?xml version="1.0"?><error><code>invalid_grant</code></error>',
];

export const bodyRecipe: fc.Arbitrary<BodyRecipe> = fc.oneof(
  { arbitrary: tokensBody, weight: 10 },
  { arbitrary: errorBody, weight: 3 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })), weight: 2 },
  { arbitrary: fc.constant({ kind: 'html' as const }), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'bytes' as const, bytes })), weight: 1 },
  {
    arbitrary: fc
      .oneof(fc.constantFrom('', ' ', '\n', 'null', 'undefined', 'OK', '{', '[', '"', '{}', '[]', HUGE_TEXT, `{"access_token":"${'A'.repeat(90_000)}`), fc.string({ maxLength: 200 }))
      .map((text) => ({ kind: 'text' as const, text })),
    weight: 1,
  },
);

/** A transport failure the HTTP library may throw instead of answering. */
export interface ThrownRecipe {
  code: string | undefined;
  message: string;
  nonError: boolean;
  responseStatus: number | undefined;
}

const thrownRecipe: fc.Arbitrary<ThrownRecipe> = fc.record({
  code: fc.oneof(
    fc.constantFrom<string | undefined>(
      'ECONNREFUSED',
      'ECONNRESET',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EPIPE',
      'ETIMEDOUT',
      'ECONNABORTED',
      'ERR_BAD_RESPONSE',
      'ERR_NETWORK',
      'ERR_CANCELED',
      'ERR_FR_TOO_MANY_REDIRECTS',
      'EPROTO',
      undefined,
    ),
    fc.string({ maxLength: 20 }),
  ),
  message: fc.constantFrom('socket hang up', 'timeout of 15000ms exceeded', 'aborted', 'read ECONNRESET', `failed with ${CLIENT_SECRET}`, 'stream has been aborted', ''),
  nonError: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  responseStatus: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
});

export interface ResponseRecipe {
  grant: 'exchange' | 'refresh';
  /** The code or refresh token the client sends (registered as a secret by the client). */
  sent: string;
  status: number;
  contentType: string | string[] | undefined;
  retryAfter: string | undefined;
  body: BodyRecipe;
  thrown: ThrownRecipe | null;
}

export const statusArb = fc.oneof(
  { arbitrary: fc.constantFrom(200, 200, 200, 200, 201, 203, 204, 206, 299), weight: 10 },
  { arbitrary: fc.constantFrom(400, 401, 403, 404, 405, 408, 409, 410, 422, 429, 500, 502, 503, 504), weight: 5 },
  { arbitrary: fc.integer({ min: 100, max: 599 }), weight: 3 },
);

export const contentTypeArb = fc.oneof(
  { arbitrary: fc.constantFrom<string | string[] | undefined>('application/json', 'application/json; charset=utf-8'), weight: 6 },
  {
    arbitrary: fc.constantFrom<string | string[] | undefined>(
      'text/html',
      'text/plain',
      '',
      undefined,
      'application/x-www-form-urlencoded',
      ['application/json', 'text/html'],
      'application/json; token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      'x'.repeat(2_000),
    ),
    weight: 2,
  },
);

export const responseRecipe: fc.Arbitrary<ResponseRecipe> = fc.record({
  grant: fc.constantFrom<'exchange' | 'refresh'>('exchange', 'refresh'),
  sent: opaqueToken,
  status: statusArb,
  contentType: contentTypeArb,
  retryAfter: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 3 },
    { arbitrary: fc.oneof(fc.constantFrom('0', '120', '-3', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT', '9'.repeat(400), ' 30 '), fc.string({ maxLength: 20 })), weight: 1 },
  ),
  body: bodyRecipe,
  thrown: fc.oneof({ arbitrary: fc.constant(null), weight: 12 }, { arbitrary: thrownRecipe, weight: 1 }),
});

// ---------------------------------------------------------------------------------------------
// Rendering and the oracle

function renderText(recipe: TextRecipe, sent: string, jwt: string): string {
  if (recipe.huge) return `${recipe.phrase} ${HUGE_TEXT}`;
  return recipe.phrase
    .split('{jwt}')
    .join(jwt)
    .split('{opaque}')
    .join(recipe.opaque)
    .split('{sent}')
    .join(sent)
    .split('{secret}')
    .join(CLIENT_SECRET);
}

function spell(value: unknown, how: Spelling): string {
  const plain = JSON.stringify(value);
  switch (how) {
    case 'plain':
      return plain;
    case 'pretty':
      return JSON.stringify(value, null, 2);
    case 'truncate':
      return plain.slice(0, Math.max(0, Math.floor(plain.length * 0.7)));
    case 'bom':
      return `\ufeff${plain}`;
    case 'array-wrap':
      return `[${plain}]`;
    case 'trailing-garbage':
      return `${plain}}`;
    case 'duplicate-empty':
      return plain.endsWith('}') && plain !== '{}' ? `${plain.slice(0, -1)},"refresh_token":""}` : plain;
    case 'duplicate-token':
      return plain.endsWith('}') && plain !== '{}' ? `${plain.slice(0, -1)},"access_token":"second-access-token-value"}` : plain;
  }
}

/** The rendered answer plus everything the oracle and the leak checks need. */
export interface ResponseCase {
  recipe: ResponseRecipe;
  body: string;
  /** Credential-looking strings that must appear in no message and no log line. */
  secrets: string[];
  /** Strings that must appear in no message (token values from the body). */
  bodyTokens: string[];
  /** The JWT recipe behind the access_token value that a correct reader would keep (last key wins). */
  accessJwt: JwtRecipe | null;
  expiresAtEpoch: number | null;
  /** The body's `expires_in` when it is a lifetime RFC 6749 §5.1 allows (a positive number of seconds), else null. */
  expiresInSec: number | null;
}

export function renderResponse(recipe: ResponseRecipe): ResponseCase {
  const secrets: string[] = [CLIENT_SECRET, recipe.sent];
  const bodyTokens: string[] = [];
  let accessJwt: JwtRecipe | null = null;
  let expiresAtEpoch: number | null = null;
  let expiresInSec: number | null = null;
  const addText = (text: TextRecipe | null): string | undefined => {
    if (text === null) return undefined;
    const jwt = buildJwt(text.jwt);
    if (text.phrase.includes('{jwt}')) secrets.push(jwt);
    if (text.phrase.includes('{opaque}')) secrets.push(text.opaque);
    return renderText(text, recipe.sent, jwt);
  };

  let body: string;
  const b = recipe.body;
  switch (b.kind) {
    case 'tokens': {
      const object: Record<string, unknown> = { ...b.extras };
      if (b.access) {
        object.access_token = b.access.value;
        accessJwt = b.access.jwt;
      }
      if (b.refresh) object.refresh_token = b.refresh.value;
      if (b.expiresAt) {
        object.expires_at = b.expiresAt.value;
        expiresAtEpoch = b.expiresAt.epoch;
      }
      const expiresIn = object.expires_in;
      if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0) expiresInSec = expiresIn;
      if (b.warning === 'number') object.warning = 7;
      else if (b.warning !== null) object.warning = addText(b.warning);
      for (const field of [b.access, b.refresh]) {
        if (field && typeof field.value === 'string') bodyTokens.push(field.value);
      }
      if (b.spelling === 'duplicate-token') {
        accessJwt = null;
        bodyTokens.push('second-access-token-value');
      }
      body = spell(object, b.spelling);
      break;
    }
    case 'error': {
      const description = addText(b.description);
      const message = addText(b.message);
      const object: Record<string, unknown> = b.nested ? { error: { message: message ?? description ?? 'nested' } } : { error: b.error };
      if (!b.nested && description !== undefined) object.error_description = description;
      if (!b.nested && message !== undefined) object.message = message;
      body = JSON.stringify(object);
      break;
    }
    case 'json':
      body = JSON.stringify(b.value) ?? '';
      break;
    case 'html':
      body = HTML[recipe.status % HTML.length] ?? '';
      break;
    case 'bytes':
      body = Buffer.from(b.bytes).toString('utf8');
      break;
    case 'text':
      body = b.text;
      break;
  }
  return { recipe, body, secrets, bodyTokens, accessJwt, expiresAtEpoch, expiresInSec };
}

export type Expectation =
  | { ok: true; accessToken: string; refreshToken: string }
  | { ok: false };

/**
 * Tokens are expected only from a 2xx answer whose body (as received) parses as a JSON object with
 * non-empty string access_token and refresh_token. The optional expires_at and warning do not
 * matter: a value of the wrong type is ignored.
 */
export function expectTokens(status: number, body: string): Expectation {
  if (status < 200 || status > 299) return { ok: false };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false };
  const record = json as Record<string, unknown>;
  const access = record.access_token;
  const refresh = record.refresh_token;
  if (typeof access !== 'string' || access === '' || typeof refresh !== 'string' || refresh === '') return { ok: false };
  return { ok: true, accessToken: access, refreshToken: refresh };
}
