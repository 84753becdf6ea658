/**
 * Generators for OAuth callback URLs, each paired with the answer an independent oracle expects.
 * A URL is built from labelled pieces (scheme, separator, userinfo, host, port, path, leading and
 * trailing junk): every piece says whether it keeps the address equal to the registered redirect
 * URI under WHATWG URL rules (`same`) or not. The labels are written by hand from the URL standard
 * (checked against Node's URL) and the parser's documented rules (scheme/host case-insensitive,
 * escapes of unreserved characters equal to the characters, custom-scheme first segment
 * case-insensitive); nothing here calls the parser under test. Query parameters are generated as
 * decoded name/value pairs plus an encoding, so the oracle knows what the parser will see.
 */
import fc from 'fast-check';

/** One piece of a URL and whether it keeps the address equal to the redirect URI. */
export interface Piece {
  text: string;
  same: boolean;
}

const same = (...texts: string[]): Piece[] => texts.map((text) => ({ text, same: true }));
const diff = (...texts: string[]): Piece[] => texts.map((text) => ({ text, same: false }));

/** Picks a same-labelled piece `sameWeight` times as often as a different one. */
function piece(sames: Piece[], diffs: Piece[], sameWeight = 9): fc.Arbitrary<Piece> {
  if (diffs.length === 0) return fc.constantFrom(...sames);
  return fc.oneof({ arbitrary: fc.constantFrom(...sames), weight: sameWeight }, { arbitrary: fc.constantFrom(...diffs), weight: 1 });
}

interface SpecialTarget {
  redirectUri: string;
  scheme: [Piece[], Piece[]];
  separator: Piece[];
  userinfo: Piece[];
  host: [Piece[], Piece[]];
  port: [Piece[], Piece[]];
  path: [Piece[], Piece[]];
}

/** A loopback http redirect with a port (RFC 8252 §7.3). */
const LOOPBACK: SpecialTarget = {
  redirectUri: 'http://127.0.0.1:53682/oauth/callback',
  scheme: [same('http', 'HTTP', 'hTtP'), diff('https', 'ws', 'ftp', 'httpx', 'htp', 'file', 'javascript', 'data', 'blob', 'http+unix', 'com.jobberconnect.app')],
  // Special schemes accept any run of slashes and backslashes, or none, before the authority.
  separator: same('://', ':/', ':', ':\\\\', ':///', '://\\'),
  userinfo: diff('user@', 'user:pass@', '127.0.0.1:53682@', 'a%40b@', ':x@', 'x:@'),
  host: [
    // IPv4 shorthand, hex, octal, a single number, a trailing dot and escaped digits all parse to 127.0.0.1.
    same('127.0.0.1', '127.1', '0x7f.0.0.1', '0177.0.0.1', '2130706433', '127.0.0.1.', '%31%32%37.0.0.1'),
    diff('127.0.0.2', 'localhost', 'ＬＯＣＡＬＨＯＳＴ', '[::1]', '127.0.0.1.evil.com', 'evil.com', '127.0.0.1.nip.io', '0.0.0.0', '127.0.0.1\u0000', '', '127.0.0.1 '),
  ],
  port: [same(':53682', ':053682', ':00053682'), diff('', ':53683', ':80', ':65536', ':5368', ':-53682', ':536820', ': 53682', ':53682:1', ':0xd1f2')],
  path: [
    same(
      '/oauth/callback',
      '/oauth/%63allback',
      '/%6Fauth/callback',
      '/oauth/%7e/../callback',
      '/oauth/./callback',
      '/x/../oauth/callback',
      '/oauth/%2e/callback',
      '/oauth/%2E%2E/oauth/callback',
      '\\oauth\\callback',
      '/oauth/call\tback',
      '/oauth/call\nback',
    ),
    diff(
      '/oauth/callback/',
      '/OAUTH/callback',
      '/oauth/Callback',
      '/oauth%2Fcallback',
      '/oauth%2fcallback',
      '/oauth/callback%00',
      '/oauth/%2563allback',
      '/oauth/callbackx',
      '/oauth',
      '/',
      '',
      '/oauth//callback',
      '/oauth/callback;x',
      '/oauth/call%20back',
      '/oauth/call back',
      '/oauth/callback/..',
      '/oauth/cällback',
      '/oauth/callback\u0001',
      '/oauth/callback%2F',
      '/oauth/callback~',
      '/oauth/callback.',
      '/oauth/callback%2e',
    ),
  ],
};

