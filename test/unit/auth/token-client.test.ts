import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobberConfig } from '../../../electron/auth/config-types';
import { AuthError, type AuthErrorKind } from '../../../electron/core/errors';
import type { Clock } from '../../../electron/core/clock';
import type { Logger } from '../../../electron/core/logger';
import { clearRegisteredSecrets, redact } from '../../../electron/core/redact';
import { createTokenClient } from '../../../electron/auth/token-client';

// ---------------------------------------------------------------------------------------------
// A tiny scripted token endpoint on 127.0.0.1: each test sets `respond` and reads `requests`.

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}
type Responder = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

let server: http.Server;
let baseUrl: string;
let respond: Responder;
let requests: Seen[];
const hanging = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body });
      respond(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
  clearRegisteredSecrets();
});

// The scripted server's clock agrees with the fake clock (Date header = NOW) unless a test says otherwise.
function json(status: number, value: unknown, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', Date: new Date(NOW).toUTCString(), ...headers });
    res.end(typeof value === 'string' ? value : JSON.stringify(value));
  };
}

// ---------------------------------------------------------------------------------------------

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const clock: Clock = { now: () => NOW, setTimer: () => undefined, clearTimer: () => undefined };

const CLIENT_SECRET = 'client-secret-VALUE-123';
const CODE = 'authorization-CODE-456';
const OLD_REFRESH = 'old-refresh-TOKEN-789';
const NEW_REFRESH = 'new-refresh-TOKEN-abc';

function makeJwt(payload: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}
const EXP_SECONDS = NOW / 1000 + 3600;
const ACCESS_JWT = makeJwt({ exp: EXP_SECONDS, sub: 'account-1' });
const SECRETS = [CLIENT_SECRET, CODE, OLD_REFRESH, NEW_REFRESH, ACCESS_JWT];

function config(overrides: Partial<JobberConfig> = {}): JobberConfig {
  return {
    environment: 'sandbox',
    clientId: 'client-id-1',
    clientSecret: CLIENT_SECRET,
    redirectUri: 'com.jobberconnect.app:/oauth/callback',
    apiBaseUrl: baseUrl,
    graphqlVersion: '2025-04-16',
    authMode: 'app-window',
    ...overrides,
  };
}

interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}
function recordingLogger(lines: LogLine[]): Logger {
  return {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

function client(options: { timeoutMs?: number; lines?: LogLine[]; config?: Partial<JobberConfig> } = {}) {
  return createTokenClient({
    config: config(options.config),
    clock,
    timeoutMs: options.timeoutMs ?? 5000,
    logger: recordingLogger(options.lines ?? []),
  });
}

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected the call to fail');
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

function expectCleanError(error: AuthError): void {
  expectNoSecrets(error.message);
  expectNoSecrets(JSON.stringify(error));
  expect((error as { cause?: unknown }).cause).toBeUndefined();
  expect(Object.keys(error)).not.toContain('config');
  expect(Object.keys(error)).not.toContain('response');
}

// ---------------------------------------------------------------------------------------------

describe('requests', () => {
  it('exchanges a code with the exact form body Jobber documents', async () => {
    respond = json(200, { access_token: ACCESS_JWT, refresh_token: NEW_REFRESH });
    await client().exchangeCode(CODE);
    expect(requests).toHaveLength(1);
    const [seen] = requests;
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/api/oauth/token');
    expect(seen?.contentType).toBe('application/x-www-form-urlencoded');
    expect(seen?.body).toBe(
      new URLSearchParams({
        client_id: 'client-id-1',
        client_secret: CLIENT_SECRET,
        grant_type: 'authorization_code',
        code: CODE,
        redirect_uri: 'com.jobberconnect.app:/oauth/callback',
      }).toString(),
    );
    expect([...new URLSearchParams(seen?.body).keys()]).toEqual([
      'client_id',
      'client_secret',
      'grant_type',
      'code',
      'redirect_uri',
    ]);
  });

  it('refreshes with the exact form body Jobber documents', async () => {
    respond = json(200, { access_token: ACCESS_JWT, refresh_token: NEW_REFRESH });
    await client().refresh(OLD_REFRESH);
    const params = new URLSearchParams(requests[0]?.body);
    expect([...params.entries()]).toEqual([
      ['client_id', 'client-id-1'],
      ['client_secret', CLIENT_SECRET],
      ['grant_type', 'refresh_token'],
      ['refresh_token', OLD_REFRESH],
    ]);
    expect(requests[0]?.contentType).toBe('application/x-www-form-urlencoded');
  });

  it('encodes characters that need it', async () => {
    respond = json(200, { access_token: ACCESS_JWT, refresh_token: NEW_REFRESH });
    await client().exchangeCode('a+b/c=d&e f');
    expect(new URLSearchParams(requests[0]?.body).get('code')).toBe('a+b/c=d&e f');
  });
});

describe('successful responses', () => {
  it('takes the expiry from the JWT exp claim', async () => {
    respond = json(200, { access_token: ACCESS_JWT, refresh_token: NEW_REFRESH, expires_at: '2030-01-01 00:00:00 UTC' });
    const tokens = await client().exchangeCode(CODE);
    expect(tokens).toEqual({
      accessToken: ACCESS_JWT,
      refreshToken: NEW_REFRESH,
      accessTokenIssuedAt: NOW,
      // exp − the Date header (NOW, whole seconds, counted from the end of its second).
      accessTokenExpiresAt: EXP_SECONDS * 1000 - 1_000,
      expirySource: 'jwt-exp',
      clockSkewMs: 0,
    });
  });

  it('falls back to expires_at when the access token is not a JWT', async () => {
    respond = json(200, { access_token: 'opaque-access-token', refresh_token: NEW_REFRESH, expires_at: '2025-01-01 12:45:00 UTC' });
    const tokens = await client().refresh(OLD_REFRESH);
    expect(tokens.expirySource).toBe('expires-at');
    // Against the Date header, whose second is counted from its end (up to 1 s early).
    expect(tokens.accessTokenExpiresAt).toBe(Date.UTC(2025, 0, 1, 12, 45, 0) - 1_000);
  });

  it("uses expires_in for an opaque token (a number or a string of digits), before expires_at, with no default-lifetime warning", async () => {
    for (const expiresIn of [600, '600']) {
      const lines: LogLine[] = [];
      respond = json(200, { access_token: 'opaque-access-token', refresh_token: NEW_REFRESH, expires_in: expiresIn, expires_at: '2025-01-01 12:45:00 UTC' });
      const tokens = await client({ lines }).refresh(OLD_REFRESH);
      expect(tokens.expirySource).toBe('expires-in');
      expect(tokens.accessTokenExpiresAt).toBe(NOW + 600_000);
      expect(lines.some((l) => /default lifetime/.test(l.message))).toBe(false);
    }
  });

  it('drops a nonsensical expires_in and keeps the tokens', async () => {
    respond = json(200, { access_token: 'opaque-access-token', refresh_token: NEW_REFRESH, expires_in: 'soon' });
    const tokens = await client().refresh(OLD_REFRESH);
    expect(tokens.refreshToken).toBe(NEW_REFRESH);
    expect(tokens.expirySource).toBe('default');
  });

  it('falls back to the default lifetime with a logged warning', async () => {
    const lines: LogLine[] = [];
    respond = json(200, { access_token: 'opaque-access-token', refresh_token: NEW_REFRESH, expires_at: 'soon' });
    const tokens = await client({ lines }).refresh(OLD_REFRESH);
    expect(tokens.expirySource).toBe('default');
    expect(tokens.accessTokenExpiresAt).toBe(NOW + 3_600_000);
    expect(lines.some((l) => l.level === 'warn' && /default lifetime/.test(l.message))).toBe(true);
  });

  it('honours a custom default lifetime', async () => {
    respond = json(200, { access_token: 'opaque-access-token', refresh_token: NEW_REFRESH });
    const tokens = await createTokenClient({ config: config(), clock, defaultLifetimeMs: 60_000 }).refresh(OLD_REFRESH);
    expect(tokens.accessTokenExpiresAt).toBe(NOW + 60_000);
  });

  it('accepts extra fields, null optionals and any 2xx, and logs a warning field redacted', async () => {
    const lines: LogLine[] = [];
    respond = json(201, {
      access_token: ACCESS_JWT,
      refresh_token: NEW_REFRESH,
      expires_at: null,
      warning: `The provided refresh token ${OLD_REFRESH} was already used`,
      token_type: 'bearer',
    });
    const tokens = await client({ lines }).refresh(OLD_REFRESH);
    expect(tokens.refreshToken).toBe(NEW_REFRESH);
    const warningLine = lines.find((l) => /warning/.test(l.message));
    expect(warningLine?.fields?.warning).toBe('The provided refresh token [redacted] was already used');
  });

  it('registers both new tokens with the redactor and never logs them', async () => {
    const lines: LogLine[] = [];
    respond = json(200, { access_token: 'opaque-access-token-xyz', refresh_token: NEW_REFRESH });
    await client({ lines }).refresh(OLD_REFRESH);
    expect(redact(`a opaque-access-token-xyz b ${NEW_REFRESH} c ${OLD_REFRESH} d ${CLIENT_SECRET}`)).toBe(
      'a [redacted] b [redacted] c [redacted] d [redacted]',
    );
    expectNoSecrets(JSON.stringify(lines));
    expect(JSON.stringify(lines)).not.toContain('opaque-access-token-xyz');
    const success = lines.find((l) => l.message === 'Token request succeeded');
    expect(success?.fields?.refreshTokenFingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
  });
});

describe('wrong-typed optional fields (the grant must survive them)', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['expires_at as epoch seconds', { expires_at: 1712696671 }, ['expires_at:number']],
    ['expires_at as an object', { expires_at: { at: '2030-01-01' } }, ['expires_at:object']],
    ['warning as a number', { warning: 42 }, ['warning:number']],
    ['warning as an array', { warning: ['x'] }, ['warning:array']],
    ['both wrong', { expires_at: true, warning: { text: 'hi' } }, ['expires_at:boolean', 'warning:object']],
  ])('accepts a refresh whose %s, ignoring it with a warning naming the field', async (_label, extras, expected) => {
    const lines: LogLine[] = [];
    respond = json(200, { access_token: ACCESS_JWT, refresh_token: NEW_REFRESH, ...extras });
    const tokens = await client({ lines }).refresh(OLD_REFRESH);
    expect(tokens).toMatchObject({ accessToken: ACCESS_JWT, refreshToken: NEW_REFRESH, expirySource: 'jwt-exp' });
    const ignored = lines.filter((l) => l.level === 'warn' && /optional field/.test(l.message));
    expect(ignored.map((l) => `${String(l.fields?.field)}:${String(l.fields?.type)}`)).toEqual(expected);
    for (const line of ignored) expect(line.fields?.grant).toBe('refresh');
    // The field is named, never its value.
    expect(JSON.stringify(ignored)).not.toContain('1712696671');
    expectNoSecrets(JSON.stringify(lines));
  });

  it('an ignored expires_at does not count as an expiry: an opaque token gets the default lifetime', async () => {
    respond = json(200, { access_token: 'opaque-access-token', refresh_token: NEW_REFRESH, expires_at: 1712696671 });
    const tokens = await client().exchangeCode(CODE);
    expect(tokens.expirySource).toBe('default');
    expect(tokens.accessTokenExpiresAt).toBe(NOW + 3_600_000);
  });

  it('still refuses the response when a token is invalid as well, naming only real fields', async () => {
    respond = json(200, { access_token: ACCESS_JWT, refresh_token: 7, expires_at: 1712696671 });
    const error = await failure(client().refresh(OLD_REFRESH));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('refresh_token');
    expectCleanError(error);
  });
});

