import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestChdb } from '../../../test-helpers/clickhouse.js';
import { Db } from '../duckdb/connection.js';
import { migrate } from '../duckdb/migrate.js';
import { CONTROL_TABLES as DUCKDB_CONTROL_TABLES } from '../duckdb/migrations.js';
import { CH_MIGRATIONS, migrateClickHouse, schemaStatements } from './migrate.js';
import { deleteRows } from './delete-rows.js';
import { PATCH_DELETE_TABLE_SETTINGS, TABLES, createTableSql, distributedName } from './schema.js';
import { fn, p, sql } from '../neutral/sql.js';

// the control plane's tables (the DuckDB file's list, so a new one is left out here too): kept by the
// control store (DuckDB or PostgreSQL), not in ClickHouse; and DuckDB's own migration log
const CONTROL_TABLES = new Set([...DUCKDB_CONTROL_TABLES, 'schema_migrations']);

test(
  'migrations create every data table, and a second run applies nothing',
  { timeout: 60_000 },
  async () => {
    const ch = await openTestChdb();
    try {
      const version = await migrateClickHouse(ch.conn, { database: ch.database });
      assert.equal(version, CH_MIGRATIONS.at(-1)?.version);
      const tables = await ch.conn.query<{ name: string }>(
        'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
        { db: ch.database },
      );
      assert.deepEqual(
        tables.map((t) => t.name),
        [...TABLES.map((t) => t.name), 'schema_migrations'].sort(),
      );
      assert.equal(await migrateClickHouse(ch.conn, { database: ch.database }), version);
      const applied = await ch.conn.query(`SELECT version FROM ${ch.database}.schema_migrations`);
      assert.equal(applied.length, CH_MIGRATIONS.length);
    } finally {
      await ch.close();
    }
  },
);

test(
  'the ClickHouse tables have exactly the columns of the DuckDB tables',
  { timeout: 60_000 },
  async () => {
    const duck = await Db.open(':memory:');
    const ch = await openTestChdb();
    try {
      await migrate(duck);
      await migrateClickHouse(ch.conn, { database: ch.database });
      const duckCols = await duck.query(
        `SELECT table_name AS t, list(column_name ORDER BY column_name) AS cols FROM information_schema.columns
       WHERE table_schema = 'main' GROUP BY table_name ORDER BY table_name`,
      );
      const chCols = await ch.conn.query<{ t: string; cols: string[] }>(
        `SELECT table AS t, arraySort(groupArray(name)) AS cols FROM system.columns
       WHERE database = {db:String} AND table != 'schema_migrations' AND name != 'version'
       GROUP BY table ORDER BY table`,
        { db: ch.database },
      );
      const expected = duckCols
        .filter((r) => !CONTROL_TABLES.has(String(r.t)))
        .map((r) => ({ t: String(r.t), cols: [...(r.cols as string[])].sort() }));
      assert.deepEqual(
        chCols.map((r) => ({ t: r.t, cols: [...r.cols].sort() })),
        expected,
      );
    } finally {
      await duck.close();
      await ch.close();
    }
  },
);

