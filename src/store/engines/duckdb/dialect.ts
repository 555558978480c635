// DuckDB's spelling of the neutral SQL layer (../neutral/sql.ts).
import { listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { Dialect, ParamType, Rendered, Sql } from '../neutral/sql.js';
import { render } from '../neutral/sql.js';
import { VARCHAR_LIST, type Db, type Params, type Row } from './connection.js';

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
  regexpReplaceAll: (e, pattern, replacement) =>
    `regexp_replace(${e}, ${pattern}, ${replacement}, 'g')`,
  epochMs: (e) => `epoch_ms(${e})`,
  listPosition: (list, e) => `list_position(${list}, ${e})`,
  // one version per row in DuckDB (updated in place)
  tableFinal: (name) => name,
  bytesHead: (e, n) => `${e}[1:${n}]`,
  byteLength: (e) => `octet_length(${e})`,
  base64: (e) => `to_base64(${e})`,
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