describe('invalid responses (200 but unusable)', () => {
  it.each<[string, Responder]>([
    ['an HTML page', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Maintenance</body></html>');
    }],
    ['a truncated JSON body', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`{"access_token":"${ACCESS_JWT}","refresh_tok`);
    }],
    ['an empty body', json(200, '')],
    ['a JSON array', json(200, [])],
    ['a missing refresh_token', json(200, { access_token: ACCESS_JWT })],
    ['an empty access_token', json(200, { access_token: '', refresh_token: NEW_REFRESH })],
    ['a numeric refresh_token', json(200, { access_token: ACCESS_JWT, refresh_token: 123 })],
  ])('classifies %s as invalid-response', async (_label, responder) => {
    respond = responder;
    const error = await failure(client().refresh(OLD_REFRESH));
    expect(error.kind).toBe('invalid-response');
    expect(error.transient).toBe(true);
    expect(error.message).toContain('HTTP 20');
    expectCleanError(error);
  });

  it('names the bad fields without their values', async () => {
    respond = json(200, { access_token: ACCESS_JWT });
    const error = await failure(client().exchangeCode(CODE));
    expect(error.message).toContain('refresh_token');
  });

  it('classifies a body cut off mid-stream (Content-Length not met) as invalid-response', async () => {
    respond = (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
      res.write('{"access_token":"');
      setTimeout(() => req.socket.destroy(), 10);
    };
    const error = await failure(client().refresh(OLD_REFRESH));
    expect(error.kind).toBe('invalid-response');
    expectCleanError(error);
  });

  it('caps the content type quoted in the "not valid JSON" message at 60 characters', async () => {
    const longType = `text/${'x'.repeat(300)}`;
    respond = (_req, res) => {
      res.writeHead(200, { 'Content-Type': `${longType}; charset=utf-8` });
      res.end('not json');
    };
    const error = await failure(client().refresh(OLD_REFRESH));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain(`(HTTP 200, ${longType.slice(0, 60)}) is not valid JSON.`);
    expect(error.message).not.toContain(longType.slice(0, 61));
  });

  it('classifies a body that failed after the status line (error carrying a response) as invalid-response', async () => {
    const fakeHttp = {
      request: () => Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', response: { status: 200 } })),
    } as unknown as Parameters<typeof createTokenClient>[0]['http'];
    const error = await failure(createTokenClient({ config: config(), clock, http: fakeHttp }).refresh(OLD_REFRESH));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('HTTP 200');
    expectCleanError(error);
  });

  it('classifies a redirect as invalid-response and does not follow it', async () => {
    respond = (_req, res) => {
      res.writeHead(302, { Location: `${baseUrl}/elsewhere` });
      res.end();
    };
    const error = await failure(client().refresh(OLD_REFRESH));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('HTTP 302');
    expect(requests.map((r) => r.url)).toEqual(['/api/oauth/token']);
  });
});

