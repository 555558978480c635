// The one way the ClickHouse engine talks to ClickHouse: a small connection interface with two
// implementations, chdb (the engine embedded in this process: tests, `chdb:///path`) and the official
// HTTP client (a server or cluster: `clickhouse://...`). Everything above it is the same SQL.

/** Query parameters, bound server-side to `{name:Type}` placeholders (values never enter the SQL). */
export type QueryParams = Readonly<Record<string, unknown>>;

/** Rows to insert: objects, or JSONEachRow text (one JSON object per line) already made. */
export type InsertRows = readonly object[] | string | Buffer;

export interface ClickHouseConnection {
  /** `chdb` (embedded) or `http` (a server through @clickhouse/client). */
  readonly kind: 'chdb' | 'http';
  /** A SELECT's rows as objects (JSONEachRow with the pinned settings below). */
  query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
  /** A statement without a result: DDL, INSERT ... SELECT, ALTER, OPTIMIZE. */
  command(sql: string, params?: QueryParams): Promise<void>;
  /** Rows into a table, as JSONEachRow (columns not given take their defaults). */
  insert(table: string, rows: InsertRows, columns?: readonly string[]): Promise<void>;
  /**
   * An `INSERT ... SELECT ... FROM input('...') FORMAT F` whose data is `body`, streamed to the server as
   * it is read (HTTP only: the embedded engine reads a local file itself, with file()).
   */
  insertFromInput?(sql: string, body: AsyncIterable<Buffer>, params?: QueryParams): Promise<void>;
  close(): Promise<void>;
}

/**
 * Settings pinned on every connection, so chdb (whose defaults are `clickhouse local`'s) and a server
 * behave the same: synchronous durable inserts, SQL-standard NULLs from outer joins, 64-bit integers as
 * JSON numbers (our counts stay far below 2^53), ISO 8601 times accepted as written, mutations that
 * finish before they return.
 */
export const PINNED_SETTINGS = {
  async_insert: 0,
  join_use_nulls: 1,
  output_format_json_quote_64bit_integers: 0,
  date_time_input_format: 'best_effort',
  mutations_sync: 2,
} as const satisfies Record<string, string | number>;

/** An error from ClickHouse, with its numeric code and name when it gave them (e.g. 60 UNKNOWN_TABLE). */
export class ClickHouseError extends Error {
  constructor(
    message: string,
    readonly code?: number,
    readonly codeName?: string,
  ) {
    super(message);
    this.name = 'ClickHouseError';
  }
}

/** `Code: 60. DB::Exception: ... (UNKNOWN_TABLE)` → code 60, name UNKNOWN_TABLE. */
export function parseClickHouseError(text: string): ClickHouseError {
  const code = /Code:\s*(\d+)/.exec(text);
  const name = /\(([A-Z_]+)\)\s*(?:\(version [^)]*\))?\s*$/.exec(text.trim());
  return new ClickHouseError(text.trim(), code ? Number(code[1]) : undefined, name?.[1]);
}

/** JSONEachRow text of rows (an object per line). */
export function toJsonEachRow(rows: InsertRows): string | Buffer {
  if (typeof rows === 'string' || Buffer.isBuffer(rows)) return rows;
  let out = '';
  for (const r of rows) out += JSON.stringify(r) + '\n';
  return out;
}

/** Parses JSONEachRow text into rows. */
export function parseJsonEachRow<T>(text: string): T[] {
  const rows: T[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) rows.push(JSON.parse(text.slice(start, end)) as T);
    start = end + 1;
  }
  return rows;
}
