/**
 * A deliberately small GraphQL reader: enough of the grammar to find the operation type and its
 * field selections (aliases, arguments and directives are skipped, fragments are refused), then
 * check them against the few types the sandbox serves and resolve them. No graphql library.
 */

export interface FieldSelection {
  /** The response key: the alias if any, else the name. */
  key: string;
  name: string;
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

type Token = { kind: 'name'; value: string } | { kind: 'punct'; value: string } | { kind: 'value' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (/[\s,\uFEFF]/.test(ch)) {
      i += 1;
    } else if (ch === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i += 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
      const value = match?.[0] ?? ch;
      tokens.push({ kind: 'name', value });
      i += value.length;
    } else if (source.startsWith('...', i)) {
      tokens.push({ kind: 'punct', value: '...' });
      i += 3;
    } else if (source.startsWith('"""', i)) {
      const end = source.indexOf('"""', i + 3);
      if (end < 0) throw new QueryParseError('Unterminated block string');
      tokens.push({ kind: 'value' });
      i = end + 3;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) throw new QueryParseError('Unterminated string');
      tokens.push({ kind: 'value' });
      i = j + 1;
    } else if (/[-0-9]/.test(ch)) {
      const match = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i));
      if (!match) throw new QueryParseError(`Unexpected character "${ch}"`);
      tokens.push({ kind: 'value' });
      i += match[0].length;
    } else if ('{}()[]:$!=@|&'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch });
      i += 1;
    } else {
      throw new QueryParseError(`Unexpected character "${ch}"`);
    }
  }
  return tokens;
}

class Reader {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  next(): Token {
    const token = this.tokens[this.index];
    if (!token) throw new QueryParseError('Unexpected end of document');
    this.index += 1;
    return token;
  }

  isPunct(value: string): boolean {
    const token = this.peek();
    return token?.kind === 'punct' && token.value === value;
  }

  expectPunct(value: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.value !== value) throw new QueryParseError(`Expected "${value}"`);
  }

  expectName(): string {
    const token = this.next();
    if (token.kind !== 'name') throw new QueryParseError('Expected a name');
    return token.value;
  }

  /** Skips a balanced (...) group: arguments or variable definitions, whose values we ignore. */
  skipParens(): void {
    this.expectPunct('(');
    let depth = 1;
    while (depth > 0) {
      const token = this.next();
      if (token.kind === 'punct' && (token.value === '(' || token.value === '[' || token.value === '{')) depth += 1;
      if (token.kind === 'punct' && (token.value === ')' || token.value === ']' || token.value === '}')) depth -= 1;
    }
  }

  skipDirectives(): void {
    while (this.isPunct('@')) {
      this.next();
      this.expectName();
      if (this.isPunct('(')) this.skipParens();
    }
  }

  done(): boolean {
    return this.index >= this.tokens.length;
  }
}

function readSelectionSet(reader: Reader): FieldSelection[] {
  reader.expectPunct('{');
  const selections: FieldSelection[] = [];
  while (!reader.isPunct('}')) {
    if (reader.isPunct('...')) throw new QueryParseError('Fragments are not supported by the sandbox');
    let name = reader.expectName();
    const key = name;
    if (reader.isPunct(':')) {
      reader.next();
      name = reader.expectName();
    }
    if (reader.isPunct('(')) reader.skipParens();
    reader.skipDirectives();
    const children = reader.isPunct('{') ? readSelectionSet(reader) : null;
    selections.push({ key, name, selections: children });
  }
  reader.expectPunct('}');
  if (selections.length === 0) throw new QueryParseError('Selection set must not be empty');
  return selections;
}

/** Reads a document holding exactly one query or mutation. */
export function parseOperation(source: string): ParsedOperation {
  const reader = new Reader(tokenize(source));
  let operation: ParsedOperation['operation'] = 'query';
  const first = reader.peek();
  if (!first) throw new QueryParseError('The query is empty');
  if (first.kind === 'name') {
    if (first.value === 'fragment') throw new QueryParseError('Fragments are not supported by the sandbox');
    if (first.value === 'subscription') throw new QueryParseError('Subscriptions are not supported');
    if (first.value !== 'query' && first.value !== 'mutation') throw new QueryParseError(`Unexpected "${first.value}"`);
    operation = first.value;
    reader.next();
    if (reader.peek()?.kind === 'name') reader.next();
    if (reader.isPunct('(')) reader.skipParens();
    reader.skipDirectives();
  }
  const selections = readSelectionSet(reader);
  if (!reader.done()) throw new QueryParseError('Only one operation per request is supported by the sandbox');
  return { operation, selections };
}

/** Field name → the object type it returns, or null for a scalar. */
type TypeFields = Record<string, string | null>;

const SCHEMA: Record<string, TypeFields> = {
  Query: { account: 'Account', __typename: null },
  Mutation: { appDisconnect: 'AppDisconnectPayload', __typename: null },
  Account: { id: null, name: null, __typename: null },
  AppDisconnectPayload: { app: 'Application', userErrors: 'UserError', __typename: null },
  Application: { id: null, name: null, __typename: null },
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
