import {
  DuckDBInstance,
  LIST,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { jsLowerMacroSql } from './js-lower.js';

export type Params = Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

/** Runs one task at a time: a DuckDB connection executes one statement at a time. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** What the engine may use: memory (bytes), threads, and where it spills what does not fit. */
export interface EngineLimits {
  memoryLimit: number;
  threads: number;
  tempDirectory: string;
}

/** DuckDB's settings for the limits (memory in KiB: DuckDB rounds nothing away at that grain). */
export function engineSettings(limits: EngineLimits): Record<string, string> {
  return {
    memory_limit: `${Math.floor(limits.memoryLimit / 1024)}KiB`,
    threads: String(limits.threads),
    temp_directory: limits.tempDirectory,
  };
}

/** One database file, a writer connection and a reader connection, each used serially. */
export class Db {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly writer: DuckDBConnection,
    readonly reader: DuckDBConnection,
  ) {}
  readonly writes = new SerialQueue();
  readonly reads = new SerialQueue();

  static async open(path: string, limits?: EngineLimits): Promise<Db> {
    const instance = await DuckDBInstance.create(path, limits ? engineSettings(limits) : undefined);
    const writer = await instance.connect();
    const reader = await instance.connect();
    for (const conn of [writer, reader]) await conn.run(jsLowerMacroSql());
    return new Db(instance, writer, reader);
  }

  /** Read rows as plain JSON-friendly objects. */
  query(sql: string, params?: Params, types?: Record<string, DuckDBType>): Promise<Row[]> {
    return this.reads.run(async () => {
      const r = await this.reader.runAndReadAll(sql, params, types);
      return r.getRowObjectsJson() as Row[];
    });
  }

  /** Read a result column by column (for large numeric results: no object per row). */
  queryColumns(
    sql: string,
    params?: Params,
    types?: Record<string, DuckDBType>,
  ): Promise<DuckDBValue[][]> {
    return this.reads.run(async () =>
      (await this.reader.runAndReadAll(sql, params, types)).getColumns(),
    );
  }

  /** A write (or a sequence of them) on the writer connection, serialised with every other write. */
  write<T>(task: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.writes.run(() => task(this.writer));
  }

  /** A write wrapped in a transaction: all or nothing. */
  transaction<T>(task: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.write(async (conn) => {
      await conn.run('BEGIN TRANSACTION');
      try {
        const out = await task(conn);
        await conn.run('COMMIT');
        return out;
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * Reads that must see one snapshot (e.g. rowids found by one query and fetched by the next), serialised
   * with every other read. A read has nothing to commit, so it always ends with a rollback.
   */
  readTransaction<T>(task: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.reads.run(async () => {
      await this.reader.run('BEGIN TRANSACTION');
      try {
        return await task(this.reader);
      } finally {
        await this.reader.run('ROLLBACK').catch(() => undefined);
      }
    });
  }

  async close(): Promise<void> {
    await this.writes.run(async () => undefined);
    await this.reads.run(async () => undefined);
    await this.writer.run('CHECKPOINT').catch(() => undefined);
    this.writer.closeSync();
    this.reader.closeSync();
    this.instance.closeSync();
  }
}

/** SQL string literal (for the few places DuckDB takes no parameter, e.g. table-function file paths). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The type of a list-of-text parameter: needed when the list may be empty (its items' type cannot be inferred). */
export const VARCHAR_LIST = LIST(VARCHAR);

// a UTF-16 surrogate with no partner: JSON.stringify writes it as an escape DuckDB's JSON reader refuses
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A list of texts as one JSON text parameter, for `unnest(from_json($p, '["VARCHAR"]'))` (textsFromJson):
 * a list parameter binds each item through the client one by one, which cost most of a large insert;
 * one JSON text is parsed inside the engine, several times faster. A lone surrogate becomes U+FFFD, as
 * a list parameter's UTF-8 conversion makes it.
 */
export function textsAsJson(values: ReadonlyArray<string | null>): string {
  const json = JSON.stringify(values);
  return json.includes('\\ud') ? JSON.stringify(values.map(wellFormed)) : json;
}

const wellFormed = (v: string | null): string | null =>
  v === null ? null : v.replace(LONE_SURROGATE, '\ufffd');

/** The SQL list of texts a textsAsJson parameter holds. */
export const textsFromJson = (param: string): string => `from_json(${param}, '["VARCHAR"]')`;
