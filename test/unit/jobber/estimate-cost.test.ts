import { describe, expect, it } from 'vitest';
import { estimateQueryCost } from '../../../electron/jobber/estimate-cost';

// Jobber's rules (docs: api_rate_limits): 1 per field, 0 for edges/nodes/node, a connection
// multiplies its fields by `first`, 100 when missing.
describe('estimateQueryCost', () => {
  it.each([
    ['account { id name }', 'query { account { id name } }', {}, 3],
    ['the app own account query', 'query JobberConnectAccount { account { id name } }', {}, 3],
    ['a connection with first', 'query { clients(first: 10) { nodes { id name } } }', {}, 21],
    ['edges and node are free', 'query { clients(first: 5) { edges { node { id } } } }', {}, 6],
    ['first missing → 100', 'query { clients { nodes { id } } }', {}, 101],
    ['first from a variable', 'query Q($n: Int) { clients(first: $n) { nodes { id } } }', { n: 20 }, 21],
    ['an unset variable → 100', 'query Q($n: Int) { clients(first: $n) { nodes { id } } }', {}, 101],
    ['nested connections multiply', 'query { clients(first: 2) { nodes { id jobs(first: 3) { nodes { id } } } } }', {}, 11],
    ['fragments count their fields', 'query { account { ...A } } fragment A on Account { id name }', {}, 3],
    ['__typename is free', 'query { account { __typename id } }', {}, 2],
    ['a mutation', 'mutation { appDisconnect { app { name } userErrors { message path } } }', {}, 6],
  ])('%s', (_label, query, variables, expected) => {
    expect(estimateQueryCost(query, variables)).toBe(expected);
  });

  it('is undefined for text that is not GraphQL', () => {
    expect(estimateQueryCost('query { account { id ')).toBeUndefined();
  });
});