describe('transport failures', () => {
  it('classifies a destroyed socket (socket hang up) as network', async () => {
    respond = (req) => req.socket.destroy();
    const error = await failure(client().refresh(OLD_REFRESH));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNRESET');
    expectCleanError(error);
  });

  it('classifies a refused connection as network', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(client({ config: { apiBaseUrl: `http://127.0.0.1:${port}` } }).exchangeCode(CODE));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
    expectCleanError(error);
  });

  it('classifies a server that never answers as timeout', async () => {
    respond = (_req, res) => {
      hanging.add(res);
    };
    const error = await failure(client({ timeoutMs: 50 }).refresh(OLD_REFRESH));
    expect(error.kind).toBe('timeout');
    expect(error.transient).toBe(true);
    expectCleanError(error);
  });

  it('classifies DNS failures as network (injected axios instance)', async () => {
    const fakeHttp = {
      request: () => Promise.reject(Object.assign(new Error('getaddrinfo EAI_AGAIN api.getjobber.com'), { code: 'EAI_AGAIN' })),
    } as unknown as Parameters<typeof createTokenClient>[0]['http'];
    const error = await failure(createTokenClient({ config: config(), clock, http: fakeHttp }).refresh(OLD_REFRESH));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('EAI_AGAIN');
  });

  it.each([
    ['ETIMEDOUT', 'timeout'],
    ['ENOTFOUND', 'network'],
    ['ERR_CANCELED', 'cancelled'],
  ])('maps error code %s to %s', async (code, kind) => {
    const fakeHttp = {
      request: () => Promise.reject(Object.assign(new Error(`failed with ${CLIENT_SECRET}`), { code, config: { data: CODE } })),
    } as unknown as Parameters<typeof createTokenClient>[0]['http'];
    const error = await failure(createTokenClient({ config: config(), clock, http: fakeHttp }).exchangeCode(CODE));
    expect(error.kind).toBe(kind);
    expectCleanError(error);
  });
});

