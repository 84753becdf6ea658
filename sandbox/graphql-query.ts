/**
 * The sandbox's GraphQL reading: the query is parsed with the `graphql` package (the reference
 * parser), flattened into field selections (fragments inlined, arguments resolved against the
 * variables), then checked against the few types the sandbox serves and resolved. Validation
 * messages follow graphql-ruby, which Jobber runs.
 */
import { GraphQLError, Kind, parse, valueFromASTUntyped, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface FieldSelection {
  /** The response key: the alias if any, else the name. */
  key: string;
  name: string;
  /** Argument values, variables substituted. */
  args: Record<string, unknown>;
  selections: FieldSelection[] | null;
}

export interface ParsedOperation {
  operation: 'query' | 'mutation';
  selections: FieldSelection[];
}

export class QueryParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryParseError';
  }
}

type Fragments = ReadonlyMap<string, FragmentDefinitionNode>;

function flatten(selectionSet: SelectionSetNode, fragments: Fragments, variables: Record<string, unknown>, seen: ReadonlySet<string>): FieldSelection[] {
  const out: FieldSelection[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const args: Record<string, unknown> = {};
      for (const argument of selection.arguments ?? []) args[argument.name.value] = valueFromASTUntyped(argument.value, variables);
      out.push({
        key: selection.alias?.value ?? selection.name.value,
        name: selection.name.value,
        args,
        selections: selection.selectionSet ? flatten(selection.selectionSet, fragments, variables, seen) : null,
      });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      out.push(...flatten(selection.selectionSet, fragments, variables, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment) throw new QueryParseError(`Fragment ${name} was used, but not defined`);
      if (seen.has(name)) throw new QueryParseError(`Fragment ${name} contains an infinite loop`);
      out.push(...flatten(fragment.selectionSet, fragments, variables, new Set([...seen, name])));
    }
  }
  return out;
}

/** Reads the document's one operation (or the one named `operationName`). */
export function parseOperation(source: string, variables: Record<string, unknown> = {}, operationName?: string | null): ParsedOperation {
  let document: DocumentNode;
  try {
    document = parse(source, { noLocation: true });
  } catch (error) {
    throw new QueryParseError(error instanceof GraphQLError ? error.message : 'Could not parse the query');
  }
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) throw new QueryParseError(operationName ? `No operation named "${operationName}"` : 'An operation name is required when the document holds several operations');
  if (operation.operation === 'subscription') throw new QueryParseError('Subscriptions are not supported');
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return { operation: operation.operation, selections: flatten(operation.selectionSet, fragments, variables, new Set()) };
}

/** Field name → the object type it returns, or null for a scalar. */
type TypeFields = Record<string, string | null>;

/** Types whose fields Jobber multiplies by the page size. */
export function isConnectionType(typeName: string): boolean {
  return typeName.endsWith('Connection');
}

/** The object type `field` returns on `typeName`, null for a scalar or an unknown field. */
export function fieldType(typeName: string, field: string): string | null {
  return SCHEMA[typeName]?.[field] ?? null;
}

const SCHEMA: Record<string, TypeFields> = {
  Query: { account: 'Account', clients: 'ClientConnection', __typename: null },
  Mutation: { appDisconnect: 'AppDisconnectPayload', __typename: null },
  Account: { id: null, name: null, __typename: null },
  ClientConnection: { nodes: 'Client', edges: 'ClientEdge', pageInfo: 'PageInfo', totalCount: null, __typename: null },
  ClientEdge: { node: 'Client', cursor: null, __typename: null },
  Client: { id: null, name: null, __typename: null },
  PageInfo: { hasNextPage: null, endCursor: null, __typename: null },
  AppDisconnectPayload: { app: 'Application', userErrors: 'UserError', __typename: null },
  Application: { id: null, name: null, author: null, __typename: null },
  UserError: { message: null, path: null, __typename: null },
};

/** The root type of an operation. */
export function rootType(operation: ParsedOperation['operation']): string {
  return operation === 'mutation' ? 'Mutation' : 'Query';
}

/** Errors in the style of graphql-ruby (which Jobber runs) for selections the schema lacks. */
export function validateSelections(selections: readonly FieldSelection[], typeName: string): string[] {
  const fields = SCHEMA[typeName] ?? {};
  const errors: string[] = [];
  for (const selection of selections) {
    if (!Object.hasOwn(fields, selection.name)) {
      errors.push(`Field '${selection.name}' doesn't exist on type '${typeName}'`);
      continue;
    }
    const returns = fields[selection.name] ?? null;
    if (returns === null && selection.selections) {
      errors.push(`Selections can't be made on scalars (field '${selection.name}' returns a scalar but has selections)`);
    } else if (returns !== null && !selection.selections) {
      errors.push(`Field must have selections (field '${selection.name}' returns ${returns} but has no selections. Did you mean '${selection.name} { ... }'?)`);
    } else if (returns !== null && selection.selections) {
      errors.push(...validateSelections(selection.selections, returns));
    }
  }
  return errors;
}

/** A resolved object: plain values, nested objects, or lists of objects. */
export type ResolvedValue = string | number | boolean | null | ResolvedValue[] | { [key: string]: ResolvedValue };

/**
 * Picks the selected fields out of `value` (already validated). `__typename` answers the type.
 * Lists are mapped element-wise with the same selections.
 */
export function project(selections: readonly FieldSelection[], typeName: string, value: Record<string, ResolvedValue>): Record<string, ResolvedValue> {
  const out: Record<string, ResolvedValue> = {};
  for (const selection of selections) {
    if (selection.name === '__typename') {
      out[selection.key] = typeName;
      continue;
    }
    const fieldValue = value[selection.name] ?? null;
    const returns = SCHEMA[typeName]?.[selection.name] ?? null;
    if (returns === null || !selection.selections || fieldValue === null) {
      out[selection.key] = fieldValue;
    } else if (Array.isArray(fieldValue)) {
      const children = selection.selections;
      out[selection.key] = fieldValue.map((item) =>
        item !== null && typeof item === 'object' && !Array.isArray(item) ? project(children, returns, item) : item,
      );
    } else if (typeof fieldValue === 'object') {
      out[selection.key] = project(selection.selections, returns, fieldValue);
    } else {
      out[selection.key] = fieldValue;
    }
  }
  return out;
}
