import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rebuild } from '../derive/derive.js';
import { simulate } from '../sim/index.js';
import { tempDir } from '../test-helpers/tmp.js';
import { defaultMemoryLimit, parseByteSize, threadsFor } from '../util/memory-limit.js';
import { createTestSchema } from '../test-helpers/postgres.js';
import { chdbTestDir, freshDatabase } from '../test-helpers/clickhouse.js';
import { openChdbConnection } from './engines/clickhouse/chdb-connection.js';
import { DB_FILE, openStore, SPILL_DIR } from './open.js';
import { StoreUrlError } from './store-url.js';
import type { Store } from './store.js';

const near = (reported: string, bytes: number) => {
  const got = parseByteSize(reported);
  assert.ok(
    got !== undefined && Math.abs(got - bytes) / bytes < 0.01,
    `engine reports ${reported}, expected about ${bytes} bytes`,
  );
};

test(
  'the memory limit reaches the engine, with threads to match and spilling under the data directory',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const small = await openStore(join(dir, 'a'), { memoryLimit: 300e6 });
      try {
        const l = await small.engineLimits();
        near(l.memoryLimit, 300e6);
        assert.equal(l.threads, 1);
        assert.equal(l.tempDirectory, join(resolve(dir, 'a'), SPILL_DIR));
      } finally {
        await small.close();
      }
      // nothing set: the documented default, half of the machine
      const dflt = await openStore(join(dir, 'b'));
      try {
        const l = await dflt.engineLimits();
        near(l.memoryLimit, defaultMemoryLimit());
        assert.equal(l.threads, threadsFor(defaultMemoryLimit()));
      } finally {
        await dflt.close();
      }
    } finally {
      cleanup();
    }
  },
);

async function importAndRebuild(store: Store, file: string) {
  await store.createWorkspace({
    id: 'w',
    name: 'w',
    currency: 'USD',
    timezone: 'UTC',
    writeKey: 'wk_w',
    secretKeyHash: 'h_w',
  });
  const imported = await store.importEventsFile('w', file);
  const derived = await rebuild(store, 'w');
  return {
    inserted: imported.inserted,
    sessions: derived.sessions,
    persons: derived.identity.persons,
    leads: derived.leads,
    credits: derived.credits.rows,
    byChannel: await store.sessionsByChannel('w'),
  };
}

test(
  'an import and rebuild under a small limit spill to disk and give what an unbounded engine gives',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const sim = await simulate(
        { seed: 3, days: 30, visitorsPerDay: 1000, end: '2026-09-30' },
        { outDir: join(dir, 'world') },
      );
      const file = join(dir, 'world', 'events.ndjson');
      // the file three times over: every messageId repeated sends the import down its de-duplicating path,
      // which sorts every row, the statement that needs the most memory (the plain import does not spill
      // at this size)
      const text = readFileSync(file, 'utf8');
      const tripled = join(dir, 'world', 'tripled.ndjson');
      writeFileSync(tripled, text.repeat(3));

      const bounded = await openStore(join(dir, 'bounded'), { memoryLimit: 256e6 });
      // the engine writes its spill files there while a statement runs, and removes them after
      const spilled: string[] = [];
      const watcher = watch(join(dir, 'bounded', SPILL_DIR), (_event, name) =>
        spilled.push(String(name)),
      );
      let small;
      try {
        small = await importAndRebuild(bounded, tripled);
      } finally {
        watcher.close();
        await bounded.close();
      }
      assert.ok(
        spilled.length > 0,
        'the engine never spilled: the limit did not bind, so this test proves nothing',
      );
      assert.equal(small.inserted, sim.record.events.total);

      const roomy = await openStore(join(dir, 'roomy'), { memoryLimit: 4e9 });
      try {
        assert.deepEqual(small, await importAndRebuild(roomy, file));
      } finally {
        await roomy.close();
      }
    } finally {
      cleanup();
    }
  },
);

const workspace = (id: string) => ({
  id,
  name: id,
  currency: 'USD',
  timezone: 'UTC',
  writeKey: `wk_${id}`,
  secretKeyHash: `h_${id}`,
});
const page = (i: number) => ({
  type: 'page',
  messageId: `m${i}`,
  anonymousId: 'a1',
  timestamp: `2026-01-01T00:00:0${i}Z`,
});