describe('HTTP status classification', () => {
  it.each([500, 502, 503, 504])('classifies %i as server-error', async (status) => {
    respond = json(status, { error: 'oops' });
    const error = await failure(client().refresh(OLD_REFRESH));
    expect(error.kind).toBe('server-error');
    expect(error.message).toContain(`HTTP ${status}`);
    expectCleanError(error);
  });

  it('classifies 408 as timeout', async () => {
    respond = json(408, {});
    expect((await failure(client().refresh(OLD_REFRESH))).kind).toBe('timeout');
  });

  it('classifies 429 as rate-limited with Retry-After in seconds', async () => {
    respond = json(429, { error: 'slow down' }, { 'Retry-After': '30' });
    const error = await failure(client().refresh(OLD_REFRESH));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.message).toContain('HTTP 429');
  });

  it('classifies 429 with an HTTP-date Retry-After relative to the clock', async () => {
    respond = json(429, {}, { 'Retry-After': new Date(NOW + 90_000).toUTCString() });
    expect((await failure(client().refresh(OLD_REFRESH))).retryAfterMs).toBe(90_000);
  });

  it('classifies 429 without Retry-After as rate-limited with no hint', async () => {
    respond = json(429, {});
    const error = await failure(client().refresh(OLD_REFRESH));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBeUndefined();
  });

  it.each<[string, 'exchange' | 'refresh', number, unknown, AuthErrorKind, RegExp]>([
    ['invalid_client on refresh', 'refresh', 401, { error: 'invalid_client' }, 'misconfigured', /client ID and client secret/],
    ['invalid_client (400) on exchange', 'exchange', 400, { error: 'invalid_client' }, 'misconfigured', /client ID and client secret/],
    ['any JSON 401 on exchange (credentials are named only when Jobber names them)', 'exchange', 401, {}, 'rejected-grant', /Jobber refused the sign-in.*Click Connect to try again/],
    ['a 401 on exchange naming the client secret', 'exchange', 401, { message: 'Wrong client secret' }, 'misconfigured', /client ID and client secret/],
    ['a 401 message-json code refusal on exchange', 'exchange', 401, { message: 'The provided authorization code is not valid.' }, 'rejected-grant', /expired, was already used or was not issued to this app\. Click Connect/],
    [
      "the generic RFC sentence on exchange (it mentions redirection and client, names neither)",
      'exchange',
      400,
      {
        error: 'invalid_grant',
        error_description:
          'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
      },
      'rejected-grant',
      /^(?!.*callback URL)(?!.*client secret).*Click Connect to try again/,
    ],
    ['a non-JSON 401 on exchange', 'exchange', 401, 'Unauthorized', 'invalid-response', /instead of an OAuth answer/],
    ['an HTML 400 on exchange', 'exchange', 400, '<html>Bad request</html>', 'invalid-response', /click Connect to try again/],
    ['401 invalid_grant on refresh', 'refresh', 401, { error: 'invalid_grant' }, 'rejected-grant', /refresh token.*HTTP 401, invalid_grant/],
    ['400 invalid_grant on refresh', 'refresh', 400, { error: 'invalid_grant' }, 'rejected-grant', /refresh token.*HTTP 400, invalid_grant/],
    [
      "Jobber's documented rejection without a code",
      'refresh',
      400,
      { message: 'The provided refresh token is not valid' },
      'rejected-grant',
      /no longer accepts/,
    ],
    ['a revoked refresh token (401)', 'refresh', 401, { error_description: 'Refresh token revoked' }, 'rejected-grant', /no longer accepts/],
    ['400 invalid_client on refresh', 'refresh', 400, { error: 'invalid_client' }, 'misconfigured', /client ID and client secret/],
    ['an unexplained JSON 400 on refresh', 'refresh', 400, {}, 'refused', /without saying the sign-in is gone/],
    ['an HTML 403 from a proxy on refresh', 'refresh', 403, '<html>Access denied</html>', 'refused', /without saying the sign-in is gone/],
    ['a JSON 403 invalid_grant on refresh', 'refresh', 403, { error: 'invalid_grant' }, 'refused', /without saying/],
    ['a JSON 403 invalid_client on refresh', 'refresh', 403, { error: 'invalid_client' }, 'refused', /without saying/],
    ['404 (wrong base URL) on refresh', 'refresh', 404, 'Not Found', 'refused', /HTTP 404/],
    ['405 on refresh', 'refresh', 405, '', 'refused', /HTTP 405/],
    ['407 from a corporate proxy on refresh', 'refresh', 407, '<html>Proxy Authentication Required</html>', 'refused', /HTTP 407/],
    ['409 on refresh', 'refresh', 409, { error: 'conflict' }, 'refused', /HTTP 409/],
    ['423 on refresh', 'refresh', 423, { error: 'locked' }, 'refused', /HTTP 423/],
    ['an empty 401 on refresh', 'refresh', 401, '', 'refused', /HTTP 401/],
    ['invalid_grant on exchange', 'exchange', 400, { error: 'invalid_grant' }, 'rejected-grant', /expired, was already used or was not issued to this app\. Click Connect to try again/],
    [
      'a redirect_uri mismatch on exchange',
      'exchange',
      400,
      { error: 'invalid_request', error_description: 'The redirect uri included is not valid.' },
      'misconfigured',
      /callback URL.*must exactly match/,
    ],
    ['redirect_uri_mismatch on exchange', 'exchange', 400, { error: 'redirect_uri_mismatch' }, 'misconfigured', /callback URL/],
    ['an unexplained 400 on exchange', 'exchange', 400, {}, 'rejected-grant', /^(?!.*callback URL).*Jobber refused the sign-in.*Click Connect to try again/],
  ])('classifies %s', async (_label, grant, status, body, kind, message) => {
    respond = json(status, body);
    const c = client();
    const error = await failure(grant === 'exchange' ? c.exchangeCode(CODE) : c.refresh(OLD_REFRESH));
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`HTTP ${status}`);
    expectCleanError(error);
  });

  it("quotes Jobber's description, redacted", async () => {
    respond = json(401, { error: 'invalid_grant', error_description: `The provided refresh token ${OLD_REFRESH} is not valid` });
    const error = await failure(client().refresh(OLD_REFRESH));
    expect(error.message).toContain('Jobber said: "The provided refresh token [redacted] is not valid"');
    expectCleanError(error);
  });

  it("reads Jobber's nested {error:{message}} shape", async () => {
    respond = json(403, { error: { message: 'This account is not active' } });
    expect((await failure(client().refresh(OLD_REFRESH))).message).toContain('This account is not active');
  });

  it('does not echo an odd error code or an unredacted body', async () => {
    respond = json(400, { error: `<b>${CODE}</b>`, access_token: ACCESS_JWT });
    const error = await failure(client().exchangeCode(CODE));
    expect(error.message).not.toContain('<b>');
    expectCleanError(error);
  });
});

