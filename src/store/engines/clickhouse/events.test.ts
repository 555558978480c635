// The events area on ClickHouse against DuckDB: the same journal segments loaded into both engines give
// the same stored events (every column a read returns), the same counts, and the same dead letters.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import { journalMeta, poisonLines, segmentBytes, tornTail } from '../../../test-helpers/poison.js';
import { countEvents, loadEventJournal, queryEvents } from './events.js';
import { queryNeutral as chQuery } from './dialect.js';
import { queryNeutral as duckQuery } from '../duckdb/dialect.js';
import { fn, sql } from '../neutral/sql.js';

const WS = 'ws_events';

function line(fields: Record<string, unknown>, ts?: string): Buffer {
  const json = JSON.stringify(fields).slice(0, -1);
  return Buffer.from(
    `${json},${journalMeta(WS, '2024-05-01T12:00:00.000Z')}${ts ? `,"_ts":"${ts}"` : ''}}`,
  );
}

const FIRST = [
  line(
    {
      type: 'page',
      messageId: 'm1',
      anonymousId: 'a1',
      name: 'Pricing',
      timestamp: '2024-05-01T11:00:00Z',
      properties: { path: '/pricing' },
      context: {
        page: { url: 'https://x.test/pricing?utm_source=g', referrer: 'https://google.com/' },
        campaign: { source: 'g', medium: 'cpc' },
        userAgent: 'Mozilla/5.0',
        location: { country: 'GB' },
      },
    },
    '2024-05-01T11:00:00.000000Z',
  ),
  line(
    {
      type: 'identify',
      messageId: 'm2',
      anonymousId: 'a1',
      userId: 'u1',
      traits: { email: 'ann@x.test', phone: 12345 },
      timestamp: '2024-05-01T11:01:00.250Z',
    },
    '2024-05-01T11:01:00.250000Z',
  ),
  // no _ts: the loader applies the time rule itself (a future time is replaced by the receive time)
  line({
    type: 'track',
    messageId: 'm3',
    anonymousId: 'a2',
    event: 'Form Submitted',
    properties: { fields: { email: 'bob@x.test', phone: '+44 1' } },
    timestamp: '2030-01-01T00:00:00Z',
  }),
  line({ type: 'track', messageId: 'm3', anonymousId: 'a2', event: 'Form Submitted (repeat)' }),
  line({ type: 'alias', messageId: 'm4', userId: 'u1', previousId: 'a2', event: '' }),
];
const SECOND = [
  line({ type: 'track', messageId: 'm1', anonymousId: 'a1', event: 'Already stored' }),
  line({
    type: 'track',
    messageId: 'm5',
    anonymousId: 'a3',
    event: 'New',
    timestamp: '2024-04-30T00:00:00Z',
  }),
];

test('journal segments load into ClickHouse as into DuckDB', { timeout: 120_000 }, async () => {
  await withBothEngines(
    async ({ duck, duckDb, ch, dir }) => {
      const s = { conn: ch.conn, database: ch.database };
      const poison = poisonLines(WS).filter((p) => p.name !== 'duplicate key');
      const segments = [
        segmentBytes(FIRST),
        segmentBytes(SECOND),
        segmentBytes(
          poison.map((p) => p.raw),
          tornTail(WS),
        ),
      ];
      for (const [i, bytes] of segments.entries()) {
        const path = join(dir, `seg-${i}.ndjson`);
        writeFileSync(path, bytes);
        const d = await duck.loadEventJournal(path);
        const c = await loadEventJournal(s, path);
        assert.equal(c.inserted, d.inserted, `segment ${i}: inserted`);
        assert.equal(c.deadLetters, d.deadLetters, `segment ${i}: dead letters`);
        const ids = (m: typeof d.affected) =>
          [...m].map(([ws, a]) => [ws, [...a.anonymousIds].sort(), [...a.userIds].sort()]);
        assert.deepEqual(ids(c.affected), ids(d.affected), `segment ${i}: affected ids`);
      }
      assert.equal(await countEvents(s, WS), 5);
      assert.equal(await countEvents(s, WS), await duck.countEvents(WS));
      const read = { limit: 100 };
      assert.deepEqual(await queryEvents(s, WS, read), await duck.queryEvents(WS, read));
      // the columns derives read (not returned by queryEvents) are the same projections on both
      const columns = sql`SELECT message_id, page_url, page_referrer, campaign, user_agent, country, email, phone
      FROM ${fn.table('events')} ORDER BY message_id`;
      const parsed = (rows: Record<string, unknown>[]) =>
        rows.map((r): Record<string, unknown> => ({
          ...r,
          campaign:
            typeof r.campaign === 'string' ? (JSON.parse(r.campaign) as unknown) : r.campaign,
        }));
      const fromCh = parsed(await chQuery(ch.conn, ch.database, columns));
      assert.deepEqual(fromCh, parsed(await duckQuery(duckDb, columns)));
      assert.deepEqual(fromCh[0], {
        message_id: 'm1',
        page_url: 'https://x.test/pricing?utm_source=g',
        page_referrer: 'https://google.com/',
        campaign: { source: 'g', medium: 'cpc' },
        user_agent: 'Mozilla/5.0',
        country: 'GB',
        email: null,
        phone: null,
      });
      assert.deepEqual(
        [fromCh[1]?.email, fromCh[1]?.phone, fromCh[2]?.email, fromCh[2]?.phone],
        ['ann@x.test', '12345', 'bob@x.test', '+44 1'],
      );
      for (const f of [
        { anonymousId: 'a1' },
        { type: 'track' },
        { userId: 'u1' },
        { since: '2024-05-01T11:00:30Z', until: '2024-05-01T12:00:01Z' },
      ])
        assert.deepEqual(
          await queryEvents(s, WS, f),
          await duck.queryEvents(WS, f),
          JSON.stringify(f),
        );
      const dead = await ch.conn.query<{ n: number }>(
        `SELECT count() AS n FROM ${ch.database}.dead_letters FINAL`,
      );
      assert.equal(dead[0]?.n, poison.length + 1);
    },
    { workspaceId: WS },
  );
});

