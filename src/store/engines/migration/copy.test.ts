// One unit's copy and check, on real DuckDB and chdb: a table without a resume key (sessions) stopped
// after a stored chunk starts its workspace again from nothing; the target read back in many slices gives
// the source's checksum; a missing or extra row shows in it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTestChdb } from '../../../test-helpers/clickhouse.js';
import { openMigrationSource, seedWorld } from '../../../test-helpers/migration-world.js';
import { tempDir } from '../../../test-helpers/tmp.js';
import type { ChStore } from '../clickhouse/events.js';
import { migrateClickHouse } from '../clickhouse/migrate.js';
import { duckDbOf } from '../duckdb/duckdb-store.js';
import { copyUnit } from './copy.js';
import {
  countTargetRows,
  ensureProgressTable,
  progressOf,
  readProgress,
  type UnitProgress,
} from './progress.js';
import { sourceUnits, tablePlans } from './tables.js';
import { sourceChecksum, targetChecksum } from './verify.js';

const WS = 'ws_copy';

test(
  'a unit without a resume key restarts whole after a stop; sliced reads of the target sum to the source',
  { timeout: 180_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const duck = await openMigrationSource(join(dir, 'duck'));
    const target = await openTestChdb();
    try {
      await seedWorld(duck, dir, [{ id: WS, seed: 5 }]);
      const db = duckDbOf(duck)!;
      const ch: ChStore = { conn: target.conn, database: target.database };
      await migrateClickHouse(ch.conn, { database: ch.database });
      await ensureProgressTable(ch);

      const plans = await tablePlans(db);
      const sessionsPlan = plans.find((t) => t.name === 'sessions')!;
      assert.equal(sessionsPlan.resumeKey, undefined);
      assert.ok(sessionsPlan.partitionedByWorkspace);
      assert.equal(plans.find((t) => t.name === 'events')!.resumeKey, 'message_id');
      assert.equal(
        plans.find((t) => t.name === 'dead_letters')!.columns.find((c) => c.name === 'raw')!.kind,
        'bytes',
      );
      const [unit] = (await sourceUnits(db, [sessionsPlan], WS)).filter((u) => u.rows > 0);
      assert.ok(unit && unit.rows > 60, 'enough sessions for several chunks');

      let chunks = 0;
      await assert.rejects(
        copyUnit(db, ch, unit, undefined, 20, {
          afterChunkStored: () => {
            if (++chunks === 2) throw new Error('stopped');
          },
        }),
        /stopped/,
      );
      assert.equal(await countTargetRows(ch, sessionsPlan, WS), 40);
      const prior = progressOf(await readProgress(ch), 'sessions', WS);
      assert.deepEqual(prior, {
        state: 'copying',
        lastKey: null,
        rows: 20,
        version: 2,
      } satisfies UnitProgress);

      const copied = await copyUnit(db, ch, unit, prior, 20);
      assert.equal(
        copied,
        unit.rows,
        'the workspace of a table without a key is copied again whole',
      );
      assert.equal(await countTargetRows(ch, sessionsPlan, WS), unit.rows);
      assert.equal(progressOf(await readProgress(ch), 'sessions', WS)?.state, 'done');

      const source = await sourceChecksum(db, unit, 1_000);
      const sliced = await targetChecksum(ch, unit, 7);
      assert.equal(source.rows, unit.rows);
      assert.ok(sliced.equals(source), `${sliced.hex} vs ${source.hex}`);

      // an extra row of the workspace shows in both figures
      await ch.conn.command(
        `INSERT INTO ${ch.database}.sessions SELECT * FROM ${ch.database}.sessions WHERE workspace_id = {ws:String} LIMIT 1`,
        { ws: WS },
      );
      const doubled = await targetChecksum(ch, unit, 7);
      assert.equal(doubled.rows, unit.rows + 1);
      assert.ok(!doubled.equals(source));
    } finally {
      await target.close();
      await duck.close();
      cleanup();
    }
  },
);
