// One copy of every query: SQL written once as a tagged template, rendered by each engine's dialect.
// Most analytic SQL is common to DuckDB and ClickHouse (CTEs, windows, joins, aggregates); what differs
// is spelled through a dialect function (fn.*), and parameters are typed so each engine can bind them
// its own way ($name in DuckDB, {name:Type} in ClickHouse). The choice and its reasons:
// docs/architecture.md, "One copy of every query".

/** The types a parameter may have: enough for every query, and each maps to one type per engine. */
export type ParamType = 'text' | 'int' | 'float' | 'bool' | 'time' | 'texts';

export interface Param {
  readonly kind: 'param';
  readonly type: ParamType;
  readonly value: unknown;
}

/** What an engine supplies: how to bind a parameter, and the functions whose spelling differs. */
export interface Dialect {
  readonly name: string;
  /** A table of the store by its name (an engine may qualify it, e.g. with its database). */
  table(name: string): string;
  /** The placeholder of the n-th parameter of a query, e.g. `$p3` or `{p3:String}`. */
  placeholder(name: string, type: ParamType): string;
  /** The value as the engine's binding wants it. */
  bindValue(type: ParamType, value: unknown): unknown;
  /** `expr IN list`, where the list is a `texts` parameter's placeholder. */
  inList(expr: string, list: string): string;
  /** The value of `arg` on the row where `by` is smallest. */
  argMin(arg: string, by: string): string;
  argMax(arg: string, by: string): string;
  /** A JSON column's field at a dotted path, as text (NULL when absent). */
  jsonText(column: string, path: readonly string[]): string;
  /** A time as ISO 8601 UTC text with milliseconds, `2024-01-01T10:00:00.000Z`. */
  isoTime(expr: string): string;
  /** A `text` parameter or expression as a time (ISO 8601). */
  toTime(expr: string): string;
  /** `time + n minutes`, n an integer expression. */
  addMinutes(time: string, minutes: string): string;
  /** Lower-case hex md5 of a text. */
  md5Hex(expr: string): string;
  /** Count of rows as a plain integer. */
  countAll(): string;
  /** Count of rows where `cond` holds. */
  countIf(cond: string): string;
  /** Count of distinct combinations of the expressions. */
  countDistinct(exprs: readonly string[]): string;
  /** Every match of a regular expression (RE2 syntax, common to both) replaced. */
  regexpReplaceAll(expr: string, pattern: string, replacement: string): string;
  /** Milliseconds since the epoch of a time. */
  epochMs(expr: string): string;
  /** 1-based position of a value in a `texts` list (the value is in the list). */
  listPosition(list: string, expr: string): string;
  /**
   * A versioned table's current rows (ClickHouse: FINAL, which merges a ReplacingMergeTree's versions at
   * read time; kept for small audit tables). No alias may follow it: ClickHouse wants FINAL after one.
   */
  tableFinal(name: string): string;
  /** The first `n` bytes of a byte string (DuckDB BLOB, ClickHouse String). */
  bytesHead(expr: string, n: number): string;
  /** The length of a byte string in bytes. */
  byteLength(expr: string): string;
  /** A byte string as base64 text (bytes that may not be UTF-8 cross into JavaScript intact). */
  base64(expr: string): string;

  // Identity resolution (neutral/identity-queries.ts)
  /**
   * `expr` with every leading and trailing character of `chars` removed, by code point (DuckDB's trim;
   * ClickHouse's trimBoth works on bytes, which would cut a multi-byte character apart). `bindText`
   * binds a text parameter and gives its placeholder.
   */
  trimChars(expr: string, chars: string, bindText: (value: string) => string): string;
  /** Whether an RE2 pattern matches anywhere in the text (anchor it with ^ and $ for the whole). */
  regexpMatches(expr: string, pattern: string): string;
  /** Lower-case hex SHA-256 of a text's UTF-8 bytes. */
  sha256Hex(expr: string): string;
  /**
   * `expr IN list` for a `texts` list that may be long (thousands of ids): a hashed set, where inList
   * may search the list once per row.
   */
  inSet(expr: string, list: string): string;
}