test(
  'events naming an erased identifier are skipped on both engines',
  { timeout: 120_000 },
  async () => {
    await withBothEngines(
      async ({ duck, duckDb, ch, dir }) => {
        // the erasure runs on DuckDB (the production path writes its tombstones); ClickHouse gets the same rows
        await duck.erasePerson(
          WS,
          {
            personIds: [],
            identifiers: [
              { kind: 'email', value: 'gone@x.test' },
              { kind: 'anonymous_id', value: 'a-gone' },
            ],
            events: {
              anonymousIds: [],
              userIds: [],
              previousIds: [],
              emails: [],
              phones: [],
              messageIds: [],
              deviceSpans: [],
            },
            sharedDevices: [],
            links: [],
            deadLetters: [],
          },
          { erasureId: 'er1', via: 'cli', at: new Date('2024-06-01T00:00:00Z') },
        );
        const tombstones = await duckQuery(
          duckDb,
          sql`SELECT workspace_id, kind, key_hash, ${fn.isoTime('erased_at')} AS erased_at, erasure_id
          FROM ${fn.table('erased_identifiers')}`,
        );
        assert.equal(tombstones.length, 2);
        await ch.conn.insert(`${ch.database}.erased_identifiers`, tombstones);
        const privacyKey = readFileSync(join(dir, 'duck', 'privacy.key'), 'utf8').trim();
        const s = { conn: ch.conn, database: ch.database, privacyKey };
        const at = (t: string) => `${t}.000000Z`;
        const path = join(dir, 'erase.ndjson');
        writeFileSync(
          path,
          segmentBytes([
            // before the erasure: skipped (by e-mail, in any spelling; by anonymous id)
            line(
              {
                type: 'identify',
                messageId: 'e1',
                anonymousId: 'a-x',
                traits: { email: ' MAILTO:Gone@X.test ' },
              },
              at('2024-05-01T00:00:00'),
            ),
            line(
              { type: 'page', messageId: 'e2', anonymousId: 'a-gone' },
              at('2024-05-02T00:00:00'),
            ),
            // after it: a new life, kept
            line(
              { type: 'page', messageId: 'e3', anonymousId: 'a-gone' },
              at('2024-07-01T00:00:00'),
            ),
            // someone else: kept
            line(
              { type: 'page', messageId: 'e4', anonymousId: 'a-other' },
              at('2024-05-02T00:00:00'),
            ),
          ]),
        );
        const d = await duck.loadEventJournal(path);
        const c = await loadEventJournal(s, path);
        assert.equal(d.inserted, 2);
        assert.equal(c.inserted, d.inserted);
        const ids = (events: { messageId: string }[]) => events.map((e) => e.messageId).sort();
        assert.deepEqual(ids(await queryEvents(s, WS)), ['e3', 'e4']);
        assert.deepEqual(ids(await queryEvents(s, WS)), ids(await duck.queryEvents(WS)));
      },
      { workspaceId: WS },
    );
  },
);
