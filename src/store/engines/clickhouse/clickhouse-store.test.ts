// The ClickHouse data plane as store/open.ts opens it: through chdb:// and through clickhouse:// (the real
// client against the HTTP test endpoint), its database created and migrated; a server that is down or
// refuses the credentials stops the open with StoreUnavailable naming the URL without the password; and a
// simulated workspace's events go in and come out as the same sessions, persons, leads and credits as on
// DuckDB, after a rebuild and after a live batch's scoped derive.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { deriveAffected, rebuild } from '../../../derive/derive.js';
import { simulate } from '../../../sim/index.js';
import { chdbTestDir, freshDatabase } from '../../../test-helpers/clickhouse.js';
import { startClickHouseHttpEndpoint } from '../../../test-helpers/clickhouse-http-endpoint.js';
import { freePort } from '../../../test-helpers/port.js';
import { tempDir } from '../../../test-helpers/tmp.js';
import { parseByteSize } from '../../../util/memory-limit.js';
import { StoreUnavailable } from '../../areas/engine.js';
import type { RawEvent } from '../../areas/events.js';
import { openStore } from '../../open.js';
import type { Store } from '../../store.js';
import { openChdbConnection } from './chdb-connection.js';
import { chStoreOf } from './clickhouse-store.js';
import { CH_MIGRATIONS } from './migrate.js';

const WORKSPACE = {
  id: 'w',
  name: 'w',
  currency: 'USD',
  timezone: 'UTC',
  writeKey: 'wk',
  secretKeyHash: 'h',
};
const LATEST = Math.max(...CH_MIGRATIONS.map((m) => m.version));

const page = (i: number, anon = 'a1'): RawEvent => ({
  type: 'page',
  messageId: `m${i}`,
  anonymousId: anon,
  timestamp: `2026-01-01T00:0${i}:00Z`,
  context: { page: { url: `https://acme.io/?utm_source=news&i=${i}` } },
});

async function dropChdbDatabase(database: string): Promise<void> {
  const conn = await openChdbConnection(chdbTestDir());
  try {
    await conn.command(`DROP DATABASE IF EXISTS ${database}`);
  } finally {
    await conn.close();
  }
}

test(
  'chdb:// opens ClickHouse in this process: the database made and migrated, the control plane in the local file, the facts and the privacy key kept across a reopen',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const database = freshDatabase('open');
    const url = `chdb://${chdbTestDir()}?database=${database}`;
    try {
      const store = await openStore(dir, { store: url });
      let key: string | undefined;
      try {
        assert.equal(store.engine, 'clickhouse');
        assert.equal(store.controlEngine, 'duckdb');
        assert.equal(store.ready(), true);
        assert.equal(await store.schemaVersion(), LATEST);
        const limits = await store.engineLimits();
        assert.ok(limits.threads >= 1, `threads ${limits.threads}`);
        assert.ok((parseByteSize(limits.memoryLimit) ?? 0) > 0, limits.memoryLimit);
        key = chStoreOf(store)?.privacyKey;
        assert.match(key ?? '', /^[0-9a-f]{64}$/);
        await store.createWorkspace(WORKSPACE);
        const r = await store.appendEvents('w', [page(1), page(2), page(1), { type: 'page' }], {
          origin: 'api',
          receivedAt: new Date(),
        });
        assert.deepEqual(
          [r.received, r.inserted, r.duplicates, r.rejectedCount],
          [4, 2, 1, 1],
          JSON.stringify(r),
        );
        assert.equal(r.rejected[0]?.line, 4);
      } finally {
        await store.close();
      }
      assert.equal(store.ready(), false);
      const again = await openStore(dir, { store: url });
      try {
        assert.equal(await again.schemaVersion(), LATEST);
        assert.equal(chStoreOf(again)?.privacyKey, key, 'the same key after a reopen');
        assert.deepEqual(
          (await again.listWorkspaces()).map((w) => w.id),
          ['w'],
        );
        assert.equal(await again.countEvents('w'), 2);
      } finally {
        await again.close();
      }
    } finally {
      await dropChdbDatabase(database);
      cleanup();
    }
  },
);

