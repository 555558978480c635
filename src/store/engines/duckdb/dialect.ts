// DuckDB's spelling of the neutral SQL layer (../neutral/sql.ts).
import {
  listValue,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { Dialect, ParamType, Rendered, Sql } from '../neutral/sql.js';
import { render } from '../neutral/sql.js';
import { VARCHAR_LIST, type Db, type Params, type Row } from './connection.js';
import { jsLower } from './js-lower.js';

const PLACEHOLDER: Record<ParamType, (name: string) => string> = {
  text: (n) => `CAST($${n} AS VARCHAR)`,
  int: (n) => `CAST($${n} AS BIGINT)`,
  float: (n) => `CAST($${n} AS DOUBLE)`,
  bool: (n) => `CAST($${n} AS BOOLEAN)`,
  time: (n) => `CAST($${n} AS TIMESTAMPTZ)`,
  texts: (n) => `CAST($${n} AS VARCHAR[])`,
};

export const duckDbDialect: Dialect = {
  name: 'duckdb',
  table: (name) => name,
  placeholder: (name, type) => PLACEHOLDER[type](name),
  bindValue: (type, value) =>
    type === 'texts' ? listValue([...(value as readonly string[])]) : value,
  inList: (e, list) => `list_contains(${list}, ${e})`,
  argMin: (a, by) => `arg_min(${a}, ${by})`,
  argMax: (a, by) => `arg_max(${a}, ${by})`,
  jsonText: (col, path) => `(${col}->>'$.${path.join('.')}')`,
  isoTime: (e) => `strftime(${e} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`,
  toTime: (e) => `CAST(${e} AS TIMESTAMPTZ)`,
  addMinutes: (t, m) => `(${t} + to_minutes(CAST(${m} AS BIGINT)))`,
  md5Hex: (e) => `md5(${e})`,
  countAll: () => `count(*)`,
  countIf: (c) => `count(*) FILTER (WHERE ${c})`,
  countDistinct: (es) => `count(DISTINCT (${es.join(', ')}))`,
  epochMs: (e) => `epoch_ms(${e})`,
  // one version per row in DuckDB (updated in place)
  tableFinal: (name) => name,
  bytesHead: (e, n) => `${e}[1:${n}]`,
  byteLength: (e) => `octet_length(${e})`,
  base64: (e) => `to_base64(${e})`,
  trimChars: (e, chars, bindText) => `trim(${e}, ${bindText(chars)})`,
  regexpMatches: (e, pattern) => `regexp_matches(${e}, ${pattern})`,
  sha256Hex: (e) => `sha256(${e})`,
  // a semi-join on the unnested list (list_contains would scan the list for every row)
  inSet: (e, list) => `${e} IN (SELECT unnest(${list}))`,

  // standard strings: a backslash is itself, a quote is doubled
  literal: (t) => `'${t.replaceAll("'", "''")}'`,
  // as JavaScript lower-cases (the rules' reference), not with DuckDB's older tables
  lower: (e) => jsLower(e),
  contains: (e, sub) => `contains(${e}, ${sub})`,
  position: (e, sub) => `strpos(${e}, ${sub})`,
  substrFrom: (e, start) => `substr(${e}, ${start})`,
  splitPart: (e, sep, n) => `split_part(${e}, ${sep}, ${n})`,
  split: (e, sep) => `string_split(${e}, ${sep})`,
  regexpReplaceAll: (e, pat, rep) => `regexp_replace(${e}, ${pat}, ${rep}, 'g')`,
  regexpExtractAll: (e, pat) => `regexp_extract_all(${e}, ${pat}, 1)`,
  formDecode: (e) => `url_decode(replace(${e}, '+', ' '))`,
  jsonObject: (k, v) => `to_json(map(${k}, ${v}))`,
  jsonAsText: (e) => `CAST(${e} AS VARCHAR)`,
  textHashSum: (l) => `list_sum(list_transform(${l}, lambda x: hash(x)))`,
  listFilter: (l, x, body) => `list_filter(${l}, lambda ${x}: ${body})`,
  listFilterIndexed: (l, x, i, body) => `list_filter(${l}, lambda ${x}, ${i}: ${body})`,
  listMap: (l, x, body) => `list_transform(${l}, lambda ${x}: ${body})`,
  listConcat: (a, b) => `list_concat(${a}, ${b})`,
  listPosition: (l, e) => `list_position(${l}, ${e})`,
  argMinIf: (a, by, c) => `arg_min(${a}, ${by}) FILTER (WHERE ${c})`,
  lastValueIgnoreNulls: (e) => `last_value(${e} IGNORE NULLS)`,
  // decode fails on bytes that are not UTF-8
  utf8Text: (e) => `try(decode(${e}))`,
  // through JSON, so that JSON text is read as JSON (a string item unquoted), not as a list literal
  jsonTexts: (e) => `CAST(CAST(${e} AS JSON) AS VARCHAR[])`,
  listHas: (l, e) => `list_contains(${l}, ${e})`,
  listHasAny: (a, b) => `list_has_any(${a}, ${b})`,
  unnestList: (l) => `unnest(${l})`,
  listJoin: (l, sep) => `array_to_string(${l}, ${sep})`,
  // a TIMESTAMPTZ's DATE is the session time zone's day: read it as UTC first
  utcDay: (t) => `CAST(timezone('UTC', ${t}) AS DATE)`,
  // date_trunc's week starts on Monday (ISO)
  utcWeek: (t) => `CAST(date_trunc('week', timezone('UTC', ${t})) AS DATE)`,
  utcMonth: (t) => `CAST(date_trunc('month', timezone('UTC', ${t})) AS DATE)`,
  monthNumber: (d) => `CAST(year(${d}) * 12 + month(${d}) - 1 AS INTEGER)`,
  localDay: (t, zone) => `CAST(timezone(${zone}, ${t}) AS DATE)`,
  quantile: (e, q) => `quantile_cont(${e}, ${q})`,
  localWeek: (t, zone) => `CAST(date_trunc('week', timezone(${zone}, ${t})) AS DATE)`,
  localMonth: (t, zone) => `CAST(date_trunc('month', timezone(${zone}, ${t})) AS DATE)`,
};

/** Renders a neutral query for DuckDB. */
export function duckSql(q: Sql): {
  text: string;
  params: Params;
  types: Record<string, DuckDBType>;
} {
  const r: Rendered = render(duckDbDialect, q);
  // a list's item type cannot be inferred from an empty list: every list parameter is declared
  const types: Record<string, DuckDBType> = {};
  for (const [name, type] of Object.entries(r.types))
    if (type === 'texts') types[name] = VARCHAR_LIST;
  return { text: r.text, params: r.params as Record<string, DuckDBValue>, types };
}

/** Runs a neutral query on the reader connection. */
export function queryNeutral(db: Db, q: Sql): Promise<Row[]> {
  const { text, params, types } = duckSql(q);
  return db.query(text, params, types);
}

/** Runs a neutral statement on a connection the caller holds (the writer, inside db.write). */
export async function runNeutral(conn: DuckDBConnection, q: Sql): Promise<number> {
  const { text, params, types } = duckSql(q);
  return (await conn.run(text, params, types)).rowsChanged;
}

/** Reads a neutral query's rows on a connection the caller holds. */
export async function readNeutral(conn: DuckDBConnection, q: Sql): Promise<Row[]> {
  const { text, params, types } = duckSql(q);
  return (await conn.runAndReadAll(text, params, types)).getRowObjectsJson() as Row[];
}

/** Reads a neutral query's result column by column (many rows: no object per row). */
export async function readNeutralColumns(conn: DuckDBConnection, q: Sql): Promise<DuckDBValue[][]> {
  const { text, params, types } = duckSql(q);
  return (await conn.runAndReadAll(text, params, types)).getColumns();
}
