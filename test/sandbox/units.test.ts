import { describe, expect, it } from 'vitest';
import { withQuery } from '../../sandbox/authorize';
import { parseOperation, project, QueryParseError, validateSelections } from '../../sandbox/graphql-query';
import { newSigningKey, signJwt, verifyJwt } from '../../sandbox/jwt';
import { CostBuckets, RequestWindows } from '../../sandbox/limits';
import { formatExpiresAt } from '../../sandbox/token';

describe('jwt', () => {
  const key = newSigningKey();
  // The shape of the sample token in Jobber's Rails template (no iat), header {"alg":"HS256"}.
  const claims = { sub: 7, iss: 'https://api.getjobber.com', client_id: 'c', scope: 'read_clients', app_id: 'c', user_id: 7, account_id: 'acc', exp: 200 };

  it('round-trips HS256 claims', () => {
    const token = signJwt(claims, key);
    expect(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString())).toEqual({ alg: 'HS256' });
    expect(verifyJwt(token, key)).toEqual(claims);
  });

  it('rejects a tampered payload, another key, alg none and garbage', () => {
    const token = signJwt(claims, key);
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, account_id: 'other' })).toString('base64url')}.${signature}`;
    expect(verifyJwt(tampered, key)).toBeNull();
    expect(verifyJwt(token, newSigningKey())).toBeNull();
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${token.split('.')[1]}.`;
    expect(verifyJwt(none, key)).toBeNull();
    expect(verifyJwt('a.b', key)).toBeNull();
  });
});

describe('graphql-query', () => {
  it('reads operation type, aliases, arguments, directives and nested selections', () => {
    const op = parseOperation('mutation Bye { d: appDisconnect(input: {reason: "x, y"}) @skip(if: false) { app { name } userErrors { message path } } }');
    expect(op.operation).toBe('mutation');
    expect(op.selections[0]).toMatchObject({ key: 'd', name: 'appDisconnect' });
    expect(validateSelections(op.selections, 'Mutation')).toEqual([]);
  });

  it('treats a bare selection set as a query', () => {
    expect(parseOperation('{ account { id } }').operation).toBe('query');
  });

  it('inlines fragments; refuses subscriptions, unnamed choices among operations and broken documents', () => {
    expect(parseOperation('query { ...F } fragment F on Query { account { id } }').selections).toEqual([
      { key: 'account', name: 'account', args: {}, selections: [{ key: 'id', name: 'id', args: {}, selections: null }] },
    ]);
    expect(parseOperation('query Q($n: Int) { clients(first: $n) { totalCount } }', { n: 7 }).selections[0]?.args).toEqual({ first: 7 });
    expect(() => parseOperation('subscription { x }')).toThrow(/Subscriptions/);
    expect(() => parseOperation('query A { account { id } } query B { account { id } }')).toThrow(/operation name/);
    expect(parseOperation('query A { account { id } } mutation B { appDisconnect { userErrors { message } } }', {}, 'B').operation).toBe('mutation');
    expect(() => parseOperation('query { account { id }')).toThrow(QueryParseError);
    expect(() => parseOperation('')).toThrow(QueryParseError);
  });

  it('validates selections like graphql-ruby', () => {
    const errors = validateSelections(parseOperation('{ account nope { x } }').selections, 'Query');
    expect(errors).toEqual([
      "Field must have selections (field 'account' returns Account but has no selections. Did you mean 'account { ... }'?)",
      "Field 'nope' doesn't exist on type 'Query'",
    ]);
    expect(validateSelections(parseOperation('{ account { id { x } } }').selections, 'Query')[0]).toMatch(/scalars/);
  });

  it('projects only the selected fields, mapping lists', () => {
    const op = parseOperation('mutation { appDisconnect { userErrors { message } } }');
    const data = project(op.selections, 'Mutation', {
      appDisconnect: { app: { name: 'A' }, userErrors: [{ message: 'm', path: ['p'] }] },
    });
    expect(data).toEqual({ appDisconnect: { userErrors: [{ message: 'm' }] } });
  });
});

describe('limits', () => {
  it('the cost bucket refills at restoreRate up to the maximum', () => {
    const buckets = new CostBuckets({ maximumAvailable: 10, restoreRate: 1 });
    expect(buckets.spend('g', 10, 0).ok).toBe(true);
    expect(buckets.spend('g', 1, 0).ok).toBe(false);
    expect(buckets.spend('g', 3, 3000)).toEqual({ ok: true, status: { maximumAvailable: 10, currentlyAvailable: 0, restoreRate: 1 } });
    expect(buckets.spend('g', 0, 1_000_000).status.currentlyAvailable).toBe(10);
  });

  it('the request window admits `requests` per window and names the wait', () => {
    const windows = new RequestWindows({ requests: 2, windowSec: 10 });
    expect(windows.admit('g', 0)).toBeNull();
    expect(windows.admit('g', 1000)).toBeNull();
    expect(windows.admit('g', 2000)).toBe(8);
    expect(windows.admit('g', 10_000)).toBeNull();
  });
});

describe('helpers', () => {
  it('withQuery appends to a URI with or without its own query', () => {
    expect(withQuery('app:/cb', { code: 'a b', state: 's&t' })).toBe('app:/cb?code=a%20b&state=s%26t');
    expect(withQuery('http://h/cb?x=1', { code: 'c' })).toBe('http://h/cb?x=1&code=c');
    expect(withQuery('http://h/cb?', { code: 'c' })).toBe('http://h/cb?code=c');
    expect(withQuery('http://h/cb', {})).toBe('http://h/cb');
  });

  it('formatExpiresAt uses Jobber\u2019s "YYYY-MM-DD HH:MM:SS UTC"', () => {
    expect(formatExpiresAt(Date.UTC(2024, 3, 9, 21, 4, 31))).toBe('2024-04-09 21:04:31 UTC');
  });
});
