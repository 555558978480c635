// The migration from DuckDB into ClickHouse (embedded chdb), on a store with rows in every kind of table:
// equal rows on both sides by an independent reading too, bytes and the privacy key intact; a copy
// stopped after a stored chunk continues without doubling rows; one workspace moves alone; rows the
// target held before are refused, or replaced when asked; a changed row or a lost one fails the check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chdbTestDir, freshDatabase } from '../../../test-helpers/clickhouse.js';
import { startClickHouseHttpEndpoint } from '../../../test-helpers/clickhouse-http-endpoint.js';
import { openMigrationSource, seedWorld } from '../../../test-helpers/migration-world.js';
import { tempDir } from '../../../test-helpers/tmp.js';
import type { Store } from '../../store.js';
import { parseStoreUrl, type ChdbLocation, type ClickHouseLocation } from '../../store-url.js';
import { openChdbConnection } from '../clickhouse/chdb-connection.js';
import type { ClickHouseConnection } from '../clickhouse/connection.js';
import { TABLES } from '../clickhouse/schema.js';
import { duckDbOf } from '../duckdb/duckdb-store.js';
import { ForeignRows, migrateToClickHouse, type MigrationResult } from './migration-store.js';
import { PROGRESS_TABLE } from './progress.js';

const A = 'ws_a';
const B = 'ws_b';

interface Fixture {
  duck: Store;
  dir: string;
  target: ChdbLocation;
  conn: ClickHouseConnection;
}

/** A seeded DuckDB store and a chdb database name not made yet (the migration creates it). */
async function withWorld(
  fn: (f: Fixture) => Promise<void>,
  workspaces = [
    { id: A, seed: 11 },
    { id: B, seed: 12 },
  ],
): Promise<void> {
  const { dir, cleanup } = tempDir();
  const duck = await openMigrationSource(join(dir, 'duck'));
  const database = freshDatabase('mig');
  const conn = await openChdbConnection(chdbTestDir());
  try {
    await seedWorld(duck, dir, workspaces);
    const target = parseStoreUrl(`chdb://${chdbTestDir()}?database=${database}`);
    assert.equal(target.engine, 'chdb');
    await fn({ duck, dir, target: target as ChdbLocation, conn });
  } finally {
    await conn.command(`DROP DATABASE IF EXISTS ${database}`);
    await conn.close();
    await duck.close();
    cleanup();
  }
}

/** Rows per table (and workspace, when given) on each side, counted by each engine itself. */
function counts(f: Fixture, where = '') {
  return countsIn(f, f.target.database, where);
}

async function countsIn(
  f: Fixture,
  database: string,
  where = '',
): Promise<{ duck: Record<string, number>; ch: Record<string, number> }> {
  const db = duckDbOf(f.duck)!;
  const duck: Record<string, number> = {};
  const ch: Record<string, number> = {};
  for (const t of TABLES) {
    duck[t.name] = Number((await db.query(`SELECT count(*) AS n FROM ${t.name} ${where}`))[0]!.n);
    ch[t.name] = Number(
      (
        await f.conn.query<{ n: number }>(`SELECT count() AS n FROM ${database}.${t.name} ${where}`)
      )[0]!.n,
    );
  }
  return { duck, ch };
}

const table = (r: MigrationResult, name: string) => r.tables.find((t) => t.table === name)!;

test(
  'every table moves whole: equal counts and checksums, bytes and the privacy key intact, a change caught',
  { timeout: 240_000 },
  async () => {
    await withWorld(async (f) => {
      const r = await migrateToClickHouse(f.duck, f.target, { chunkRows: 500 });
      assert.deepEqual(r.mismatches, []);
      assert.equal(r.workspaces, 3, 'two workspaces and the dead letters naming none');
      assert.deepEqual(
        r.tables.map((t) => t.table),
        TABLES.map((t) => t.name),
      );
      for (const t of r.tables) {
        assert.ok(t.ok, t.table);
        assert.equal(t.copied, t.source.rows, t.table);
      }
      // something in every kind of table
      for (const name of [
        'events',
        'identity_links',
        'dead_letters',
        'user_agents',
        'sessions',
        'identities',
        'identity_seen',
        'identity_edges',
        'identity_edges_built',
        'milestones',
        'attribution_credits',
        'erasures',
        'erased_identifiers',
        'redaction_log',
      ])
        assert.ok(table(r, name).source.rows > 0, `${name} has rows to move`);

      // counted by each engine on its own
      const c = await counts(f);
      assert.deepEqual(c.ch, c.duck);
      // a dead letter's raw bytes (not UTF-8) arrive byte for byte
      const raw = async (engine: 'duck' | 'ch') =>
        (engine === 'duck'
          ? await duckDbOf(f.duck)!.query(
              `SELECT id, to_base64(raw) AS b FROM dead_letters ORDER BY id`,
            )
          : await f.conn.query(
              `SELECT id, base64Encode(raw) AS b FROM ${f.target.database}.dead_letters ORDER BY id`,
            )
        ).map((x) => `${String(x.id)} ${String(x.b)}`);
      assert.deepEqual(await raw('ch'), await raw('duck'));
      assert.ok(
        (await raw('duck')).some((x) => Buffer.from(x.split(' ')[1]!, 'base64').includes(0xff)),
      );
      // the tombstones' key went with them
      const [key] = await f.conn.query<{ key: string }>(
        `SELECT key FROM ${f.target.database}.privacy_key`,
      );
      assert.equal(key?.key, readFileSync(join(f.dir, 'duck', 'privacy.key'), 'utf8').trim());

      // a run again copies nothing and checks everything again
      const again = await migrateToClickHouse(f.duck, f.target);
      assert.deepEqual(again.mismatches, []);
      assert.ok(again.tables.every((t) => t.copied === 0));

      // a changed value: same count, another checksum, named with both figures
      const [s] = await f.conn.query<{ session_id: string }>(
        `SELECT session_id FROM ${f.target.database}.sessions ORDER BY session_id LIMIT 1`,
      );
      await f.conn.command(
        `ALTER TABLE ${f.target.database}.sessions UPDATE channel = 'Tampered' WHERE session_id = {id:String}`,
        { id: s!.session_id },
      );
      // a lost event
      const [e] = await f.conn.query<{ id: string }>(
        `SELECT min(message_id) AS id FROM ${f.target.database}.events`,
      );
      await f.conn.command(
        `DELETE FROM ${f.target.database}.events WHERE message_id = {id:String}`,
        {
          id: e!.id,
        },
      );
      const bad = await migrateToClickHouse(f.duck, f.target);
      const sessions = table(bad, 'sessions');
      const events = table(bad, 'events');
      assert.equal(bad.mismatches.length, 2, bad.mismatches.join('\n'));
      assert.equal(sessions.target.rows, sessions.source.rows);
      assert.notEqual(sessions.target.checksum, sessions.source.checksum);
      assert.equal(events.target.rows, events.source.rows - 1);
      assert.ok(
        bad.mismatches.includes(
          `events: DuckDB has ${events.source.rows} rows (checksum ${events.source.checksum}), ClickHouse ${events.target.rows} rows (checksum ${events.target.checksum})`,
        ),
      );
      assert.match(bad.mismatches.join('\n'), /^sessions: DuckDB has \d+ rows/m);
    });
  },
);