describe('expiry measured on our clock (clock skew)', () => {
  const HOUR = 3_600_000;
  const expiresAtText = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  /** A 200 with no Date header at all. */
  const withoutDate =
    (value: unknown): Responder =>
    (_req, res) => {
      res.sendDate = false;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };

  it.each([
    ['ahead of', 2 * HOUR],
    ['behind', -2 * HOUR],
  ])("our clock 2 h %s Jobber's: the lifetime comes from exp − iat and is counted on our clock", async (_label, skew) => {
    const jobberNow = NOW - skew;
    const jwt = makeJwt({ iat: jobberNow / 1000, exp: jobberNow / 1000 + 3600 });
    respond = json(200, { access_token: jwt, refresh_token: NEW_REFRESH }, { Date: new Date(jobberNow).toUTCString() });
    const tokens = await client().refresh(OLD_REFRESH);
    expect(tokens.accessTokenIssuedAt).toBe(NOW);
    expect(tokens.accessTokenExpiresAt).toBe(NOW + HOUR);
    expect(tokens.expirySource).toBe('jwt-exp');
    expect(tokens.clockSkewMs).toBe(skew);
    expect(tokens.expiredOnArrival).toBeUndefined();
  });

  it('without iat, the lifetime comes from exp − the Date header', async () => {
    const jobberNow = NOW - 2 * HOUR;
    respond = json(200, { access_token: makeJwt({ exp: jobberNow / 1000 + 3600 }), refresh_token: NEW_REFRESH }, { Date: new Date(jobberNow).toUTCString() });
    const tokens = await client().refresh(OLD_REFRESH);
    // The Date header's whole second is counted from its end: up to 1 s early, never late.
    expect(tokens.accessTokenExpiresAt).toBe(NOW + HOUR - 1_000);
    expect(tokens.clockSkewMs).toBe(2 * HOUR);
  });

  it('an iat after exp is not trusted; the Date header is used instead', async () => {
    const jobberNow = NOW + 2 * HOUR;
    const exp = jobberNow / 1000 + 1800;
    respond = json(200, { access_token: makeJwt({ exp, iat: exp + 60 }), refresh_token: NEW_REFRESH }, { Date: new Date(jobberNow).toUTCString() });
    const tokens = await client().refresh(OLD_REFRESH);
    expect(tokens.accessTokenExpiresAt).toBe(NOW + HOUR / 2 - 1_000);
    expect(tokens.clockSkewMs).toBe(-2 * HOUR);
  });

  it('expires_at is read against the Date header too', async () => {
    const jobberNow = NOW - 2 * HOUR;
    respond = json(
      200,
      { access_token: 'opaque-access-token', refresh_token: NEW_REFRESH, expires_at: expiresAtText(jobberNow + HOUR) },
      { Date: new Date(jobberNow).toUTCString() },
    );
    const tokens = await client().refresh(OLD_REFRESH);
    expect(tokens.expirySource).toBe('expires-at');
    expect(tokens.accessTokenExpiresAt).toBe(NOW + HOUR - 1_000);
  });

  it('with neither iat nor Date, a future exp is taken against our clock as is', async () => {
    respond = withoutDate({ access_token: makeJwt({ exp: NOW / 1000 + 1800 }), refresh_token: NEW_REFRESH });
    const tokens = await client().refresh(OLD_REFRESH);
    expect(tokens.accessTokenExpiresAt).toBe(NOW + HOUR / 2);
    expect(tokens.clockSkewMs).toBeUndefined();
  });

  it('a fresh token that already looks expired: the default lifetime, flagged, with a warning about the clock', async () => {
    const lines: LogLine[] = [];
    respond = withoutDate({ access_token: makeJwt({ exp: NOW / 1000 - 3600 }), refresh_token: NEW_REFRESH });
    const tokens = await client({ lines }).refresh(OLD_REFRESH);
    expect(tokens.expiredOnArrival).toBe(true);
    expect(tokens.expirySource).toBe('default');
    expect(tokens.accessTokenExpiresAt).toBe(NOW + HOUR);
    expect(lines.some((l) => l.level === 'warn' && /computer's clock/.test(l.message))).toBe(true);
  });
});

describe('logging', () => {
  it('logs failures without secrets', async () => {
    const lines: LogLine[] = [];
    respond = (req) => req.socket.destroy();
    await failure(client({ lines }).exchangeCode(CODE));
    respond = json(400, { error: 'invalid_grant', echo: `${CODE} ${CLIENT_SECRET}` });
    await failure(client({ lines }).exchangeCode(CODE));
    expect(lines.length).toBeGreaterThan(0);
    expectNoSecrets(JSON.stringify(lines));
  });
});