test(
  'with a control URL, workspaces and settings live in PostgreSQL, facts in the DuckDB file; deletion removes both',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const pg = await createTestSchema();
    try {
      const store = await openStore(dir, { control: pg.url });
      try {
        assert.equal(store.controlEngine, 'postgres');
        assert.equal(store.engine, 'duckdb');
        await store.createWorkspace(workspace('w'));
        await store.createWorkspace(workspace('other'));
        await store.setSetting('w', 'lookback', 30);
        const stored = await store.appendEvents('w', [page(1), page(2)], {
          origin: 'api',
          receivedAt: new Date(),
        });
        assert.equal(stored.inserted, 2);
        await store.appendEvents('other', [page(1)], { origin: 'api', receivedAt: new Date() });
        assert.equal(await store.countEvents('w'), 2);
        const rows = await pg.admin.query(`SELECT id FROM ${pg.schema}.workspaces ORDER BY id`);
        assert.deepEqual(
          rows.rows.map((r: { id: string }) => r.id),
          ['other', 'w'],
        );

        const removed = await store.deleteWorkspace('w');
        assert.equal(removed?.workspaces, 1);
        assert.equal(removed?.workspace_settings, 1);
        assert.equal(removed?.events, 2);
        assert.equal(Object.keys(removed!)[0], 'workspaces');
        assert.equal(await store.countEvents('w'), 0);
        assert.equal(await store.countEvents('other'), 1);
        assert.equal(await store.getSetting('w', 'lookback'), undefined);
        assert.deepEqual(
          (await store.listWorkspaces()).map((w) => w.id),
          ['other'],
        );
        assert.equal(await store.deleteWorkspace('w'), undefined);
      } finally {
        await store.close();
      }
      // the DuckDB file holds the facts; its own control tables stay empty
      const fileOnly = await openStore(dir);
      try {
        assert.deepEqual(await fileOnly.listWorkspaces(), []);
        assert.equal(await fileOnly.countEvents('other'), 1);
      } finally {
        await fileOnly.close();
      }
    } finally {
      await pg.drop();
      cleanup();
    }
  },
);

test('a control that is not a PostgreSQL URL is refused without its password', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await assert.rejects(
      openStore(dir, { control: 'mysql://ops:hunter2@db/control' }),
      (e: unknown) => {
        assert.match(
          String(e),
          /mysql:\/\/ops@db\/control is not a postgres:\/\/ or postgresql:\/\/ URL/,
        );
        assert.ok(!String(e).includes('hunter2'));
        return true;
      },
    );
  } finally {
    cleanup();
  }
});

test(
  'with a chdb store and no control URL, facts live in ClickHouse and workspaces in the local DuckDB file; deletion removes both',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const database = freshDatabase('open');
    const url = `chdb://${chdbTestDir()}?database=${database}`;
    try {
      const store = await openStore(dir, { store: url });
      try {
        assert.equal(store.engine, 'clickhouse');
        assert.equal(store.controlEngine, 'duckdb');
        await store.createWorkspace(workspace('w'));
        await store.createWorkspace(workspace('other'));
        await store.setSetting('w', 'lookback', 30);
        await store.appendEvents('w', [page(1), page(2)], {
          origin: 'api',
          receivedAt: new Date(),
        });
        await store.appendEvents('other', [page(1)], { origin: 'api', receivedAt: new Date() });
        const removed = await store.deleteWorkspace('w');
        assert.equal(removed?.workspaces, 1);
        assert.equal(removed?.workspace_settings, 1);
        assert.equal(removed?.events, 2);
        assert.equal(await store.countEvents('w'), 0);
        assert.equal(await store.countEvents('other'), 1);
      } finally {
        await store.close();
      }
      // the file holds the workspaces, not the facts; ClickHouse holds the facts
      const fileOnly = await openStore(dir);
      try {
        assert.deepEqual(
          (await fileOnly.listWorkspaces()).map((w) => w.id),
          ['other'],
        );
        assert.equal(await fileOnly.countEvents('other'), 0);
      } finally {
        await fileOnly.close();
      }
      const again = await openStore(dir, { store: url });
      try {
        assert.equal(await again.countEvents('other'), 1);
        assert.equal((await again.getWorkspace('other'))?.writeKey, 'wk_other');
      } finally {
        await again.close();
      }
    } finally {
      const conn = await openChdbConnection(chdbTestDir());
      await conn.command(`DROP DATABASE IF EXISTS ${database}`);
      await conn.close();
      cleanup();
    }
  },
);

test(
  'with a chdb store and a control URL, the data directory gets no DuckDB file',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const pg = await createTestSchema();
    const database = freshDatabase('open');
    try {
      const store = await openStore(dir, {
        control: pg.url,
        store: `chdb://${chdbTestDir()}?database=${database}`,
      });
      try {
        assert.equal(store.controlEngine, 'postgres');
        assert.equal(store.engine, 'clickhouse');
        await store.createWorkspace(workspace('w'));
        await store.appendEvents('w', [page(1)], { origin: 'api', receivedAt: new Date() });
        assert.equal(await store.countEvents('w'), 1);
      } finally {
        await store.close();
      }
      assert.equal(existsSync(join(dir, DB_FILE)), false);
    } finally {
      const conn = await openChdbConnection(chdbTestDir());
      await conn.command(`DROP DATABASE IF EXISTS ${database}`);
      await conn.close();
      await pg.drop();
      cleanup();
    }
  },
);

test('a store URL that cannot be read is refused before anything opens, without its password', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await assert.rejects(
      openStore(join(dir, 'never'), { store: 'https://ops:hunter2@ch.internal:8443/db' }),
      (e: unknown) => {
        assert.ok(e instanceof StoreUrlError, String(e));
        assert.match(e.message, /write clickhouses:\/\/\.\.\. for a ClickHouse server/);
        assert.ok(!e.message.includes('hunter2'));
        return true;
      },
    );
    assert.equal(existsSync(join(dir, 'never')), false);
  } finally {
    cleanup();
  }
});