test(
  'a run stopped after a chunk was stored and before its progress: the next one continues, no row twice',
  { timeout: 240_000 },
  async () => {
    await withWorld(
      async (f) => {
        let chunks = 0;
        await assert.rejects(
          migrateToClickHouse(f.duck, f.target, {
            chunkRows: 100,
            afterChunkStored: () => {
              if (++chunks === 4) throw new Error('stopped');
            },
          }),
          /stopped/,
        );
        const mid = await counts(f);
        // four chunks of events stored, the fourth with no progress to vouch for it
        assert.equal(mid.ch.events, 400);
        const [p] = await f.conn.query<{ state: string; rows: number }>(
          `SELECT state, rows FROM ${f.target.database}.${PROGRESS_TABLE} FINAL WHERE table_name = 'events'`,
        );
        assert.deepEqual(p, { state: 'copying', rows: 300 });

        const r = await migrateToClickHouse(f.duck, f.target, { chunkRows: 100 });
        assert.deepEqual(r.mismatches, []);
        const events = table(r, 'events');
        // resumed after the last key the progress vouched for, not from the start
        assert.equal(events.copied, events.source.rows - 300);
        const end = await counts(f);
        assert.deepEqual(end.ch, end.duck);
      },
      [{ id: A, seed: 21 }],
    );
  },
);

test(
  'one workspace moves alone; rows the target held before are refused, then replaced when asked',
  { timeout: 240_000 },
  async () => {
    await withWorld(async (f) => {
      const r = await migrateToClickHouse(f.duck, f.target, { workspaceId: B });
      assert.deepEqual(r.mismatches, []);
      assert.equal(r.workspaces, 1);
      const others = await counts(f, `WHERE workspace_id IS NULL OR workspace_id <> '${B}'`);
      for (const t of TABLES) assert.equal(others.ch[t.name], 0, t.name);
      const mine = await counts(f, `WHERE workspace_id = '${B}'`);
      assert.deepEqual(mine.ch, mine.duck);
      assert.ok(mine.ch.events! > 0);

      // a row of A that no migration wrote: refused, before anything of A is copied
      await f.conn.insert(`${f.target.database}.identity_links`, [
        {
          workspace_id: A,
          from_kind: 'crm_id',
          from_value: 'elsewhere',
          to_kind: 'email',
          to_value: 'x@example.com',
          source: 'another install',
          linked_at: '2026-01-01T00:00:00Z',
        },
      ]);
      await assert.rejects(
        migrateToClickHouse(f.duck, f.target, { workspaceId: A }),
        (e: Error) =>
          e instanceof ForeignRows && /workspace ws_a in identity_links.*--replace/.test(e.message),
      );
      const replaced = await migrateToClickHouse(f.duck, f.target, {
        workspaceId: A,
        replace: true,
      });
      assert.deepEqual(replaced.mismatches, []);
      const all = await counts(f, `WHERE workspace_id IS NOT NULL`);
      assert.deepEqual(all.ch, all.duck);
    });
  },
);

test(
  'over HTTP: the server’s database made by the migration, every table equal (the real client, a local endpoint)',
  { timeout: 240_000 },
  async () => {
    const endpoint = await startClickHouseHttpEndpoint({ user: 'mover', password: 'pw-mover' });
    try {
      await withWorld(
        async (f) => {
          const database = freshDatabase('http');
          const target = parseStoreUrl(
            `clickhouse://mover:pw-mover@${new URL(endpoint.url).host}/${database}`,
          );
          assert.equal(target.engine, 'clickhouse');
          try {
            const r = await migrateToClickHouse(f.duck, target as ClickHouseLocation, {
              chunkRows: 300,
            });
            assert.deepEqual(r.mismatches, []);
            assert.doesNotMatch(r.target, /pw-mover/);
            assert.ok(table(r, 'dead_letters').target.rows > 0);
            const c = await countsIn(f, database);
            assert.deepEqual(c.ch, c.duck);
          } finally {
            await f.conn.command(`DROP DATABASE IF EXISTS ${database}`);
          }
        },
        [{ id: A, seed: 31 }],
      );
    } finally {
      await endpoint.close();
    }
  },
);
