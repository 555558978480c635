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
  /** The value of `arg` on the row where `by` is smallest (rows whose `arg` is NULL are skipped). */
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
  /** Milliseconds since the epoch of a time. */
  epochMs(expr: string): string;
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

  // Text, lists and JSON (the sessions derive). Lists are 1-based in both engines.
  /** A text literal of trusted text written in this code base (a separator, a regular expression). */
  literal(text: string): string;
  /** Lower case, Unicode-aware (as JavaScript's toLowerCase for the letters URLs carry). */
  lower(e: string): string;
  /** Whether `e` contains `sub` (NULL when `e` is NULL). */
  contains(e: string, sub: string): string;
  /** Where `sub` first occurs in `e`, 1-based; 0 when it does not (positions and substrFrom agree). */
  position(e: string, sub: string): string;
  /** `e` from position `start` (1-based) to its end. */
  substrFrom(e: string, start: string): string;
  /** The n-th (1-based) part of `e` split on `sep`; '' when there are fewer parts. */
  splitPart(e: string, sep: string, n: number): string;
  /** `e` split on `sep` into a list of texts ('' gives ['']). */
  split(e: string, sep: string): string;
  /** Every match of an RE2 pattern replaced (`\1` in the replacement names a group). */
  regexpReplaceAll(e: string, pattern: string, replacement: string): string;
  /** The first group of every match of an RE2 pattern, as a list. */
  regexpExtractAll(e: string, pattern: string): string;
  /** An HTML form value decoded: `+` is a space, `%XX` a byte; a malformed escape stays as written. */
  formDecode(e: string): string;
  /** A JSON object (text) from a list of keys and a list of values (keys distinct). */
  jsonObject(keys: string, values: string): string;
  /** A JSON column's value as JSON text. */
  jsonAsText(e: string): string;
  /** A number for a multiset of texts: the sum of their 64-bit hashes; NULL for an empty list. */
  textHashSum(list: string): string;
  /** The items of a list for which `body` (over the item `x`) holds. */
  listFilter(list: string, x: string, body: string): string;
  /** As listFilter, `body` over the item `x` and its 1-based index `i`. */
  listFilterIndexed(list: string, x: string, i: string, body: string): string;
  /** A list with `body` (over the item `x`) applied to each item. */
  listMap(list: string, x: string, body: string): string;
  listConcat(a: string, b: string): string;
  /** The 1-based index of the first item equal to `e` (only used for items known to be there). */
  listPosition(list: string, e: string): string;
  /** argMin over the rows where `cond` holds (undefined when none does: check with countIf). */
  argMinIf(arg: string, by: string, cond: string): string;
  /** The window function `last_value` skipping NULLs (followed by the template's `OVER (...)`). */
  lastValueIgnoreNulls(e: string): string;

  // A person's export and erasure (neutral/person-lookup-queries.ts)
  /** A byte string as text; NULL when its bytes are not UTF-8 (which text search cannot read). */
  utf8Text(e: string): string;
  // Journeys (neutral/journey-queries.ts)
  /** A JSON array of texts (a JSON column, or JSON text; never NULL) as a list of texts. */
  jsonTexts(e: string): string;
  /** Whether a list holds `e`. */
  listHas(list: string, e: string): string;
  /** Whether two lists share an item. */
  listHasAny(a: string, b: string): string;
  /**
   * In a select list: the row repeated once per item of the list, the expression that item (an empty
   * list drops the row). One set of rules applied to rows in one pass, where a UNION ALL of one select
   * per rule makes ClickHouse read the source once per rule.
   */
  unnestList(list: string): string;
  // The click-id rule (neutral/url-params.ts)
  /** A list of texts joined into one text with `sep` between items. */
  listJoin(list: string, sep: string): string;
  // Money (neutral/crm-queries.ts: a CRM amount converted at its day's rate)
  /** The UTC calendar day of a time, as a DATE (whatever the session's time zone). */
  utcDay(time: string): string;
  /** The Monday of a time's UTC week (ISO weeks), as a DATE. */
  utcWeek(time: string): string;
  /** The first day of a time's UTC month, as a DATE. */
  utcMonth(time: string): string;
  /** A DATE's month as a signed integer count of months (year * 12 + month - 1): differences are months apart. */
  monthNumber(date: string): string;
  // Reports (src/reports/): days of the workspace's time zone
  /** The calendar day of a time in an IANA time zone (a trusted literal), as a DATE. */
  localDay(time: string, zone: string): string;
  // Distributions (neutral/pipeline-report-queries.ts: the sales cycle)
  /**
   * The aggregate `q`-quantile of `e`, interpolated linearly between the two nearest values (R's type 7,
   * Excel's PERCENTILE.INC), so both engines give the same number for the same values.
   */
  quantile(e: string, q: number): string;
  /** The Monday of a time's week in an IANA time zone (a trusted literal), as a DATE. */
  localWeek(time: string, zone: string): string;
  /** The first day of a time's month in an IANA time zone (a trusted literal), as a DATE. */
  localMonth(time: string, zone: string): string;
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
  epochMs: (e: Piece | string) => fragment((d, bind) => d.epochMs(piece(d, bind, expr(e)))),
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

  /** A literal of trusted text written here (never a value from outside: use a parameter). */
  lit: (text: string) => fragment((d) => d.literal(text)),
  /** `e IN ('a', 'b', ...)` for a fixed list of trusted texts. */
  inTexts: (e: Piece | string, values: readonly string[]) =>
    fragment(
      (d, bind) => `${piece(d, bind, expr(e))} IN (${values.map((v) => d.literal(v)).join(', ')})`,
    ),
  lower: (e: Piece | string) => one((d, x) => d.lower(x), e),
  contains: (e: Piece | string, sub: string) => one((d, x) => d.contains(x, d.literal(sub)), e),
  position: (e: Piece | string, sub: string) => one((d, x) => d.position(x, d.literal(sub)), e),
  substrFrom: (e: Piece | string, start: Piece | string) =>
    two((d, x, y) => d.substrFrom(x, y), e, start),
  splitPart: (e: Piece | string, sep: string, n: number) => {
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`not a part number: ${n}`);
    return one((d, x) => d.splitPart(x, d.literal(sep), n), e);
  },
  split: (e: Piece | string, sep: string) => one((d, x) => d.split(x, d.literal(sep)), e),
  regexpReplaceAll: (e: Piece | string, pattern: string, replacement: string) =>
    one((d, x) => d.regexpReplaceAll(x, d.literal(pattern), d.literal(replacement)), e),
  regexpExtractAll: (e: Piece | string, pattern: string) =>
    one((d, x) => d.regexpExtractAll(x, d.literal(pattern)), e),
  formDecode: (e: Piece | string) => one((d, x) => d.formDecode(x), e),
  jsonObject: (keys: Piece | string, values: Piece | string) =>
    two((d, k, v) => d.jsonObject(k, v), keys, values),
  jsonAsText: (e: Piece | string) => one((d, x) => d.jsonAsText(x), e),
  textHashSum: (list: Piece | string) => one((d, x) => d.textHashSum(x), list),
  /** `fn.listFilter(list, 'x', sql\`x <> ''\`)`: the lambda's variable is an identifier we chose. */
  listFilter: (list: Piece | string, x: string, body: Piece | string) =>
    two((d, l, b) => d.listFilter(l, ident(x).text, b), list, body),
  listFilterIndexed: (list: Piece | string, x: string, i: string, body: Piece | string) =>
    two((d, l, b) => d.listFilterIndexed(l, ident(x).text, ident(i).text, b), list, body),
  listMap: (list: Piece | string, x: string, body: Piece | string) =>
    two((d, l, b) => d.listMap(l, ident(x).text, b), list, body),
  listConcat: (a: Piece | string, b: Piece | string) => two((d, x, y) => d.listConcat(x, y), a, b),
  listPosition: (list: Piece | string, e: Piece | string) =>
    two((d, l, x) => d.listPosition(l, x), list, e),
  argMinIf: (arg: Piece | string, by: Piece | string, cond: Piece | string) =>
    three((d, a, b, c) => d.argMinIf(a, b, c), arg, by, cond),
  lastValueIgnoreNulls: (e: Piece | string) => one((d, x) => d.lastValueIgnoreNulls(x), e),
  /** Whether `e` contains one of the texts, each bound as a parameter (false for none). */
  containsAny: (e: Piece | string, needles: readonly string[]) =>
    fragment((d, bind) => {
      if (needles.length === 0) return 'false';
      const x = piece(d, bind, expr(e));
      return `(${needles.map((n) => d.contains(x, bind(p.text(n)))).join(' OR ')})`;
    }),
  utf8Text: (e: Piece | string) => one((d, x) => d.utf8Text(x), e),
  jsonTexts: (e: Piece | string) => one((d, x) => d.jsonTexts(x), e),
  listHas: (list: Piece | string, e: Piece | string) => two((d, l, x) => d.listHas(l, x), list, e),
  listHasAny: (a: Piece | string, b: Piece | string) => two((d, x, y) => d.listHasAny(x, y), a, b),
  /** regexpMatches with a pattern built at run time (bound as a text parameter: any characters). */
  regexpMatchesBound: (e: Piece | string, pattern: string) =>
    fragment((d, bind) => d.regexpMatches(piece(d, bind, expr(e)), bind(p.text(pattern)))),
  /** `SELECT ${fn.unnestList('[1, 2]')} AS i, x FROM t`: each row of t twice, i = 1 then 2. */
  unnestList: (list: Piece | string) => one((d, l) => d.unnestList(l), list),
  listJoin: (list: Piece | string, sep: string) =>
    one((d, l) => d.listJoin(l, d.literal(sep)), list),
  utcDay: (time: Piece | string) => one((d, t) => d.utcDay(t), time),
  utcWeek: (time: Piece | string) => one((d, t) => d.utcWeek(t), time),
  utcMonth: (time: Piece | string) => one((d, t) => d.utcMonth(t), time),
  monthNumber: (date: Piece | string) => one((d, x) => d.monthNumber(x), date),
  /** The day of a time in the zone (checked as an IANA zone before it gets here: it is a literal). */
  localDay: (time: Piece | string, zone: string) =>
    one((d, t) => d.localDay(t, d.literal(zone)), time),
  quantile: (e: Piece | string, q: number) => {
    if (!(q >= 0 && q <= 1)) throw new Error(`not a quantile: ${q}`);
    return one((d, x) => d.quantile(x, q), e);
  },
  localWeek: (time: Piece | string, zone: string) =>
    one((d, t) => d.localWeek(t, d.literal(zone)), time),
  localMonth: (time: Piece | string, zone: string) =>
    one((d, t) => d.localMonth(t, d.literal(zone)), time),
};

/** A constant as an SQL string literal (both engines: quotes doubled; backslashes are literal in neither's patterns we write). */
function quote(s: string): string {
  if (s.includes('\\')) throw new Error(`no backslashes in constant patterns: ${s}`);
  return `'${s.replaceAll("'", "''")}'`;
}

type Arg = Piece | string;
/** A dialect function of one, two or three rendered arguments. */
function one(f: (d: Dialect, a: string) => string, a: Arg): DialectFragment {
  return fragment((d, bind) => f(d, piece(d, bind, expr(a))));
}
function two(f: (d: Dialect, a: string, b: string) => string, a: Arg, b: Arg): DialectFragment {
  return fragment((d, bind) => f(d, piece(d, bind, expr(a)), piece(d, bind, expr(b))));
}
function three(
  f: (d: Dialect, a: string, b: string, c: string) => string,
  a: Arg,
  b: Arg,
  c: Arg,
): DialectFragment {
  return fragment((d, bind) =>
    f(d, piece(d, bind, expr(a)), piece(d, bind, expr(b)), piece(d, bind, expr(c))),
  );
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
