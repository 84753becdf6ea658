/**
 * Query cost as Jobber computes it, on the sandbox's schema: 1 point per field, 0 for `edges`,
 * `nodes`, `node` and `__typename`; a connection multiplies the cost of its fields by `first`
 * (or `last`), 100 when neither is given. The requested cost uses the page size asked for; the
 * actual cost uses the number of nodes the connection really returned, so it may be lower.
 */
import { fieldType, isConnectionType, type FieldSelection } from './graphql-query';

export const DEFAULT_PAGE_SIZE = 100;

const FREE_FIELDS = new Set(['edges', 'nodes', 'node']);

/** The page size a connection field asks for. */
export function requestedPageSize(selection: FieldSelection): number {
  const size = selection.args.first ?? selection.args.last;
  return typeof size === 'number' && Number.isFinite(size) ? Math.max(0, Math.floor(size)) : DEFAULT_PAGE_SIZE;
}

/**
 * Cost of `selections` on `typeName`. `returned(connectionType, requested)` gives how many nodes
 * a connection returns; pass the identity for the requested cost.
 */
export function selectionCost(
  selections: readonly FieldSelection[],
  typeName: string,
  returned: (connectionType: string, requested: number) => number,
): number {
  let total = 0;
  for (const selection of selections) {
    if (selection.name.startsWith('__')) continue;
    const own = FREE_FIELDS.has(selection.name) ? 0 : 1;
    const childType = fieldType(typeName, selection.name);
    if (!childType || !selection.selections) {
      total += own;
      continue;
    }
    const children = selectionCost(selection.selections, childType, returned);
    total += isConnectionType(childType) ? own + returned(childType, requestedPageSize(selection)) * children : own + children;
  }
  return total;
}
