/**
 * The values behind the sandbox's root fields: the account, its clients (a Relay-style
 * connection) and appDisconnect, which ends every grant of the app on the account, as Jobber's
 * appDisconnect does (limits and disconnects are per app and account).
 */
import { SANDBOX_APP_AUTHOR, SANDBOX_APP_NAME, type AccountRecord, type SandboxContext } from './context';
import type { Grant } from './grants';
import { requestedPageSize } from './graphql-cost';
import type { FieldSelection, ResolvedValue } from './graphql-query';

function clientsPage(account: AccountRecord, selection: FieldSelection): ResolvedValue {
  const count = Math.min(requestedPageSize(selection), account.clients);
  const nodes = Array.from({ length: count }, (_unused, index) => ({ id: `${account.id}-client-${index + 1}`, name: `Client ${index + 1}` }));
  return {
    nodes,
    edges: nodes.map((node) => ({ node, cursor: node.id })),
    pageInfo: { hasNextPage: count < account.clients, endCursor: nodes.at(-1)?.id ?? null },
    totalCount: account.clients,
  };
}

/** The value of one root selection (already validated). */
export function resolveRoot(selection: FieldSelection, grant: Grant, account: AccountRecord, ctx: SandboxContext): ResolvedValue {
  switch (selection.name) {
    case 'account':
      return { id: account.id, name: account.name };
    case 'clients':
      return clientsPage(account, selection);
    case 'appDisconnect':
      // The caller's tokens answer 401; every other install on the account sees what Jobber shows
      // once the app is marked disconnected: the "User has disconnected" message (a guess).
      ctx.grants.kill(grant.id, 'app-disconnected');
      ctx.grants.killAccount(grant.clientId, grant.accountId, 'disconnected-in-jobber');
      ctx.counters.appDisconnects += 1;
      return { app: { id: 'sandbox-app', name: SANDBOX_APP_NAME, author: SANDBOX_APP_AUTHOR }, userErrors: [] };
    default:
      return null;
  }
}
