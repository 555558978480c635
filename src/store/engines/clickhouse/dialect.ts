// ClickHouse's spelling of the neutral SQL layer (../neutral/sql.ts).
import type { Dialect, ParamType, Sql } from '../neutral/sql.js';
import { render } from '../neutral/sql.js';
import type { ClickHouseConnection } from './connection.js';

const TYPE: Record<ParamType, string> = {
  text: 'String',
  int: 'Int64',
  float: 'Float64',
  bool: 'Bool',
  // times travel as text and are parsed by the one rule below, the same on every path
  time: 'String',
  texts: 'Array(String)',
};

const JSON_PATH = (path: readonly string[]) => path.map((k) => `'${k}'`).join(', ');

/** ClickHouse's dialect for the store's database (tables are always qualified: one chdb process may hold several). */
export function clickHouseDialect(database: string): Dialect {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database))
    throw new Error(`not a database name: ${database}`);
  return {
    ...CLICKHOUSE,
    table: (name) => `${database}.${name}`,
    tableFinal: (name) => `${database}.${name} FINAL`,
  };
}

const CLICKHOUSE: Omit<Dialect, 'table' | 'tableFinal'> = {
  name: 'clickhouse',
  placeholder: (name, type) =>
    type === 'time'
      ? `parseDateTime64BestEffort({${name}:String}, 3, 'UTC')`
      : `{${name}:${TYPE[type]}}`,
  bindValue: (_type, value) => value,
  inList: (e, list) => `has(${list}, ${e})`,
  argMin: (a, by) => `argMin(${a}, ${by})`,
  argMax: (a, by) => `argMax(${a}, ${by})`,
  // as DuckDB's ->>: a string unquoted, JSON null and absence NULL, any other value its JSON text
  jsonText: (col, path) => {
    const at = `${col}, ${JSON_PATH(path)}`;
    return `multiIf(${col} IS NULL OR NOT JSONHas(${at}), NULL, JSONType(${at}) = 'String', JSONExtractString(${at}), JSONType(${at}) = 'Null', NULL, JSONExtractRaw(${at}))`;
  },
  isoTime: (e) => `concat(replaceOne(toString(toDateTime64(${e}, 3, 'UTC')), ' ', 'T'), 'Z')`,
  toTime: (e) => `parseDateTime64BestEffort(${e}, 3, 'UTC')`,
  addMinutes: (t, m) => `addMinutes(${t}, ${m})`,
  md5Hex: (e) => `lower(hex(MD5(${e})))`,
  countAll: () => `count()`,
  countIf: (c) => `countIf(${c})`,
  countDistinct: (es) => `uniqExact(${es.join(', ')})`,
  epochMs: (e) => `toUnixTimestamp64Milli(${e})`,
  // String holds bytes: substring and length count bytes, not characters
  bytesHead: (e, n) => `substring(${e}, 1, ${n})`,
  byteLength: (e) => `length(${e})`,
  base64: (e) => `base64Encode(${e})`,
  // trimBoth takes its characters as bytes: a regular expression over code points instead
  trimChars: (e, chars, bindText) => {
    if (chars === '') return e;
    const set = [...chars].map((c) => `\\x{${c.codePointAt(0)!.toString(16)}}`).join('');
    return `replaceRegexpAll(${e}, ${bindText(`^[${set}]+|[${set}]+$`)}, '')`;
  },
  regexpMatches: (e, pattern) => `match(${e}, ${pattern})`,
  sha256Hex: (e) => `lower(hex(SHA256(${e})))`,
  // IN builds a set of the array's items
  inSet: (e, list) => `${e} IN ${list}`,

  // backslash escapes in literals
  literal: (t) => `'${t.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
  // lower() is ASCII-only in ClickHouse
  lower: (e) => `lowerUTF8(${e})`,
  contains: (e, sub) => `(position(${e}, ${sub}) > 0)`,
  // bytes, not characters, as substring's offset: the two agree with each other
  position: (e, sub) => `position(${e}, ${sub})`,
  substrFrom: (e, start) => `substring(${e}, ${start})`,
  splitPart: (e, sep, n) => `splitByString(${sep}, ${e})[${n}]`,
  split: (e, sep) => `splitByString(${sep}, ${e})`,
  regexpReplaceAll: (e, pat, rep) => `replaceRegexpAll(${e}, ${pat}, ${rep})`,
  // with a group in the pattern, extractAll returns the first group of each match
  regexpExtractAll: (e, pat) => `extractAll(${e}, ${pat})`,
  formDecode: (e) => `decodeURLFormComponent(${e})`,
  jsonObject: (k, v) => `toJSONString(mapFromArrays(${k}, ${v}))`,
  jsonAsText: (e) => e,
  // array elements may be typed Nullable (an array literal of nullable texts): never NULL by contract
  textHashSum: (l) =>
    `if(empty(${l}), NULL, arraySum(arrayMap(x -> cityHash64(ifNull(x, '')), ${l})))`,
  listFilter: (l, x, body) => `arrayFilter(${x} -> ${body}, ${l})`,
  listFilterIndexed: (l, x, i, body) =>
    `arrayFilter((${x}, ${i}) -> ${body}, ${l}, arrayEnumerate(${l}))`,
  listMap: (l, x, body) => `arrayMap(${x} -> ${body}, ${l})`,
  listConcat: (a, b) => `arrayConcat(${a}, ${b})`,
  listPosition: (l, e) => `indexOf(${l}, ${e})`,
  argMinIf: (a, by, c) => `argMinIf(${a}, ${by}, ${c})`,
  lastValueIgnoreNulls: (e) => `last_value(${e}) IGNORE NULLS`,
  // a String holds any bytes
  utf8Text: (e) => `if(isValidUTF8(${e}), ${e}, NULL)`,
  jsonTexts: (e) => `JSONExtract(${e}, 'Array(String)')`,
  listHas: (l, e) => `has(${l}, ${e})`,
  listHasAny: (a, b) => `hasAny(${a}, ${b})`,
  unnestList: (l) => `arrayJoin(${l})`,
  listJoin: (l, sep) => `arrayStringConcat(${l}, ${sep})`,
  utcDay: (t) => `toDate(${t}, 'UTC')`,
  utcWeek: (t) => `toMonday(${t}, 'UTC')`,
  utcMonth: (t) => `toStartOfMonth(${t}, 'UTC')`,
  // signed, so that a difference of two is never an unsigned wrap-around
  monthNumber: (d) => `toInt32(toYear(${d}) * 12 + toMonth(${d}) - 1)`,
  localDay: (t, zone) => `toDate(${t}, ${zone})`,
  // the exact quantile with linear interpolation, as DuckDB's quantile_cont
  quantile: (e, q) => `quantileExactInclusive(${q})(${e})`,
  localWeek: (t, zone) => `toMonday(${t}, ${zone})`,
  localMonth: (t, zone) => `toStartOfMonth(${t}, ${zone})`,
};

/** Renders a neutral query for ClickHouse. */
export function chSql(database: string, q: Sql): { text: string; params: Record<string, unknown> } {
  const { text, params } = render(clickHouseDialect(database), q);
  return { text, params };
}

/** Runs a neutral query on a ClickHouse connection. */
export function queryNeutral<T = Record<string, unknown>>(
  conn: ClickHouseConnection,
  database: string,
  q: Sql,
): Promise<T[]> {
  const { text, params } = chSql(database, q);
  return conn.query<T>(text, params);
}

/** Runs a neutral statement (no result) on a ClickHouse connection. */
export function commandNeutral(
  conn: ClickHouseConnection,
  database: string,
  q: Sql,
): Promise<void> {
  const { text, params } = chSql(database, q);
  return conn.command(text, params);
}