/** A piece of a template: a parameter, another query, a dialect function, or raw trusted text. */
export type Piece = Param | Sql | DialectFragment | Raw;

export interface DialectFragment {
  readonly kind: 'fn';
  render(d: Dialect, bind: (p: Param) => string): string;
}

/** Trusted SQL text (identifiers and keywords we wrote): never a value from outside. */
export interface Raw {
  readonly kind: 'raw';
  readonly text: string;
}

export class Sql {
  readonly kind = 'sql';
  constructor(
    readonly strings: readonly string[],
    readonly pieces: readonly Piece[],
  ) {}
}

/** The tag: sql`SELECT ... WHERE workspace_id = ${p.text(ws)}`. */
export function sql(strings: TemplateStringsArray, ...pieces: Piece[]): Sql {
  return new Sql([...strings], pieces);
}

/** Typed parameters. */
export const p = {
  text: (value: string): Param => ({ kind: 'param', type: 'text', value }),
  int: (value: number): Param => {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer parameter: ${value}`);
    return { kind: 'param', type: 'int', value };
  },
  float: (value: number): Param => ({ kind: 'param', type: 'float', value }),
  bool: (value: boolean): Param => ({ kind: 'param', type: 'bool', value }),
  /** An ISO 8601 time (text or Date). */
  time: (value: string | Date): Param => ({
    kind: 'param',
    type: 'time',
    value: value instanceof Date ? value.toISOString() : value,
  }),
  texts: (value: readonly string[]): Param => ({ kind: 'param', type: 'texts', value }),
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** An identifier we chose (a table or column name), checked so nothing else passes as raw SQL. */
export function ident(name: string): Raw {
  if (!IDENT.test(name)) throw new Error(`not an identifier: ${name}`);
  return { kind: 'raw', text: name };
}

/** Trusted SQL text written in this code base (a keyword, an operator, an empty string). */
export function raw(text: string): Raw {
  return { kind: 'raw', text };
}

/** Joins queries with a separator (e.g. conditions with ' AND '). */
export function join(parts: readonly Sql[], separator: string): Sql {
  const strings: string[] = [''];
  const pieces: Piece[] = [];
  parts.forEach((part, i) => {
    if (i > 0) strings[strings.length - 1] += separator;
    pieces.push(part);
    strings.push('');
  });
  return new Sql(strings, pieces);
}

const fragment = (render: DialectFragment['render']): DialectFragment => ({ kind: 'fn', render });
const expr = (e: Piece | string) => (typeof e === 'string' ? raw(e) : e);

/** The dialect functions, usable inside any template. Arguments are pieces or trusted SQL text. */
export const fn = {
  /** A table of the store: `FROM ${fn.table('events')}`. */
  table: (name: string) => {
    ident(name);
    return fragment((d) => d.table(name));
  },
  inList: (e: Piece | string, list: Param) =>
    fragment((d, bind) => d.inList(piece(d, bind, expr(e)), bind(list))),
  argMin: (arg: Piece | string, by: Piece | string) =>
    fragment((d, bind) => d.argMin(piece(d, bind, expr(arg)), piece(d, bind, expr(by)))),
  argMax: (arg: Piece | string, by: Piece | string) =>
    fragment((d, bind) => d.argMax(piece(d, bind, expr(arg)), piece(d, bind, expr(by)))),
  jsonText: (column: string, ...path: string[]) => {
    for (const k of path) if (!/^[A-Za-z0-9_]+$/.test(k)) throw new Error(`not a JSON key: ${k}`);
    return fragment((d) => d.jsonText(ident(column).text, path));
  },
  isoTime: (e: Piece | string) => fragment((d, bind) => d.isoTime(piece(d, bind, expr(e)))),
  toTime: (e: Piece | string) => fragment((d, bind) => d.toTime(piece(d, bind, expr(e)))),
  addMinutes: (time: Piece | string, minutes: Piece | string) =>
    fragment((d, bind) => d.addMinutes(piece(d, bind, expr(time)), piece(d, bind, expr(minutes)))),
  md5Hex: (e: Piece | string) => fragment((d, bind) => d.md5Hex(piece(d, bind, expr(e)))),
  countAll: () => fragment((d) => d.countAll()),
  countIf: (cond: Piece | string) => fragment((d, bind) => d.countIf(piece(d, bind, expr(cond)))),
  countDistinct: (...exprs: (Piece | string)[]) =>
    fragment((d, bind) => d.countDistinct(exprs.map((e) => piece(d, bind, expr(e))))),
  /** `pattern` and `replacement` are constants we wrote (RE2; replacement without group references). */
  regexpReplaceAll: (e: Piece | string, pattern: string, replacement: string) =>
    fragment((d, bind) =>
      d.regexpReplaceAll(piece(d, bind, expr(e)), quote(pattern), quote(replacement)),
    ),
  epochMs: (e: Piece | string) => fragment((d, bind) => d.epochMs(piece(d, bind, expr(e)))),
  listPosition: (list: Param, e: Piece | string) =>
    fragment((d, bind) => d.listPosition(bind(list), piece(d, bind, expr(e)))),
  /** A versioned table's current rows: `FROM ${fn.tableFinal('dead_letters')}` (no alias after it). */
  tableFinal: (name: string) => {
    ident(name);
    return fragment((d) => d.tableFinal(name));
  },
  bytesHead: (e: Piece | string, n: number) => {
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`not a byte count: ${n}`);
    return fragment((d, bind) => d.bytesHead(piece(d, bind, expr(e)), n));
  },
  byteLength: (e: Piece | string) => fragment((d, bind) => d.byteLength(piece(d, bind, expr(e)))),
  base64: (e: Piece | string) => fragment((d, bind) => d.base64(piece(d, bind, expr(e)))),
  /** `chars`: a constant set of characters we wrote (e.g. the opaque-id rule's trimmed characters). */
  trimChars: (e: Piece | string, chars: string) =>
    fragment((d, bind) => d.trimChars(piece(d, bind, expr(e)), chars, (v) => bind(p.text(v)))),
  /** `pattern`: a constant RE2 pattern we wrote (no backslashes). */
  regexpMatches: (e: Piece | string, pattern: string) =>
    fragment((d, bind) => d.regexpMatches(piece(d, bind, expr(e)), quote(pattern))),
  sha256Hex: (e: Piece | string) => fragment((d, bind) => d.sha256Hex(piece(d, bind, expr(e)))),
  inSet: (e: Piece | string, list: Param) =>
    fragment((d, bind) => d.inSet(piece(d, bind, expr(e)), bind(list))),
};

/** A constant as an SQL string literal (both engines: quotes doubled; backslashes are literal in neither's patterns we write). */
function quote(s: string): string {
  if (s.includes('\\')) throw new Error(`no backslashes in constant patterns: ${s}`);
  return `'${s.replaceAll("'", "''")}'`;
}

function piece(d: Dialect, bind: (p: Param) => string, x: Piece): string {
  switch (x.kind) {
    case 'param':
      return bind(x);
    case 'raw':
      return x.text;
    case 'fn':
      return x.render(d, bind);
    case 'sql':
      return renderInto(d, x, bind);
  }
}

function renderInto(d: Dialect, q: Sql, bind: (p: Param) => string): string {
  let text = q.strings[0] ?? '';
  q.pieces.forEach((x, i) => {
    text += piece(d, bind, x) + (q.strings[i + 1] ?? '');
  });
  return text;
}

export interface Rendered {
  text: string;
  params: Record<string, unknown>;
  /** Each parameter's neutral type (an engine may need it to bind, e.g. an empty list). */
  types: Record<string, ParamType>;
}

/** The query as one engine runs it: its text and its named parameters. */
export function render(d: Dialect, q: Sql): Rendered {
  const params: Record<string, unknown> = {};
  const types: Record<string, ParamType> = {};
  let n = 0;
  const bind = (x: Param) => {
    const name = `p${n++}`;
    params[name] = d.bindValue(x.type, x.value);
    types[name] = x.type;
    return d.placeholder(name, x.type);
  };
  return { text: renderInto(d, q, bind), params, types };
}