/** An https redirect on the default port. */
const HTTPS: SpecialTarget = {
  redirectUri: 'https://example.com/auth/jobber',
  scheme: [same('https', 'HTTPS', 'hTtPs'), diff('http', 'wss', 'ftp', 'httpss', 'javascript', 'file', 'data', 'blob')],
  separator: same('://', ':/', ':', ':\\\\'),
  userinfo: diff('example.com@', 'user@', 'user:pass@', 'example.com:443@'),
  host: [
    // Upper case, fullwidth letters, escapes and IDNA-ignored code points (ZWSP, soft hyphen) all map to example.com.
    same('example.com', 'EXAMPLE.COM', 'ExAmPlE.cOm', 'ｅｘａｍｐｌｅ.com', 'example.c%6Fm', '%65xample.com', 'example.com\u200b', 'exam\u00adple.com'),
    diff('example.com.', 'exаmple.com', 'examp1e.com', 'example.com.evil.com', 'evil-example.com', 'www.example.com', 'example.co', 'example.comm', 'example.com%00', 'xn--example.com', 'evil.com'),
  ],
  port: [same('', ':443', ':0443'), diff(':444', ':80', ':8443', ':4430')],
  path: [
    same('/auth/jobber', '/auth/%6Aobber', '/auth/./jobber', '/%61uth/jobber', '/auth/job\tber', '\\auth\\jobber'),
    diff('/auth/jobber/', '/Auth/jobber', '/auth/Jobber', '/auth', '/auth/jobber.html', '/auth%2Fjobber', '/auth/jobber%00', '/auth/%256Aobber', '/', '', '/auth/jobber/..', '/auth//jobber', '/auth/jobber;', '/auth/jöbber'),
  ],
};

/** The default: an RFC 8252 private-use scheme, in every spelling the parser documents as equal. */
const CUSTOM = {
  redirectUri: 'com.jobberconnect.app:/oauth/callback',
  scheme: [
    same('com.jobberconnect.app', 'COM.JOBBERCONNECT.APP', 'Com.JobberConnect.App'),
    diff('com.jobberconnect.ap', 'com.jobberconnect.app.evil', 'com-jobberconnect-app', 'com.jobberconnect.app2', 'http', 'https', 'javascript', 'data', 'file', 'jobberconnect'),
  ] as [Piece[], Piece[]],
  rest: [
    same(
      ':/oauth/callback',
      '://oauth/callback',
      ':///oauth/callback',
      ':oauth/callback',
      '://OAUTH/callback',
      ':/OAuth/callback',
      '://oauth/./callback',
      ':/oauth/%63allback',
      '://oauth/%63allback',
      ':/x/../oauth/callback',
      ':/oauth/call\tback',
    ),
    diff(
      '://oauth:1/callback',
      '://user@oauth/callback',
      '://oauth@evil/callback',
      ':/oauth/Callback',
      ':/OAUTH/CALLBACK',
      ':/oauth/callback/',
      '://oauth/callback/',
      ':/oauth%2Fcallback',
      '://oauth%2Fcallback',
      ':/oauth',
      ':/oauth/',
      '://oauth',
      ':/callback/oauth',
      '://evil/oauth/callback',
      ':/oauth/callback\\x',
      ':/oauth/callback%00',
      '://oauth./callback',
      ':/oauth/%2563allback',
      ':/oauth//callback',
      ':/',
      ':',
      '',
    ),
  ] as [Piece[], Piece[]],
};

export const REDIRECT_URIS = [LOOPBACK.redirectUri, HTTPS.redirectUri, CUSTOM.redirectUri] as const;

/** The address (everything before the query) and whether it equals the redirect URI. */
export interface Address {
  redirectUri: string;
  text: string;
  same: boolean;
}

function join(redirectUri: string, pieces: Piece[]): Address {
  return { redirectUri, text: pieces.map((p) => p.text).join(''), same: pieces.every((p) => p.same) };
}

function specialAddress(target: SpecialTarget): fc.Arbitrary<Address> {
  return fc
    .tuple(
      piece(...target.scheme),
      fc.constantFrom(...target.separator),
      piece(same(''), target.userinfo),
      piece(...target.host),
      piece(...target.port),
      piece(...target.path),
    )
    .map((pieces) => join(target.redirectUri, pieces));
}

