// A file import into ClickHouse against DuckDB's: the same file gives the same counts, the same rejected
// lines with the same reasons, and the same stored events; imported again, nothing new.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import type { IngestResult, StoredEvent } from '../../areas/events.js';
import { countEvents, queryEvents } from './events.js';
import { importEventsFile } from './import.js';
import { contentMessageId } from './message-id.js';

const WS = 'ws_import';
const LINES = [
  {
    type: 'page',
    messageId: 'i1',
    anonymousId: 'a1',
    timestamp: '2024-01-01T10:00:00Z',
    context: { page: { url: 'https://x.test/?utm_source=n' } },
  },
  {
    type: 'Identify',
    messageId: 'i2',
    anonymousId: 'a1',
    userId: 'u1',
    timestamp: '2024-01-01T10:05:00.123+02:00',
    traits: { email: 'a@x.test' },
  },
  // no messageId: a content hash names it (the same on both engines)
  {
    type: 'track',
    anonymousId: 'a2',
    event: 'Form Submitted',
    timestamp: '2024-01-02T00:00:00Z',
    properties: { plan: 'pro', seats: 3 },
  },
  {
    type: 'track',
    messageId: 'i1',
    anonymousId: 'a9',
    event: 'repeat of i1',
    timestamp: '2024-01-03T00:00:00Z',
  },
  'this is not json',
  '[1, 2]',
  { type: 'bogus', messageId: 'i4', anonymousId: 'a1', timestamp: '2024-01-01T00:00:00Z' },
  {
    type: 'track',
    messageId: 'i5',
    anonymousId: 'a1',
    event: 'Old',
    timestamp: '1999-12-31T23:59:59Z',
  },
  { type: 'track', messageId: 'i6', anonymousId: 'a1', event: 'x', timestamp: 'yesterday' },
  { type: 'track', messageId: 'i7', event: 'no ids', timestamp: '2024-01-01T00:00:00Z' },
  '',
  {
    type: 'alias',
    messageId: 'i8',
    userId: 'u1',
    previousId: 'a2',
    timestamp: '2024-01-04T00:00:00Z',
  },
  // a messageId that is not text: a number or a boolean is stored as its text, an array or an object
  // is refused by the rules (not replaced by a content hash)
  { type: 'page', messageId: 42, anonymousId: 'a3', timestamp: '2024-01-05T00:00:00Z' },
  { type: 'page', messageId: true, anonymousId: 'a3', timestamp: '2024-01-05T00:01:00Z' },
  { type: 'page', messageId: [1], anonymousId: 'a3', timestamp: '2024-01-05T00:02:00Z' },
  { type: 'page', messageId: { a: 1 }, anonymousId: 'a3', timestamp: '2024-01-05T00:03:00Z' },
];

const withoutBatch = ({ batchId: _b, ...r }: IngestResult) => r;
// the receive time is each engine's own clock at import
const withoutReceived = (events: StoredEvent[]) => events.map(({ receivedAt: _r, ...e }) => e);

test('a file imports into ClickHouse as into DuckDB', { timeout: 120_000 }, async () => {
  await withBothEngines(
    async ({ duck, ch, dir }) => {
      const s = { conn: ch.conn, database: ch.database };
      const file = join(dir, 'events.ndjson');
      writeFileSync(
        file,
        LINES.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n',
      );
      const d = await duck.importEventsFile(WS, file);
      const c = await importEventsFile(s, WS, file);
      assert.deepEqual(withoutBatch(c), withoutBatch(d));
      assert.equal(c.inserted, 6);
      assert.deepEqual(
        c.rejected.map((r) => r.line),
        [5, 6, 7, 8, 9, 10, 15, 16],
      );
      assert.deepEqual(
        c.rejected.slice(-2).map((r) => `${r.field}|${r.reason}`),
        ['messageId|must be a string', 'messageId|must be a string'],
      );
      assert.deepEqual(
        (await queryEvents(s, WS, { anonymousId: 'a3' })).map((e) => e.messageId).sort(),
        ['42', 'true'],
      );
      assert.deepEqual(
        withoutReceived(await queryEvents(s, WS)),
        withoutReceived(await duck.queryEvents(WS)),
      );
      const hashed = (await queryEvents(s, WS, { anonymousId: 'a2' })).find(
        (e) => e.type === 'track',
      );
      assert.equal(hashed?.messageId, contentMessageId(LINES[2] as Record<string, unknown>));
      // again: every valid line is a duplicate now
      const again = await importEventsFile(s, WS, file);
      assert.deepEqual(withoutBatch(again), withoutBatch(await duck.importEventsFile(WS, file)));
      assert.equal(again.inserted, 0);
      assert.equal(await countEvents(s, WS), 6);
    },
    { workspaceId: WS },
  );
});
