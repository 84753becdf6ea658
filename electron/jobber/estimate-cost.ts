/**
 * Estimates a query's cost by Jobber's published rules, from the query text alone (the client has
 * no schema): 1 point per field, 0 for `edges`, `nodes` and `node`, and a connection multiplies the
 * cost of its fields by `first` (or `last`), 100 when neither is given. So `account { id name }`
 * costs 3 and `clients(first: 10) { nodes { id name } }` costs 1 + 10 × 2 = 21.
 *
 * Without a schema, a field counts as a connection when it takes `first`/`last` or selects `edges`
 * or `nodes`. The connection's whole selection set is multiplied (pageInfo and totalCount
 * included): this can only over-estimate, which paces a little early rather than being throttled.
 */
import {
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Jobber's multiplier for a connection queried without `first` or `last`. */
export const DEFAULT_CONNECTION_SIZE = 100;

const FREE_FIELDS = new Set(['edges', 'nodes', 'node']);
const CONNECTION_MARKERS = new Set(['edges', 'nodes']);
const PAGE_SIZE_ARGUMENTS = ['first', 'last'];

type Fragments = ReadonlyMap<string, FragmentDefinitionNode>;

interface Walk {
  fragments: Fragments;
  variables: Readonly<Record<string, unknown>>;
  /** Fragment names being expanded, so a cycle (invalid anyway) cannot loop forever. */
  expanding: Set<string>;
}

function argumentNumber(value: ValueNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const raw = variables[value.name.value];
    return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
  }
  return undefined;
}

function pageSize(field: FieldNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  for (const name of PAGE_SIZE_ARGUMENTS) {
    const argument = field.arguments?.find((candidate) => candidate.name.value === name);
    if (!argument) continue;
    const size = argumentNumber(argument.value, variables);
    return size === undefined ? DEFAULT_CONNECTION_SIZE : Math.max(0, Math.floor(size));
  }
  return undefined;
}

function selectsConnectionMarker(selectionSet: SelectionSetNode | undefined): boolean {
  return selectionSet?.selections.some((selection) => selection.kind === Kind.FIELD && CONNECTION_MARKERS.has(selection.name.value)) ?? false;
}

function fieldCost(field: FieldNode, walk: Walk): number {
  if (field.name.value.startsWith('__')) return 0;
  const own = FREE_FIELDS.has(field.name.value) ? 0 : 1;
  if (!field.selectionSet) return own;
  const children = selectionSetCost(field.selectionSet, walk);
  const size = pageSize(field, walk.variables);
  if (size !== undefined) return own + size * children;
  if (selectsConnectionMarker(field.selectionSet)) return own + DEFAULT_CONNECTION_SIZE * children;
  return own + children;
}

function selectionSetCost(selectionSet: SelectionSetNode, walk: Walk): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      total += fieldCost(selection, walk);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += selectionSetCost(selection.selectionSet, walk);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || walk.expanding.has(name)) continue;
      walk.expanding.add(name);
      total += selectionSetCost(fragment.selectionSet, walk);
      walk.expanding.delete(name);
    }
  }
  return total;
}

function pickOperation(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operationName === undefined) return operations[0];
  return operations.find((operation) => operation.name?.value === operationName);
}

/**
 * The cost Jobber would ask for `query`, or undefined when the text does not parse (the request
 * then goes unpaced and Jobber's own answer says what is wrong).
 */
export function estimateQueryCost(query: string, variables: Readonly<Record<string, unknown>> = {}, operationName?: string): number | undefined {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return undefined;
  }
  const operation = pickOperation(document, operationName);
  if (!operation) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return selectionSetCost(operation.selectionSet, { fragments, variables, expanding: new Set() });
}
