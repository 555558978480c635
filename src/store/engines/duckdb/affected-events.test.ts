import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DB_FILE, openStore } from '../../open.js';
import type { RawEvent } from '../../types.js';
import { tempDir } from '../../../test-helpers/tmp.js';
import { Db } from './connection.js';
import { releaseAffectedEvents, rowIdRuns, stageAffectedEvents } from './affected-events.js';

test('row id runs: consecutive ids join, gaps split', () => {
  assert.deepEqual(rowIdRuns([1n, 2n, 3n, 7n, 9n, 10n]), [
    [1n, 3n],
    [7n, 7n],
    [9n, 10n],
  ]);
  assert.deepEqual(rowIdRuns([]), []);
});

test('staged events are exactly the affected anonymous and user ids’ events, whether fetched by row id runs or by one scan', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = await openStore(dir);
    await store.createWorkspace({
      id: 'w',
      name: 'w',
      currency: 'USD',
      timezone: 'UTC',
      writeKey: 'k',
      secretKeyHash: 'h',
    });
    await store.createWorkspace({
      id: 'other',
      name: 'o',
      currency: 'USD',
      timezone: 'UTC',
      writeKey: 'k2',
      secretKeyHash: 'h2',
    });
    // three batches, so one visitor's events lie in several separate runs of rows
    for (let b = 0; b < 3; b++) {
      const events: RawEvent[] = [];
      for (let i = 0; i < 40; i++) {
        events.push({
          type: 'page',
          messageId: `p${b}-${i}`,
          anonymousId: `a${i % 8}`,
          timestamp: new Date(Date.UTC(2026, 0, 1 + b, 0, i)).toISOString(),
          context: { page: { url: `https://acme.io/${i}` } },
        });
      }
      events.push({
        type: 'identify',
        messageId: `s${b}`,
        userId: 'u1',
        timestamp: new Date(Date.UTC(2026, 0, 1 + b, 2)).toISOString(),
        traits: { email: 'x@acme.io' },
      });
      await store.appendEvents('w', events, { origin: 'import', receivedAt: new Date() });
      await store.appendEvents(
        'other',
        [
          {
            type: 'page',
            messageId: `o${b}`,
            anonymousId: 'a1',
            timestamp: '2026-01-01T00:00:00Z',
          },
        ],
        { origin: 'import', receivedAt: new Date() },
      );
    }
    await store.close();

    const db = await Db.open(join(dir, DB_FILE));
    try {
      const affected = { anonymousIds: ['a1', 'a5', 'never-seen'], userIds: ['u1'] };
      const read = async (stage: string): Promise<string[]> =>
        (
          await db.write(async (c) =>
            (
              await c.runAndReadAll(
                `SELECT message_id, anonymous_id, user_id, page_url, rid FROM ${stage} ORDER BY rid`,
              )
            ).getRows(),
          )
        ).map((r) =>
          JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
        );
      const byRuns = await stageAffectedEvents(db, 'w', affected, 1000);
      const runs = await read(byRuns.stage);
      const byScan = await stageAffectedEvents(db, 'w', affected, 0);
      const scan = await read(byScan.stage);
      assert.deepEqual(runs, scan);
      const expected = await db.query(
        "SELECT message_id FROM events WHERE workspace_id = 'w' AND (anonymous_id IN ('a1', 'a5') OR user_id = 'u1') ORDER BY rowid",
      );
      assert.deepEqual(
        runs.map((r) => JSON.parse(r)[0]),
        expected.map((r) => r.message_id),
      );
      assert.equal(byRuns.events, 3 * 10 + 3);
      await releaseAffectedEvents(db, byRuns);
      await assert.rejects(read(byRuns.stage));
    } finally {
      await db.close();
    }
  } finally {
    cleanup();
  }
});