test(
  'clickhouse:// reaches a server through the HTTP client: a missing database is made, and the store reads back what it stored',
  { timeout: 60_000 },
  async () => {
    const endpoint = await startClickHouseHttpEndpoint({ user: 'ops', password: 'hunter2-secret' });
    const { dir, cleanup } = tempDir();
    const database = freshDatabase('http');
    try {
      const port = new URL(endpoint.url).port;
      const store = await openStore(dir, {
        store: `clickhouse://ops:hunter2-secret@127.0.0.1:${port}/${database}`,
      });
      try {
        assert.equal(store.engine, 'clickhouse');
        assert.equal(chStoreOf(store)?.conn.kind, 'http');
        assert.equal(await store.schemaVersion(), LATEST);
        await store.createWorkspace(WORKSPACE);
        await store.appendEvents('w', [page(1), page(2)], {
          origin: 'api',
          receivedAt: new Date(),
        });
        assert.deepEqual((await store.queryEvents('w')).map((e) => e.messageId).sort(), [
          'm1',
          'm2',
        ]);
        await rebuild(store, 'w');
        assert.equal((await store.listSessions('w')).length, 1);
      } finally {
        await store.close();
      }
    } finally {
      await dropChdbDatabase(database);
      await endpoint.close();
      cleanup();
    }
  },
);

/** The open fails with StoreUnavailable whose message matches, naming no password. */
async function refused(url: string, dir: string, message: RegExp): Promise<void> {
  await assert.rejects(openStore(dir, { store: url }), (e: unknown) => {
    assert.ok(e instanceof StoreUnavailable, String(e));
    assert.match(e.message, message);
    assert.ok(!e.message.includes('hunter2'), e.message);
    assert.ok(!e.target.includes('hunter2'), e.target);
    return true;
  });
}

test(
  'a ClickHouse server that is down, or refuses the credentials, stops the open naming the URL without its password and why',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const endpoint = await startClickHouseHttpEndpoint({ user: 'ops', password: 'right-pw' });
    try {
      const closed = await freePort();
      await refused(
        `clickhouse://ops:hunter2@127.0.0.1:${closed}/analytics`,
        dir,
        new RegExp(
          `^cannot open http://ops@127\\.0\\.0\\.1:${closed}/analytics: cannot reach ClickHouse: ECONNREFUSED$`,
        ),
      );
      const port = new URL(endpoint.url).port;
      await refused(
        `clickhouse://ops:hunter2@127.0.0.1:${port}/analytics`,
        dir,
        new RegExp(
          `^cannot open http://ops@127\\.0\\.0\\.1:${port}/analytics: ClickHouse refused the credentials \\(code 516 AUTHENTICATION_FAILED\\)$`,
        ),
      );
      await refused(
        `clickhouse://intruder:hunter2@127.0.0.1:${port}/analytics`,
        dir,
        /^cannot open http:\/\/intruder@127\.0\.0\.1:\d+\/analytics: ClickHouse refused the credentials/,
      );
    } finally {
      await endpoint.close();
      cleanup();
    }
  },
);

test(
  'a ClickHouse server older than 25.7 stops the open saying which version runs and which is needed; 25.7 opens',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const old = await startClickHouseHttpEndpoint({
      user: 'ops',
      password: 'hunter2',
      version: '25.6.4.12',
    });
    const recent = await startClickHouseHttpEndpoint({
      user: 'ops',
      password: 'hunter2',
      version: '25.7.1.3',
    });
    try {
      const port = new URL(old.url).port;
      await refused(
        `clickhouse://ops:hunter2@127.0.0.1:${port}/${freshDatabase('old')}`,
        dir,
        /^cannot open http:\/\/ops@127\.0\.0\.1:\d+\/\w+: ClickHouse 25\.6\.4\.12 is too old: 25\.7 or later is needed/,
      );
      const store = await openStore(dir, {
        store: `clickhouse://ops:hunter2@127.0.0.1:${new URL(recent.url).port}/${freshDatabase('recent')}`,
      });
      await store.close();
    } finally {
      await old.close();
      await recent.close();
      cleanup();
    }
  },
);

