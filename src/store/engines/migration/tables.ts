// What a migration moves: every data table of the ClickHouse schema (its columns are DuckDB's; a test holds
// them so), each column with the kind its DuckDB type gives it, and how the table is read in chunks. The
// control plane's tables (workspaces, settings, leases) are not in that schema: they stay where the
// control plane is.
import { fn, ident, join, p, raw, sql, type Sql } from '../neutral/sql.js';
import { TABLES, type TableSpec } from '../clickhouse/schema.js';
import type { Db } from '../duckdb/connection.js';
import { queryNeutral } from '../duckdb/dialect.js';
import { kindOfDuckType, type ColumnKind } from './checksum.js';

/**
 * A key unique within a workspace (DuckDB's primary keys, migrations.ts): a copy of such a table is read in
 * its order and resumes after the last key a finished chunk stored. Other tables restart their
 * workspace's slice whole (derived tables and logs: the events are most of the rows).
 */
const RESUME_KEYS: Readonly<Record<string, string>> = {
  events: 'message_id',
  user_agents: 'user_agent',
  dead_letters: 'id',
  erasures: 'id',
  redaction_log: 'id',
};

export interface Column {
  name: string;
  kind: ColumnKind;
  /** The ClickHouse type, without its default. */
  chType: string;
  nullable: boolean;
}

export interface TablePlan {
  name: string;
  columns: readonly Column[];
  kinds: readonly ColumnKind[];
  /** A key unique within a workspace, when the table has one. */
  resumeKey?: string;
  /** The order a workspace's rows are copied in: the resume key, else the target's sort key. */
  order: readonly string[];
  /** Non-null columns whose hash spreads a workspace's rows over slices when the target is read back. */
  spread: readonly string[];
  /** ReplacingMergeTree: rows carry a version (1 for a copied row). */
  versioned: boolean;
  /** Derived tables: a workspace's rows are one partition of the target. */
  partitionedByWorkspace: boolean;
}

/** The plan of every table, checked against the DuckDB file's catalog. */
export async function tablePlans(db: Db): Promise<TablePlan[]> {
  const types = new Map<string, string>();
  for (const r of await db.query(
    `SELECT table_name, column_name, data_type FROM duckdb_columns()
     WHERE schema_name = 'main' AND database_name = current_database()`,
  ))
    types.set(`${String(r.table_name)}.${String(r.column_name)}`, String(r.data_type));
  return TABLES.map((t) => planOf(t, types));
}

function planOf(t: TableSpec, duckTypes: ReadonlyMap<string, string>): TablePlan {
  const columns: Column[] = [];
  for (const def of t.columns) {
    const [name, ...rest] = def.split(' ');
    if (!name || name === t.version) continue;
    const duckType = duckTypes.get(`${t.name}.${name}`);
    if (duckType === undefined)
      throw new Error(`the DuckDB file has no column ${t.name}.${name}: is its schema current?`);
    const kind = kindOfDuckType(duckType);
    if (!kind)
      throw new Error(`${t.name}.${name}: DuckDB type ${duckType} is not one a copy carries`);
    const chType = rest.join(' ').split(' DEFAULT ')[0]!;
    columns.push({ name, kind, chType, nullable: chType.startsWith('Nullable(') });
  }
  const resumeKey = RESUME_KEYS[t.name];
  const order = resumeKey ? [resumeKey] : t.orderBy.filter((c) => c !== 'workspace_id');
  const nonNull = new Set(columns.filter((c) => !c.nullable).map((c) => c.name));
  return {
    name: t.name,
    columns,
    kinds: columns.map((c) => c.kind),
    ...(resumeKey ? { resumeKey } : {}),
    order,
    spread: order.filter((c) => nonNull.has(c)),
    versioned: t.version !== undefined,
    partitionedByWorkspace: t.partitionBy === 'workspace_id',
  };
}

/** One workspace's rows of one table (workspaceId null: dead letters that name no workspace). */
export interface Unit {
  table: TablePlan;
  workspaceId: string | null;
  /** Rows in the DuckDB file. */
  rows: number;
}

/** The units of every table in the DuckDB file: one workspace's (when given), else every workspace's. */
export async function sourceUnits(
  db: Db,
  plans: readonly TablePlan[],
  workspaceId?: string,
): Promise<Unit[]> {
  const units: Unit[] = [];
  for (const t of plans) {
    const where = workspaceId === undefined ? sql`` : sql`WHERE ${unitFilter(workspaceId)}`;
    const rows = await queryNeutral(
      db,
      sql`SELECT workspace_id AS ws, ${fn.countAll()} AS n FROM ${fn.table(t.name)} ${where}
          GROUP BY workspace_id ORDER BY workspace_id`,
    );
    for (const r of rows)
      units.push({
        table: t,
        workspaceId: r.ws === null ? null : String(r.ws),
        rows: Number(r.n),
      });
  }
  return units;
}

/** The rows of one workspace (or of none). */
export function unitFilter(workspaceId: string | null): Sql {
  return workspaceId === null
    ? sql`workspace_id IS NULL`
    : sql`workspace_id = ${p.text(workspaceId)}`;
}

/**
 * A unit's rows as both engines give them for copying and comparing, columns aliased c0, c1, ... in the
 * plan's order: times as ISO text at the millisecond, bytes as base64. `after` continues after a resume
 * key; `where` narrows further (a slice of the target).
 */
export function readUnitSql(
  t: TablePlan,
  workspaceId: string | null,
  o: { after?: string; ordered?: boolean; where?: Sql } = {},
): Sql {
  const cols = t.columns.map((c, i) => {
    const col = ident(c.name);
    const value =
      c.kind === 'time'
        ? fn.isoTime(col)
        : c.kind === 'bytes'
          ? fn.base64(col)
          : c.kind === 'date'
            ? sql`CAST(${col} AS VARCHAR)`
            : col;
    return sql`${value} AS ${ident(`c${i}`)}`;
  });
  const conds = [unitFilter(workspaceId)];
  if (o.after !== undefined) {
    if (!t.resumeKey) throw new Error(`${t.name} has no resume key`);
    conds.push(sql`${ident(t.resumeKey)} > ${p.text(o.after)}`);
  }
  if (o.where) conds.push(o.where);
  const order =
    o.ordered && t.order.length > 0
      ? sql` ORDER BY ${raw(t.order.map((c) => ident(c).text).join(', '))}`
      : sql``;
  return sql`SELECT ${join(cols, ', ')} FROM ${fn.table(t.name)} WHERE ${join(conds, ' AND ')}${order}`;
}
