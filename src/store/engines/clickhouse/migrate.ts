// Versioned schema for ClickHouse: append new migrations, never edit an applied one. Each migration is a
// list of statements rendered for the target (one server or a cluster); applied versions are recorded
// in schema_migrations. The first version is today's whole schema (schema.ts).
import {
  FIRST_TOUCH_TABLE,
  firstTouchRowsSql,
  insertFirstTouchesSql,
} from '../neutral/first-touch-queries.js';
import {
  insertReportSessionsSql,
  REPORT_SESSIONS_TABLE,
  reportSessionRowsSql,
} from '../neutral/report-sessions-queries.js';
import type { ClickHouseConnection } from './connection.js';
import { commandNeutral } from './dialect.js';
import {
  PATCH_DELETE_TABLE_SETTINGS,
  TABLES,
  createTableSql,
  distributedTableSql,
  modifySettingsSql,
  tableSpec,
  type SchemaTarget,
} from './schema.js';

export interface ChMigration {
  version: number;
  name: string;
  statements(target: SchemaTarget): string[];
  /** Fills a new derived table from what the database holds, after its statements. */
  backfill?(conn: ClickHouseConnection, database: string): Promise<void>;
}

export const CH_MIGRATIONS: readonly ChMigration[] = [
  {
    version: 1,
    name: 'schema',
    statements: (target) => TABLES.map((t) => createTableSql(t, target)),
  },
  {
    // the derived tables of a database made before: their block number and offset columns kept from
    // now on, so a live derive's deletes are patch parts, not mutations (delete-rows.ts). Parts written
    // before stay as they are: ClickHouse places a patch on them by part and row offset until a merge
    // rewrites them. A database made by version 1 today has the settings already: this changes nothing.
    version: 2,
    name: 'derived tables keep block numbers (patch-part deletes)',
    statements: (target) =>
      TABLES.filter((t) => t.settings === PATCH_DELETE_TABLE_SETTINGS).map((t) =>
        modifySettingsSql(t.name, PATCH_DELETE_TABLE_SETTINGS, target),
      ),
  },
  {
    // the exchange-rate facts, on a database made before they existed (version 1 makes them now)
    version: 3,
    name: 'fx_rates',
    statements: (target) =>
      TABLES.filter((t) => t.name === 'fx_rates').map((t) => createTableSql(t, target)),
  },
  {
    // the ad-cost facts, on a database made before they existed (version 1 makes them now)
    version: 4,
    name: 'ad_costs',
    statements: (target) =>
      TABLES.filter((t) => t.name === 'ad_costs' || t.name === 'ad_cost_imports').map((t) =>
        createTableSql(t, target),
      ),
  },
  {
    // CRM facts (DuckDB's version 21); a database made by version 1 today has them already
    version: 5,
    name: 'crm changes and their match keys',
    statements: (target) =>
      TABLES.filter((t) => t.name === 'crm_changes' || t.name === 'crm_match_keys').map((t) =>
        createTableSql(t, target),
      ),
  },
  {
    // one-off revenue facts (DuckDB's version 22)
    version: 6,
    name: 'revenue records',
    statements: (target) =>
      TABLES.filter((t) => t.name === 'revenue_records').map((t) => createTableSql(t, target)),
  },
  {
    // a database made before: the tables added since (CREATE TABLE IF NOT EXISTS: nothing for one made
    // by version 1 today)
    version: 7,
    name: 'webhook receipts',
    statements: (target) => [createTableSql(tableSpec('webhook_receipts'), target)],
  },
  {
    // Stripe's payloads as facts (DuckDB's version 25)
    version: 8,
    name: 'stripe facts',
    statements: (target) => [createTableSql(tableSpec('stripe_facts'), target)],
  },
  {
    // the loader's markers (DuckDB's version 26)
    version: 9,
    name: 'webhook receipt loads',
    statements: (target) => [createTableSql(tableSpec('webhook_receipt_loads'), target)],
  },
  {
    // clicks an ad platform resolved (DuckDB's version 27)
    version: 10,
    name: 'ad clicks',
    statements: (target) => [createTableSql(tableSpec('ad_clicks'), target)],
  },
  {
    // each person's first touch, kept by the derive step (DuckDB's version 30); a rebuild fills it
    version: 11,
    name: 'person first touch',
    statements: (target) => [createTableSql(tableSpec('person_first_touch'), target)],
    // a database derived before: every workspace's first touches now, so reports read them at once
    backfill: async (conn, database) => {
      const found = await conn.query<{ ws: string }>(
        `SELECT DISTINCT workspace_id AS ws FROM ${database}.sessions ORDER BY ws`,
      );
      for (const { ws } of found)
        await commandNeutral(
          conn,
          database,
          insertFirstTouchesSql(FIRST_TOUCH_TABLE, firstTouchRowsSql(ws)),
        );
    },
  },
  {
    // each session as the reports read it, kept by the derive step (DuckDB's version 31)
    version: 12,
    name: 'report sessions',
    statements: (target) => [createTableSql(tableSpec('report_sessions'), target)],
    // a database derived before: every workspace's sessions now, so reports read them at once
    backfill: async (conn, database) => {
      const found = await conn.query<{ ws: string }>(
        `SELECT DISTINCT workspace_id AS ws FROM ${database}.sessions ORDER BY ws`,
      );
      for (const { ws } of found)
        await commandNeutral(
          conn,
          database,
          insertReportSessionsSql(REPORT_SESSIONS_TABLE, reportSessionRowsSql(ws)),
        );
    },
  },
  {
    // each Stripe customer's MRR per month, kept by the derive step (DuckDB's version 32); filled by the
    // next derive of a workspace with Stripe facts
    version: 13,
    name: 'subscription months',
    statements: (target) => [createTableSql(tableSpec('subscription_months'), target)],
  },
];