test(
  'the cluster variant: every statement parses, runs ON CLUSTER, on Replicated engines',
  { timeout: 60_000 },
  async () => {
    const ch = await openTestChdb();
    try {
      const statements = schemaStatements({ database: 'closedloop', cluster: 'analytics' });
      const derived = TABLES.filter((t) => t.settings === PATCH_DELETE_TABLE_SETTINGS);
      // versions after 2 create the tables added since (again, IF NOT EXISTS) for databases made before
      const later = CH_MIGRATIONS.filter((m) => m.version > 2).flatMap((m) =>
        m.statements({ database: 'closedloop', cluster: 'analytics' }),
      );
      assert.equal(statements.length, TABLES.length + 2 + derived.length + later.length);
      for (const s of statements) {
        const [row] = await ch.conn.query<{ q: string }>('SELECT formatQuery({s:String}) AS q', {
          s,
        });
        assert.match(String(row?.q), /ON CLUSTER analytics/);
        if (s.startsWith('ALTER TABLE'))
          assert.match(
            s,
            /MODIFY SETTING enable_block_number_column = 1, enable_block_offset_column = 1$/,
          );
        if (s.startsWith('CREATE TABLE')) {
          assert.match(
            s,
            /ENGINE = Replicated(Replacing)?MergeTree\('\/clickhouse\/tables\/\{shard\}\/closedloop\/\w+', '\{replica\}'/,
          );
        }
      }
      assert.throws(() => schemaStatements({ database: 'x; DROP', cluster: 'c' }), /identifier/);
    } finally {
      await ch.close();
    }
  },
);

test(
  'the sharded variant: the cluster schema unchanged, then a Distributed twin of every table that parses',
  { timeout: 60_000 },
  async () => {
    const ch = await openTestChdb();
    try {
      const cluster = schemaStatements({ database: 'closedloop', cluster: 'analytics' });
      const sharded = schemaStatements({
        database: 'closedloop',
        cluster: 'analytics',
        sharded: true,
      });
      // the shards' own tables are the 1-shard cluster's statements, Replicated engines and all
      assert.deepEqual(sharded.slice(0, cluster.length), cluster);
      const twins = sharded.slice(cluster.length);
      assert.equal(twins.length, TABLES.length);
      const formatQuery = async (s: string) => {
        const [row] = await ch.conn.query<{ q: string }>('SELECT formatQuery({s:String}) AS q', {
          s,
        });
        return String(row?.q);
      };
      for (const [i, t] of TABLES.entries()) {
        const q = await formatQuery(twins[i] ?? '');
        assert.match(q, /^CREATE TABLE IF NOT EXISTS closedloop\.(\w+) ON CLUSTER analytics/);
        assert.equal(
          /^CREATE TABLE IF NOT EXISTS closedloop\.(\w+)/.exec(q)?.[1],
          distributedName(t.name),
        );
        // cluster, database, the shards' table and the workspace's hash, as ClickHouse reads them
        const key =
          t.name === 'dead_letters'
            ? "xxHash64(ifNull(workspace_id, ''))"
            : 'xxHash64(workspace_id)';
        assert.ok(
          q.endsWith(`ENGINE = Distributed('analytics', 'closedloop', '${t.name}', ${key})`),
          `${t.name}: ${q}`,
        );
        // the twin's columns are the table's, as ClickHouse reads both (one `name` Type a line)
        const columns = (sql: string) =>
          sql
            .split('\n')
            .filter((l) => l.startsWith('    `'))
            .map((l) => l.trim().replace(/,$/, ''));
        assert.deepEqual(columns(q), columns(await formatQuery(cluster[i + 2] ?? '')), t.name);
        assert.equal(columns(q).length, t.columns.length);
      }
      // the single server's and the 1-shard cluster's statements ignore nothing and gain nothing
      assert.deepEqual(
        schemaStatements({ database: 'closedloop', sharded: false }),
        schemaStatements({ database: 'closedloop' }),
      );
      assert.throws(() => schemaStatements({ database: 'closedloop', sharded: true }), /cluster/);
    } finally {
      await ch.close();
    }
  },
);

test(
  'migration 2: the derived tables of a database made before keep block numbers, and their deletes are patch parts',
  { timeout: 60_000 },
  async () => {
    const ch = await openTestChdb();
    const db = ch.database;
    try {
      // the database as version 1 made it before: no table settings on the derived tables
      await migrateClickHouse(ch.conn, { database: db });
      await ch.conn.command(`DROP TABLE ${db}.milestones`);
      const spec = TABLES.find((t) => t.name === 'milestones')!;
      const { settings: _dropped, ...before } = spec;
      await ch.conn.command(createTableSql(before, { database: db }));
      await ch.conn.command(`ALTER TABLE ${db}.schema_migrations DELETE WHERE version > 1`);
      const settingsOf = async () =>
        String(
          (
            await ch.conn.query<{ q: string }>(
              `SELECT create_table_query AS q FROM system.tables WHERE database = {db:String} AND name = 'milestones'`,
              { db },
            )
          )[0]?.q,
        );
      assert.doesNotMatch(await settingsOf(), /enable_block_number_column/);
      const lead = (person: string) => ({
        workspace_id: 'w',
        person_id: person,
        milestone: 'lead',
        reached_at: '2026-01-01T00:00:00.000Z',
        source: 'identify',
      });
      await ch.conn.insert(`${db}.milestones`, [lead('p1'), lead('p2')]);

      await migrateClickHouse(ch.conn, { database: db });
      assert.match(
        await settingsOf(),
        /enable_block_number_column = 1, enable_block_offset_column = 1/,
      );
      // rows written before the migration are masked by a patch part, no mutation
      await deleteRows(
        { conn: ch.conn, database: db },
        fn.table('milestones'),
        sql`workspace_id = 'w' AND person_id = ${p.text('p1')}`,
      );
      const left = await ch.conn.query<{ p: string }>(
        `SELECT person_id AS p FROM ${db}.milestones`,
      );
      assert.deepEqual(
        left.map((r) => r.p),
        ['p2'],
      );
      const [mutations] = await ch.conn.query<{ n: number }>(
        `SELECT count() AS n FROM system.mutations WHERE database = {db:String} AND table = 'milestones'`,
        { db },
      );
      assert.equal(Number(mutations?.n), 0);
    } finally {
      await ch.close();
    }
  },
);