const customAddress: fc.Arbitrary<Address> = fc
  .tuple(piece(...CUSTOM.scheme), piece(...CUSTOM.rest))
  .map((pieces) => join(CUSTOM.redirectUri, pieces));

// The URL parser strips leading and trailing C0 controls and spaces; anything else stays part of the URL.
const leading = piece(same('', ' ', '\t', '\u0000', '\n \u001f'), diff('\u00a0', 'x', '\u3000', '\ufeff', '.'), 6);
const trailing = fc.constantFrom(...same('', ' ', '\u0000', '\r\n', '\u001f'));

// ---------------------------------------------------------------------------------------------
// Query parameters

/** How a value is spelled in the query; every form decodes back to the same text. */
export type Encoding = 'uri' | 'percent-upper' | 'percent-lower' | 'plus';

/** A parameter value: fixed text, or one of the pending states (optionally mutated) resolved at run time. */
export type ValueRecipe =
  | { kind: 'text'; text: string }
  | { kind: 'state'; index: number; mutation: StateMutation };

export type StateMutation = 'none' | 'flip' | 'upper' | 'lower' | 'truncate' | 'extend' | 'space' | 'nul' | 'prefix';

export type ParamRecipe =
  | { kind: 'pair'; name: string; value: ValueRecipe; encoding: Encoding }
  /** Literal query text and what URLSearchParams makes of it. */
  | { kind: 'raw'; raw: string; decoded: [string, string][] };

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** 100 KB values, built once. */
const HUGE_VALUES = ['A'.repeat(100_000), `${'é'.repeat(50_000)}z`, `${'%'.repeat(100_000)}`, `${'&state=x'.repeat(12_500)}`];

const opaque = fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 8, maxLength: 64 });

const textValue = (arb: fc.Arbitrary<string>): fc.Arbitrary<ValueRecipe> => arb.map((text) => ({ kind: 'text', text }));

const codeValue: fc.Arbitrary<ValueRecipe> = fc.oneof(
  { arbitrary: textValue(opaque), weight: 120 },
  { arbitrary: textValue(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 })), weight: 16 },
  { arbitrary: textValue(fc.constant('')), weight: 8 },
  { arbitrary: textValue(fc.constantFrom(...HUGE_VALUES)), weight: 1 },
  {
    arbitrary: textValue(
      fc.constantFrom('\u0000', '%00', '%2525', ' ', '#frag', '&state=', 'a=b', '..%2F..', '<script>alert(1)</script>', 'javascript:alert(1)', '\u202e', '\ufeff'),
    ),
    weight: 8,
  },
);

const stateMutation = fc.constantFrom<StateMutation>('flip', 'upper', 'lower', 'truncate', 'extend', 'space', 'nul', 'prefix');

const stateValue: fc.Arbitrary<ValueRecipe> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('state' as const), index: fc.constantFrom(0, 0, 0, 1, 2), mutation: fc.constant<StateMutation>('none') }), weight: 120 },
  { arbitrary: fc.record({ kind: fc.constant('state' as const), index: fc.constantFrom(0, 1), mutation: stateMutation }), weight: 24 },
  { arbitrary: textValue(fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 43, maxLength: 43 })), weight: 8 },
  { arbitrary: textValue(fc.constantFrom('', ' ', 'null', 'undefined', '%00')), weight: 8 },
  { arbitrary: textValue(fc.constantFrom(...HUGE_VALUES)), weight: 1 },
  { arbitrary: textValue(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 48 })), weight: 8 },
);

const encoding = fc.constantFrom<Encoding>('uri', 'uri', 'uri', 'percent-upper', 'percent-lower', 'plus');

const pair = (name: fc.Arbitrary<string>, value: fc.Arbitrary<ValueRecipe>): fc.Arbitrary<ParamRecipe> =>
  fc.record({ kind: fc.constant('pair' as const), name, value, encoding });

