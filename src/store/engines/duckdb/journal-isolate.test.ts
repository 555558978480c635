import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../test-helpers/tmp.js';
import {
  goodLine,
  loadableOddLines,
  poisonLines,
  segmentBytes,
  tornTail,
} from '../../../test-helpers/poison.js';
import { TEST_WORKSPACE } from '../../../test-helpers/events.js';
import { openStore } from '../../open.js';
import type { Store } from '../../store.js';
import { Db } from './connection.js';
import { migrate } from './migrate.js';
import { insertDeadLetters, retryDeadLetters } from './dead-letters-repo.js';

const WS = TEST_WORKSPACE.id;

async function withStore(fn: (store: Store, dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  const store = await openStore(dir);
  try {
    await store.createWorkspace(TEST_WORKSPACE);
    await fn(store, dir);
  } finally {
    await store.close();
    cleanup();
  }
}

const ids = async (store: Store) =>
  (await store.queryEvents(WS, { limit: 1000 })).map((e) => e.messageId).sort();

test(
  'journal load: each bad line becomes a dead letter with its reason, every good line around it loads',
  { timeout: 60_000 },
  async () => {
    await withStore(async (store, dir) => {
      const poison = poisonLines(WS);
      const odd = loadableOddLines(WS);
      const good = Array.from({ length: 30 }, (_, i) => goodLine(WS, `g${i}`, `anon-${i % 3}`));
      // good lines before, between and after every bad one
      const lines = [
        good[0]!,
        ...poison.flatMap((p, i) => [p.raw, good[i + 1]!]),
        ...odd.map((o) => o.raw),
        ...good.slice(poison.length + 1),
      ];
      const path = join(dir, 'events-000000000001.ndjson');
      writeFileSync(path, segmentBytes(lines, tornTail(WS)));

      const r = await store.loadEventJournal(path);
      assert.equal(r.inserted, good.length + odd.length);
      assert.equal(r.deadLetters, poison.length + 1);
      assert.deepEqual(
        await ids(store),
        [...good.map((_, i) => `g${i}`), ...odd.map((o) => o.messageId)].sort(),
      );
      assert.deepEqual(r.affected.get(WS)?.anonymousIds.sort(), [
        'anon-0',
        'anon-1',
        'anon-2',
        'anon-odd',
      ]);

      const letters = await store.listDeadLetters({ limit: 100 });
      assert.equal(letters.length, poison.length + 1);
      for (const p of poison) {
        const lineNo = lines.indexOf(p.raw) + 1;
        const l = letters.find((x) => x.line === lineNo);
        assert.ok(l, `${p.name}: a dead letter for line ${lineNo}`);
        assert.match(l.reason, p.reason, p.name);
        assert.equal(l.workspaceId, p.named ? WS : null, `${p.name}: workspace`);
        assert.equal(l.source, 'events-000000000001.ndjson');
        assert.equal(l.bytes, p.raw.length);
        assert.equal(l.retriedAt, null);
      }
      const torn = letters.find((x) => x.line === lines.length + 1);
      assert.ok(torn, 'the torn tail is a dead letter');
      assert.match(torn.reason, /^line\|torn write/);
      assert.equal(torn.workspaceId, null, 'a torn line has lost its metadata');
      assert.deepEqual(await store.countDeadLetters(WS), {
        pending: poison.filter((p) => p.named).length,
        retried: 0,
      });
      assert.deepEqual(await store.countDeadLetters(), { pending: poison.length + 1, retried: 0 });

      // a replay of the same segment (a crash between commit and delete) adds nothing
      const again = await store.loadEventJournal(path);
      assert.equal(again.inserted, 0);
      assert.deepEqual(await store.countDeadLetters(), { pending: poison.length + 1, retried: 0 });
      assert.equal((await ids(store)).length, good.length + odd.length);

      // the same file name holding other bytes later (numbering restarts once the journal is empty): new letters
      writeFileSync(path, segmentBytes([goodLine(WS, 'later'), Buffer.from('{"broken":')]));
      const later = await store.loadEventJournal(path);
      assert.equal(later.inserted, 1);
      assert.equal(later.deadLetters, 1);
      assert.deepEqual(await store.countDeadLetters(), { pending: poison.length + 2, retried: 0 });
    });
  },
);

test(
  'journal load: a clean segment takes the fast path and duplicates are not dead letters',
  { timeout: 60_000 },
  async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'events-000000000001.ndjson');
      writeFileSync(path, segmentBytes([goodLine(WS, 'a'), goodLine(WS, 'b'), goodLine(WS, 'a')]));
      const r = await store.loadEventJournal(path);
      assert.deepEqual([r.inserted, r.deadLetters], [2, 0]);
      writeFileSync(
        path,
        segmentBytes([goodLine(WS, 'b'), goodLine(WS, 'c'), Buffer.from('[1]'), goodLine(WS, 'c')]),
      );
      const r2 = await store.loadEventJournal(path);
      assert.deepEqual(
        [r2.inserted, r2.deadLetters],
        [1, 1],
        'in the slow path too, a repeated messageId is a duplicate, not a dead letter',
      );
      assert.deepEqual(await ids(store), ['a', 'b', 'c']);
    });
  },
);

