// Whole-database reads for tests on the ClickHouse engine, the counterparts of scan-db.ts and
// database-scan.ts on DuckDB: every table of the store's database with its columns, each cell as text,
// searched for strings or patterns; a table's rows as JSON text. Scans read every row version present
// (no FINAL): an older version of a row still holding a secret is a leak too.
import { queryNeutral } from '../store/engines/clickhouse/dialect.js';
import type { ChStore } from '../store/engines/clickhouse/events.js';
import { JSON_COLUMNS } from '../store/engines/clickhouse/privacy.js';
import { TABLES } from '../store/engines/clickhouse/schema.js';
import type { PersonTableName } from '../store/engines/neutral/privacy-queries.js';
import { fn, raw, sql, type Sql } from '../store/engines/neutral/sql.js';

export interface Column {
  name: string;
  type: string;
}

/** Every table of the store's database with its columns and types, in column order. */
export async function chTableColumns(s: ChStore): Promise<Map<string, Column[]>> {
  const rows = await s.conn.query<{ table: string; name: string; type: string }>(
    `SELECT table, name, type FROM system.columns WHERE database = {db:String} ORDER BY table, position`,
    { db: s.database },
  );
  const tables = new Map<string, Column[]>();
  for (const r of rows)
    tables.set(r.table, [...(tables.get(r.table) ?? []), { name: r.name, type: r.type }]);
  return tables;
}

const NUMERIC_OR_TIME =
  /^(Nullable\()?(U?Int\d+|Float\d+|Decimal.*|Bool|Date.*|DateTime.*|Interval.*)\)?$/;

/** Whether a column of this type holds text a secret could be in (not a number, flag or time). */
export const holdsText = (type: string): boolean => !NUMERIC_OR_TIME.test(type);

/**
 * A cell as text, lower-cased: strings as they are (bytes that are not UTF-8 become U+FFFD, as DuckDB's
 * scan turns them into spaces), anything else as ClickHouse writes it.
 */
const cellText = (c: Column) => {
  const text = /^(Nullable\(|LowCardinality\()*String\)*$/.test(c.type)
    ? `\`${c.name}\``
    : `toString(\`${c.name}\`)`;
  return `lowerUTF8(toValidUTF8(${text}))`;
};

/** How many rows of `table` (those `where` selects) have a cell of `column` that contains `needle`, in any case. */
export async function chCountContaining(
  s: ChStore,
  table: string,
  column: Column,
  needle: string,
  where = 'true',
): Promise<number> {
  const [r] = await s.conn.query<{ n: number }>(
    `SELECT count() AS n FROM ${s.database}.\`${table}\`
     WHERE (${where}) AND position(${cellText(column)}, lowerUTF8({needle:String})) > 0`,
    { needle },
  );
  return Number(r?.n ?? 0);
}

/** As chCountContaining, for an RE2 pattern (lower case) matched against the lower-cased cell. */
export async function chCountMatching(
  s: ChStore,
  table: string,
  column: Column,
  pattern: string,
  where = 'true',
): Promise<number> {
  const [r] = await s.conn.query<{ n: number }>(
    `SELECT count() AS n FROM ${s.database}.\`${table}\`
     WHERE (${where}) AND match(${cellText(column)}, {pattern:String})`,
    { pattern },
  );
  return Number(r?.n ?? 0);
}

const VERSIONED = new Set(
  TABLES.filter((t) => t.engine === 'ReplacingMergeTree').map((t) => t.name),
);

/**
 * The current rows of a table that `where` selects, each as JSON text (all columns, in order), sorted: a
 * versioned table's rows as FINAL merges them, less their version; a dead letter's raw bytes as base64;
 * the columns ClickHouse keeps as JSON text as JSON values, as the person export gives them.
 */
export async function chTableRows(s: ChStore, table: string, where: Sql): Promise<string[]> {
  const versioned = VERSIONED.has(table);
  const projection =
    table === 'dead_letters'
      ? '* EXCEPT (raw, version), base64Encode(raw) AS raw'
      : versioned
        ? '* EXCEPT (version)'
        : '*';
  const rows = await queryNeutral(
    s.conn,
    s.database,
    sql`SELECT ${raw(projection)} FROM ${versioned ? fn.tableFinal(table) : fn.table(table)} WHERE ${where}`,
  );
  const json = JSON_COLUMNS[table as PersonTableName] ?? [];
  return rows
    .map((r) => {
      for (const c of json)
        if (typeof r[c] === 'string') r[c] = JSON.parse(r[c] as string) as unknown;
      return JSON.stringify(r);
    })
    .sort();
}