const codeParam = pair(fc.constant('code'), codeValue);
const stateParam = pair(fc.constant('state'), stateValue);
const errorParam = pair(
  fc.constant('error'),
  fc.oneof(
    textValue(fc.constantFrom('access_denied', 'access_denied', 'invalid_request', 'server_error', '<b>x</b>', 'x'.repeat(65), '')),
    fc.constant<ValueRecipe>({ kind: 'state', index: 0, mutation: 'none' }),
  ),
);
const junkParam = pair(
  fc.constantFrom('foo', 'Code', 'STATE', 'code ', ' state', 'code\u0000', 'state[]', 'amp;code', 'error_description', '', 'codé', 'redirect_uri'),
  fc.oneof(codeValue, stateValue),
);
const rawParam: fc.Arbitrary<ParamRecipe> = fc.constantFrom<ParamRecipe>(
  { kind: 'raw', raw: 'x', decoded: [['x', '']] },
  { kind: 'raw', raw: '=', decoded: [['', '']] },
  { kind: 'raw', raw: '==', decoded: [['', '=']] },
  { kind: 'raw', raw: 'a=b=c', decoded: [['a', 'b=c']] },
  { kind: 'raw', raw: 'code', decoded: [['code', '']] },
  { kind: 'raw', raw: 'code=', decoded: [['code', '']] },
  { kind: 'raw', raw: 'code=a;state=b', decoded: [['code', 'a;state=b']] },
  { kind: 'raw', raw: 'code=%zz', decoded: [['code', '%zz']] },
  { kind: 'raw', raw: 'code=%', decoded: [['code', '%']] },
  { kind: 'raw', raw: 'co%64e=abcdefgh12', decoded: [['code', 'abcdefgh12']] },
  { kind: 'raw', raw: 'state', decoded: [['state', '']] },
  { kind: 'raw', raw: 'code=%E9', decoded: [['code', '\ufffd']] },
  { kind: 'raw', raw: '', decoded: [] },
);

const extraParam: fc.Arbitrary<ParamRecipe> = fc.oneof(codeParam, stateParam, errorParam, junkParam, junkParam, rawParam);

/** Where the fragment goes: nowhere, after the query, or before it (which swallows the query). */
export type FragmentPlacement = 'none' | 'after' | 'before';

export interface CallbackRecipe {
  /** A structured URL, or a literal string that can never be a valid callback. */
  shape: 'structured' | 'literal';
  address: Address;
  leading: Piece;
  trailing: Piece;
  params: ParamRecipe[];
  /** How the query starts when there are no parameters: no `?`, a bare `?`, or `?&`. */
  emptyQuery: '' | '?' | '?&';
  /** `&&` between parameters instead of `&` (empty pairs are skipped by the parser). */
  doubleAmpersand: boolean;
  fragment: { placement: FragmentPlacement; text: string };
  /** Bytes for up to three state values; `pendingCount` of them are registered as pending. */
  stateBytes: Uint8Array[];
  pendingCount: number;
  /** 'live': within the TTL; 'expired': the clock passed the TTL; 'cancelled': cancelAll() ran. */
  pending: 'live' | 'expired' | 'cancelled';
  /** For literal recipes: the whole URL, with `{state}` replaced by the first state at run time. */
  literal: string;
}

const ordered = <T>(items: fc.Arbitrary<T[]>): fc.Arbitrary<T[]> =>
  items.chain((list) =>
    fc
      .array(fc.nat(), { minLength: list.length, maxLength: list.length })
      .map((keys) => list.map((item, i) => ({ item, key: keys[i] ?? 0 })).sort((a, b) => a.key - b.key).map((e) => e.item)),
  );

const params: fc.Arbitrary<ParamRecipe[]> = ordered(
  fc
    .tuple(
      fc.option(codeParam, { freq: 12, nil: null }),
      fc.option(stateParam, { freq: 12, nil: null }),
      fc.oneof({ arbitrary: fc.constant([]), weight: 6 }, { arbitrary: fc.array(extraParam, { minLength: 1, maxLength: 3 }), weight: 4 }),
    )
    .map(([code, state, extras]) => [...(code ? [code] : []), ...(state ? [state] : []), ...extras]),
);

const fragment = fc.oneof(
  { arbitrary: fc.constant({ placement: 'none' as FragmentPlacement, text: '' }), weight: 8 },
  {
    arbitrary: fc.record({
      placement: fc.constantFrom<FragmentPlacement>('after', 'before'),
      text: fc.constantFrom('#', '#x', '#code=frag12345678&state={state}', '#/oauth/callback', '#%00', '#?code=abc'),
    }),
    weight: 2,
  },
);