test(
  'journal load: asked not to read back ids, the fast path says how many it stored and no ids; the slow path still does',
  { timeout: 60_000 },
  async () => {
    await withStore(async (store, dir) => {
      const path = join(dir, 'events-000000000001.ndjson');
      writeFileSync(path, segmentBytes([goodLine(WS, 'a', 'x'), goodLine(WS, 'b', 'y')]));
      const r = await store.loadEventJournal(path, { readAffected: false });
      assert.deepEqual([r.inserted, r.deadLetters, r.affected.size], [2, 0, 0]);
      writeFileSync(path, segmentBytes([goodLine(WS, 'a', 'x'), goodLine(WS, 'c', 'z')]));
      const again = await store.loadEventJournal(path, { readAffected: false });
      assert.deepEqual([again.inserted, again.affected.size], [1, 0], 'duplicates are not counted');
      writeFileSync(path, segmentBytes([goodLine(WS, 'd', 'anon-d'), Buffer.from('[1]')]));
      const slow = await store.loadEventJournal(path, { readAffected: false });
      assert.deepEqual([slow.inserted, slow.deadLetters], [1, 1]);
      assert.deepEqual(slow.affected.get(WS)?.anonymousIds, ['anon-d']);
      assert.deepEqual(await ids(store), ['a', 'b', 'c', 'd']);
    });
  },
);

test(
  'dead letters: a retry loads those that load now, marks them, and reports the rest with their reason',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const db = await Db.open(join(dir, 'x.duckdb'));
    try {
      await migrate(db);
      // a line an earlier version refused (a bug since fixed) and one that still cannot load
      const fixed = goodLine(WS, 'fixed-now', 'anon-fixed');
      const still = Buffer.from(
        '{"type":"track","event":"x\\ud800","anonymousId":"a","_ws":"w","_recv":"2024-01-01T00:00:00Z","_origin":"api","_batch":"b"}',
      );
      const other = goodLine('other-ws', 'other-ws-event');
      await db.transaction((conn) =>
        insertDeadLetters(conn, 'events-000000000007.ndjson', [
          {
            line: { lineNo: 1, raw: fixed, terminated: true },
            reason: 'line|some old bug',
            workspaceId: WS,
            receivedAt: null,
          },
          {
            line: { lineNo: 2, raw: still, terminated: true },
            reason: 'line|old reason',
            workspaceId: WS,
            receivedAt: '2024-01-01T00:00:00Z',
          },
          {
            line: { lineNo: 3, raw: other, terminated: true },
            reason: 'line|some old bug',
            workspaceId: 'other-ws',
            receivedAt: null,
          },
        ]),
      );
      const r = await retryDeadLetters(db, { workspaceId: WS });
      assert.equal(r.loaded.length, 1);
      assert.equal(r.failed.length, 1);
      assert.match(r.failed[0]!.reason, /^event\|.*surrogate/);
      assert.equal(r.inserted, 1);
      assert.deepEqual(r.affected.get(WS)?.anonymousIds, ['anon-fixed']);
      const rows = await db.query(
        'SELECT id, workspace_id, reason, retried_at IS NOT NULL AS done FROM dead_letters ORDER BY line_no',
      );
      assert.deepEqual(
        rows.map((x) => [x.workspace_id, x.done]),
        [
          [WS, true],
          [WS, false],
          ['other-ws', false],
        ],
        'only the workspace asked for is replayed',
      );
      assert.match(
        String(rows[1]!.reason),
        /surrogate/,
        "a letter that still fails carries today's reason",
      );
      assert.equal(r.loaded[0], rows[0]!.id);
      const stored = await db.query("SELECT message_id FROM events WHERE workspace_id = 'w'");
      assert.deepEqual(
        stored.map((x) => x.message_id),
        ['fixed-now'],
      );
      // once loaded, a letter is not replayed again
      const r2 = await retryDeadLetters(db, { id: String(rows[0]!.id) });
      assert.deepEqual([r2.loaded.length, r2.failed.length], [0, 0]);
    } finally {
      await db.close();
      cleanup();
    }
  },
);
