import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freshDatabase } from '../../../test-helpers/clickhouse.js';
import { TABLES, createTableSql, distributedTableSql } from './schema.js';
import { shardOf, xxHash64 } from './shard.js';

// This file runs its own embedded ClickHouse (chdb, one data directory per test process) configured
// with clusters of 2, 3 and 5 shards, so ClickHouse itself decides where a Distributed insert goes.
// The shards' addresses are never reached: sends are stopped, and each shard's queue of blocks to send
// (system.distribution_queue, a directory per shard) shows which shard ClickHouse picked.
const SHARD_COUNTS = [2, 3, 5] as const;
const dir = mkdtempSync(join(tmpdir(), 'closedloop-chdb-shards-'));
const config = join(dir, 'config.xml');
const shardXml = (n: number) =>
  Array.from(
    { length: n },
    () => '<shard><replica><host>127.0.0.1</host><port>1</port></replica></shard>',
  ).join('');
writeFileSync(
  config,
  `<clickhouse><remote_servers>${SHARD_COUNTS.map((n) => `<c${n}>${shardXml(n)}</c${n}>`).join('')}</remote_servers></clickhouse>`,
);

type Session = InstanceType<typeof import('chdb').Session>;
let session: Session | undefined;
async function chdb(): Promise<Session> {
  if (!session) {
    const { Session } = await import('chdb');
    session = new Session(join(dir, 'data'), { connectionArgs: [`--config-file=${config}`] });
  }
  return session;
}
after(() => {
  session?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rows<T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const s = await chdb();
  const text = (await s.queryBindAsync(sql, params, { format: 'JSONEachRow' })).text();
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
const run = async (sql: string) => void (await (await chdb()).queryAsync(sql));

/** Workspace-like ids, deterministic: every length from 0 to 130 and then random ones. */
function ids(count: number): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let x = 0x2545f491;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  return Array.from({ length: count }, (_, i) => {
    const len = i <= 130 ? i : 1 + (next() % 100);
    return Array.from({ length: len }, () => alphabet[next() % alphabet.length]).join('');
  });
}

test(
  "xxHash64 is ClickHouse's xxHash64 on every length up to 130 bytes and on non-ASCII text",
  { timeout: 60_000 },
  async () => {
    const texts = [...ids(2_000), 'été', 'ワークスペース', '🙂 x', 'a\u0000b'];
    const theirs = await rows<{ s: string; h: string }>(
      'SELECT s, toString(xxHash64(s)) AS h FROM (SELECT arrayJoin({texts:Array(String)}) AS s)',
      { texts },
    );
    assert.equal(theirs.length, texts.length);
    const enc = new TextEncoder();
    const mismatches = theirs.filter((r) => xxHash64(enc.encode(r.s)).toString() !== r.h);
    assert.deepEqual(mismatches, []);
    // the published XXH64 vectors, seed 0
    assert.equal(xxHash64(new Uint8Array()), 0xef46db3751d8e999n);
    assert.equal(xxHash64(enc.encode('abc')), 0x44bc2cf5ad770999n);
  },
);

test('shardOf: one shard takes all, shards are counted whole, the spread is even', () => {
  assert.equal(shardOf('anything', 1), 0);
  for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => shardOf('w', bad), /shards/);
  const counts = [0, 0, 0];
  for (const id of ids(3_000)) {
    const k = shardOf(id, 3);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  for (const c of counts) assert.ok(c > 900 && c < 1_100, `spread ${counts.join(', ')}`);
});

test(
  "ClickHouse's Distributed twins route every workspace to the shard shardOf names",
  { timeout: 90_000 },
  async () => {
    const workspaces = ids(200).slice(131, 191);
    for (const n of SHARD_COUNTS) {
      const database = freshDatabase();
      await run(`CREATE DATABASE ${database}`);
      for (const t of TABLES) {
        await run(createTableSql(t, { database }));
        // ON CLUSTER needs Keeper, which an embedded engine has not: the rest runs as generated
        const twin = distributedTableSql(t, { database, cluster: `c${n}`, sharded: true });
        assert.ok(twin.includes(` ON CLUSTER 'c${n}'`));
        await run(twin.replace(` ON CLUSTER 'c${n}'`, ''));
      }
      const [engine] = await rows<{ e: string }>(
        'SELECT engine_full AS e FROM system.tables WHERE database = {db:String} AND name = {t:String}',
        { db: database, t: 'events_all' },
      );
      assert.equal(
        engine?.e,
        `Distributed('c${n}', '${database}', 'events', xxHash64(workspace_id))`,
      );
      // each twin's columns are its table's: names, types and defaults
      const columns = await rows<{ t: string; cols: string[] }>(
        `SELECT replaceRegexpOne(table, '_all$', '') AS t,
                groupArray(concat(name, ' ', type, ' ', default_expression)) AS cols
         FROM (SELECT * FROM system.columns WHERE database = {db:String} ORDER BY table, position)
         GROUP BY table, endsWith(table, '_all') ORDER BY t, endsWith(table, '_all')`,
        { db: database },
      );
      assert.equal(columns.length, TABLES.length * 2);
      for (let i = 0; i < columns.length; i += 2)
        assert.deepEqual(columns[i + 1], columns[i], columns[i]?.t);

      // insert each shard's workspaces (by shardOf) in one block; ClickHouse must queue it for that
      // shard alone. Dead letters shard a Nullable workspace: a letter without one goes to shardOf('').
      await run(`SYSTEM STOP DISTRIBUTED SENDS ${database}.events_all`);
      await run(`SYSTEM STOP DISTRIBUTED SENDS ${database}.dead_letters_all`);
      for (let shard = 0; shard < n; shard++) {
        const mine = workspaces.filter((w) => shardOf(w, n) === shard);
        assert.ok(mine.length > 0, `no workspace for shard ${shard} of ${n}`);
        const before = await queued(database);
        await run(
          `INSERT INTO ${database}.events_all (workspace_id, message_id, type, ts, received_at, origin, batch_id) VALUES ` +
            mine.map((w) => `('${w}', 'm', 'track', now64(3), now64(3), 'test', 'b')`).join(', '),
        );
        const letters = [
          ...mine.map((w) => `'${w}'`),
          ...(shardOf('', n) === shard ? ['NULL'] : []),
        ];
        await run(
          `INSERT INTO ${database}.dead_letters_all (id, workspace_id, source, line_no, failed_at, reason, raw, version) VALUES ` +
            letters.map((w, i) => `('l${i}', ${w}, 'test', 1, now64(3), 'r', '', 1)`).join(', '),
        );
        const grown = diff(before, await queued(database));
        assert.deepEqual(
          grown,
          [`events_all ${shard + 1}`, `dead_letters_all ${shard + 1}`].sort(),
          `${n} shards`,
        );
      }
      await run(`DROP DATABASE ${database}`);
    }
  },
);

/** The blocks queued per twin and shard (1-based, as ClickHouse numbers shards). */
async function queued(database: string): Promise<Map<string, number>> {
  const queue = await rows<{ table: string; path: string; files: number }>(
    `SELECT table, data_path AS path, data_files AS files FROM system.distribution_queue
     WHERE database = {db:String}`,
    { db: database },
  );
  return new Map(
    queue.map((q) => {
      const shard = /shard(\d+)_replica\d+\/?$/.exec(q.path)?.[1];
      assert.ok(shard, q.path);
      return [`${q.table} ${shard}`, Number(q.files)];
    }),
  );
}

/** Which queues gained blocks between two readings. */
function diff(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after]
    .filter(([k, files]) => files > (before.get(k) ?? 0))
    .map(([k]) => k)
    .sort();
}