// Distinct, as 32 random bytes always are; identical states (which shrinking would otherwise
// produce) would make two pending requests interchangeable.
const stateBytes = fc.uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
  minLength: 3,
  maxLength: 3,
  selector: (bytes) => Buffer.from(bytes).toString('hex'),
});

const structured: fc.Arbitrary<CallbackRecipe> = fc.record({
  shape: fc.constant('structured' as const),
  address: fc.oneof(specialAddress(LOOPBACK), specialAddress(HTTPS), customAddress),
  leading,
  trailing,
  params,
  emptyQuery: fc.constantFrom<'' | '?' | '?&'>('', '?', '?&'),
  doubleAmpersand: fc.boolean(),
  fragment,
  stateBytes,
  pendingCount: fc.constantFrom(1, 1, 1, 2, 3),
  pending: fc.constantFrom<'live' | 'expired' | 'cancelled'>('live', 'live', 'live', 'live', 'live', 'live', 'live', 'live', 'expired', 'cancelled'),
  literal: fc.constant(''),
});

/** Strings that must never be accepted whatever they contain; `{state}` becomes the real pending state. */
const literalUrl: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'javascript:alert(document.cookie)//http://127.0.0.1:53682/oauth/callback?code=abcdefgh12&state={state}',
    'javascript://127.0.0.1:53682/oauth/callback?code=abcdefgh12&state={state}',
    'data:text/html,<a href="com.jobberconnect.app:/oauth/callback?code=abcdefgh12&state={state}">x</a>',
    'data:,com.jobberconnect.app:/oauth/callback?code=abcdefgh12&state={state}',
    'file:///oauth/callback?code=abcdefgh12&state={state}',
    'file://127.0.0.1/oauth/callback?code=abcdefgh12&state={state}',
    'view-source:http://127.0.0.1:53682/oauth/callback?code=abcdefgh12&state={state}',
    'blob:https://example.com/auth/jobber?code=abcdefgh12&state={state}',
    '/oauth/callback?code=abcdefgh12&state={state}',
    '//127.0.0.1:53682/oauth/callback?code=abcdefgh12&state={state}',
    '?code=abcdefgh12&state={state}',
    'oauth/callback?code=abcdefgh12&state={state}',
    'https://evil.example/?redirect=https://example.com/auth/jobber&code=abcdefgh12&state={state}',
    'https://evil.example/https://example.com/auth/jobber?code=abcdefgh12&state={state}',
    'https://example.com.evil.example/auth/jobber?code=abcdefgh12&state={state}',
    'https://example.com@evil.example/auth/jobber?code=abcdefgh12&state={state}',
    'http://127.0.0.1:53682@evil.example/oauth/callback?code=abcdefgh12&state={state}',
    'com.jobberconnect.app.evil:/oauth/callback?code=abcdefgh12&state={state}',
    '',
    ' ',
    '\u0000',
  ),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }).map((s) => `com.jobberconnect.app:/oauth/callback${s.startsWith('?') ? '' : '/'}${s}`),
  fc.webUrl({ withQueryParameters: true, withFragments: true }).map((url) => `${url}&state={state}&code=abcdefgh12`),
);

const literal: fc.Arbitrary<CallbackRecipe> = fc
  .record({ address: fc.constantFrom(...REDIRECT_URIS), url: literalUrl, stateBytes, pendingCount: fc.constantFrom(1, 2) })
  .map(({ address, url, stateBytes: bytes, pendingCount }) => ({
    shape: 'literal' as const,
    address: { redirectUri: address, text: '', same: false },
    leading: { text: '', same: true },
    trailing: { text: '', same: true },
    params: [],
    emptyQuery: '' as const,
    doubleAmpersand: false,
    fragment: { placement: 'none' as const, text: '' },
    stateBytes: bytes,
    pendingCount,
    pending: 'live' as const,
    literal: url,
  }));

/** The mix: mostly structured URLs (valid and near-valid), some literal hostile strings. */
export const callbackRecipe: fc.Arbitrary<CallbackRecipe> = fc.oneof({ arbitrary: structured, weight: 9 }, { arbitrary: literal, weight: 1 });

// ---------------------------------------------------------------------------------------------
// Building the URL and the oracle