/** The bookkeeping table (replicated too on a cluster, so every node agrees on the version). */
function migrationsTableSql(target: SchemaTarget): string {
  return createTableSql(
    {
      name: 'schema_migrations',
      note: 'applied migrations',
      columns: [
        'version UInt32',
        'name String',
        "applied_at DateTime64(3, 'UTC') DEFAULT now64(3)",
      ],
      engine: 'ReplacingMergeTree',
      orderBy: ['version'],
    },
    target,
  );
}

/**
 * On a sharded cluster, the `Distributed` twins of the tables (none otherwise). Not a versioned
 * migration: they hold no data and follow the target, so a cluster that becomes sharded gets them on
 * its next migration run (`IF NOT EXISTS`). A migration that changes a table's columns changes its
 * twin's too.
 */
export function distributedStatements(target: SchemaTarget): string[] {
  if (!target.sharded) return [];
  return TABLES.map((t) => distributedTableSql(t, target));
}

/** Every statement of the schema for a target, in order (for a cluster guide, or a syntax check). */
export function schemaStatements(target: SchemaTarget): string[] {
  const db = target.database;
  const onCluster = target.cluster ? ` ON CLUSTER '${target.cluster}'` : '';
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}${onCluster}`,
    migrationsTableSql(target),
    ...CH_MIGRATIONS.flatMap((m) => m.statements(target)),
    ...distributedStatements(target),
  ];
}

/** Applies the migrations not yet applied; returns the schema version. */
export async function migrateClickHouse(
  conn: ClickHouseConnection,
  target: SchemaTarget,
): Promise<number> {
  const db = target.database;
  const onCluster = target.cluster ? ` ON CLUSTER '${target.cluster}'` : '';
  await conn.command(`CREATE DATABASE IF NOT EXISTS ${db}${onCluster}`);
  await conn.command(migrationsTableSql(target));
  const applied = new Set(
    (
      await conn.query<{ version: number }>(`SELECT version FROM ${db}.schema_migrations FINAL`)
    ).map((r) => Number(r.version)),
  );
  for (const m of CH_MIGRATIONS) {
    if (applied.has(m.version)) continue;
    for (const s of m.statements(target)) await conn.command(s);
    await m.backfill?.(conn, db);
    await conn.insert(`${db}.schema_migrations`, [{ version: m.version, name: m.name }]);
  }
  for (const s of distributedStatements(target)) await conn.command(s);
  return Math.max(0, ...CH_MIGRATIONS.map((m) => m.version));
}