/** What a workspace's derived state reads as, through the Store (rows in a stable order). */
async function derivedState(store: Store) {
  const byKey = <T extends { kind: string; value: string }>(rows: T[]) =>
    rows.sort((a, b) => `${a.kind}\u0000${a.value}`.localeCompare(`${b.kind}\u0000${b.value}`));
  return {
    sessions: await store.listSessions('w'),
    byChannel: await store.sessionsByChannel('w'),
    persons: await store.countPersons('w'),
    identities: byKey(await store.currentIdentities('w')),
    leads: await store.leadsByFirstTouchChannel('w'),
    credits: await store.creditReport('w', {
      model: 'linear',
      milestone: 'lead',
      groupBy: ['channel'],
    }),
  };
}

test(
  'a workspace’s events in, sessions, persons, leads and credits out through the Store: the same on ClickHouse as on DuckDB, rebuilt and after a live batch',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const database = freshDatabase('derive');
    const duck = await openStore(join(dir, 'duck'));
    const ch = await openStore(join(dir, 'ch'), {
      store: `chdb://${chdbTestDir()}?database=${database}`,
    });
    try {
      await simulate(
        { seed: 11, days: 8, visitorsPerDay: 40, end: '2026-10-31' },
        { outDir: join(dir, 'sim') },
      );
      const file = join(dir, 'sim', 'events.ndjson');
      for (const store of [duck, ch]) {
        await store.createWorkspace(WORKSPACE);
        await store.importEventsFile('w', file);
      }
      const rebuilt = await rebuild(ch, 'w');
      assert.deepEqual(rebuilt, await rebuild(duck, 'w'));
      assert.ok(
        rebuilt.sessions > 50 && (rebuilt.identity.persons ?? 0) > 20,
        JSON.stringify(rebuilt),
      );
      assert.deepEqual(await derivedState(ch), await derivedState(duck));

      // a live batch: a known visitor returns and identifies, a new one arrives
      const known = (await ch.listSessions('w', { limit: 1 }))[0]!.anonymousId;
      const batch: RawEvent[] = [
        {
          type: 'page',
          messageId: 'live-1',
          anonymousId: known,
          timestamp: '2026-10-31T12:00:00Z',
          context: { page: { url: 'https://acme.io/pricing?utm_source=google&utm_medium=cpc' } },
        },
        {
          type: 'identify',
          messageId: 'live-2',
          anonymousId: known,
          userId: 'live-user',
          timestamp: '2026-10-31T12:01:00Z',
          traits: { email: 'live@acme.io' },
        },
        { ...page(3, 'live-new'), messageId: 'live-3', timestamp: '2026-10-31T12:02:00Z' },
      ];
      const affected = { anonymousIds: [known, 'live-new'], userIds: ['live-user'] };
      for (const store of [duck, ch])
        await store.appendEvents('w', batch, { origin: 'api', receivedAt: new Date() });
      const live = await deriveAffected(ch, 'w', affected);
      assert.deepEqual(live, await deriveAffected(duck, 'w', affected));
      assert.deepEqual(await derivedState(ch), await derivedState(duck));
      const tables = await chStoreOf(ch)!.conn.query<{ name: string }>(
        `SELECT name FROM system.tables WHERE database = {db:String} AND name LIKE 'derive_%'`,
        { db: database },
      );
      assert.deepEqual(tables, [], 'the derive left no stage or scratch table behind');
    } finally {
      await duck.close();
      await ch.close();
      await dropChdbDatabase(database);
      cleanup();
    }
  },
);