export function stateOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function mutate(state: string, mutation: StateMutation): string {
  switch (mutation) {
    case 'none':
      return state;
    case 'flip': {
      const i = Math.floor(state.length / 2);
      const c = state[i] === 'A' ? 'B' : 'A';
      return `${state.slice(0, i)}${c}${state.slice(i + 1)}`;
    }
    case 'upper':
      return state.toUpperCase();
    case 'lower':
      return state.toLowerCase();
    case 'truncate':
      return state.slice(0, -1);
    case 'extend':
      return `${state}A`;
    case 'space':
      return `${state} `;
    case 'nul':
      return `${state}\u0000`;
    case 'prefix':
      return `=${state}`;
  }
}

function resolveValue(value: ValueRecipe, states: string[]): string {
  if (value.kind === 'text') return value.text;
  return mutate(states[value.index] ?? '', value.mutation);
}

function percentEncode(text: string, upper: boolean): string {
  const hex = Buffer.from(text, 'utf8').toString('hex');
  return (upper ? hex.toUpperCase() : hex).replace(/../g, '%$&');
}

function encode(text: string, how: Encoding): string {
  switch (how) {
    case 'uri':
      return encodeURIComponent(text);
    case 'percent-upper':
      return percentEncode(text, true);
    case 'percent-lower':
      return percentEncode(text, false);
    case 'plus':
      return encodeURIComponent(text).replace(/%20/g, '+');
  }
}

/** A recipe made concrete: the URL string and what the oracle expects of it. */
export interface CallbackCase {
  url: string;
  redirectUri: string;
  /** All three generated states; the first `pendingCount` are registered. */
  states: string[];
  /** Decoded parameters as the parser will see them (empty when the query is absent or swallowed). */
  params: [string, string][];
  /** The oracle: the URL is the redirect URI with exactly one non-empty code and a live pending state. */
  expectValid: boolean;
  addressSame: boolean;
  /** Code and state values to look for in error messages (the secrets the parser saw). */
  secrets: string[];
}

/** Builds the URL for `recipe` and works out the expected verdict, independently of the parser. */
export function buildCase(recipe: CallbackRecipe): CallbackCase {
  const states = recipe.stateBytes.map(stateOf);
  const first = states[0] ?? '';
  if (recipe.shape === 'literal') {
    const url = recipe.literal.split('{state}').join(first);
    return { url, redirectUri: recipe.address.redirectUri, states, params: [], expectValid: false, addressSame: false, secrets: [first, 'abcdefgh12'] };
  }

  const decoded: [string, string][] = [];
  const rawPairs: string[] = [];
  for (const param of recipe.params) {
    if (param.kind === 'raw') {
      rawPairs.push(param.raw);
      decoded.push(...param.decoded);
    } else {
      const value = resolveValue(param.value, states);
      rawPairs.push(`${encode(param.name, param.encoding)}=${encode(value, param.encoding)}`);
      decoded.push([param.name, value]);
    }
  }
  const query = rawPairs.length === 0 ? recipe.emptyQuery : `?${rawPairs.join(recipe.doubleAmpersand ? '&&' : '&')}`;
  const fragmentText = recipe.fragment.text.split('{state}').join(first);
  const tail =
    recipe.fragment.placement === 'after' ? `${query}${fragmentText}` : recipe.fragment.placement === 'before' ? `${fragmentText}${query}` : query;
  const url = `${recipe.leading.text}${recipe.address.text}${tail}${recipe.trailing.text}`;

  // A fragment before the query swallows it: the parser sees no parameters at all.
  const seen = recipe.fragment.placement === 'before' ? [] : decoded;
  const addressSame = recipe.address.same && recipe.leading.same && recipe.trailing.same;
  const live = recipe.pending === 'live' ? states.slice(0, recipe.pendingCount) : [];
  const values = (name: string) => seen.filter(([n]) => n === name).map(([, v]) => v);
  const codes = values('code');
  const stateValues = values('state');
  const expectValid =
    addressSame &&
    values('error').length === 0 &&
    stateValues.length === 1 &&
    live.includes(stateValues[0] ?? '\u0000no-state') &&
    codes.length === 1 &&
    codes[0] !== '';
  const secrets = [...states, ...decoded.filter(([n]) => n === 'code' || n === 'state').map(([, v]) => v)];
  return { url, redirectUri: recipe.address.redirectUri, states, params: seen, expectValid, addressSame, secrets };
}
