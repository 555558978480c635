// Hostile lines imported on DuckDB, on ClickHouse embedded (chdb) and on ClickHouse over HTTP (the real
// client against the local endpoint): the same counts, the same rejected lines with the same reasons, and
// the same stored rows; imported again, nothing new. Then the erased-identifier check and the buckets of
// a large import, on ClickHouse.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import { openTestHttp } from '../../../test-helpers/clickhouse-http-endpoint.js';
import type { IngestResult } from '../../areas/events.js';
import type { Row } from '../duckdb/connection.js';
import { keyHash } from './erased.js';
import type { ChStore } from './events.js';
import { importEventsFile } from './import.js';
import { MAX_NESTING } from './import-sql.js';

const WS = 'ws_hostile';
const T = '2024-01-01T10:00:00Z';
const ok = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'track',
    messageId: id,
    anonymousId: 'a1',
    event: 'e',
    timestamp: T,
    ...extra,
  });
const raw = (fields: string) => `{"type":"page","anonymousId":"a1","timestamp":"${T}",${fields}}`;
const nested = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** Every line of the file, in order (line numbers are 1-based positions here). */
const LINES: (string | Buffer)[] = [
  ok('ok1'),
  // bad JSON
  '{"type":"page",',
  raw('"messageId":"trailing-garbage"') + ' x',
  raw('"messageId":"two-objects"') + ' {"a":1}',
  'not json at all',
  // lone surrogates (escaped), a NUL escaped (valid) and raw (invalid)
  raw('"messageId":"lone-high","userId":"\\ud800x"'),
  raw('"messageId":"lone-low","properties":{"k":"\\udc00"}'),
  raw('"messageId":"nul-escaped","userId":"u\\u0000v"'),
  Buffer.from(raw('"messageId":"nul-raw","userId":"u\u0000v"')),
  // deep nesting: within the fast parser's 1024 levels, past them (read by the lenient one), past the limit
  raw(`"messageId":"deep-100","properties":${nested(100)}`),
  raw(`"messageId":"deep-2000","properties":${nested(2000)}`),
  // bad and edge timestamps
  ok('t-feb30', { timestamp: '2024-02-30T00:00:00Z' }),
  ok('t-date', { timestamp: '2024-01-01' }),
  ok('t-early', { timestamp: '1999-12-31T23:59:59Z' }),
  ok('t-future', { timestamp: '2999-01-01T00:00:00Z' }),
  ok('t-24h', { timestamp: '2024-01-01T24:00:00Z' }),
  ok('t-number', { timestamp: 1700000000 }),
  ok('t-nanos', { timestamp: '2024-01-01T10:00:00.123456789+05:30' }),
  ok('t-space', { timestamp: '2024-01-01 10:00:00' }),
  ok('t-original', { timestamp: null, originalTimestamp: '2024-01-02T00:00:00-01' }),
  ok('t-received-early', { receivedAt: '1999-01-01T00:00:00Z' }),
  ok('t-leap', { timestamp: '2024-02-29T23:59:59.5-0130' }),
  ok('t-year0', { timestamp: '0000-03-01T00:00:00Z' }),
  ok('t-sent', { sentAt: 'garbage' }),
  // duplicate messageIds: in the file (the first line is kept), and of an earlier line
  ok('dup', { event: 'first' }),
  ok('dup', { event: 'second' }),
  ok('ok1', { event: 'again' }),
  // missing, empty and null messageIds: a content hash names them (a repeat is a duplicate)
  JSON.stringify({
    type: 'track',
    anonymousId: 'a2',
    event: 'hashed',
    timestamp: T,
    properties: { x: 1.5 },
  }),
  JSON.stringify({
    type: 'track',
    anonymousId: 'a2',
    event: 'hashed',
    timestamp: T,
    properties: { x: 1.5 },
  }),
  JSON.stringify({
    type: 'track',
    messageId: '',
    anonymousId: 'a2',
    event: 'empty-id',
    timestamp: T,
  }),
  JSON.stringify({
    type: 'TRACK',
    messageId: null,
    anonymousId: 'a2',
    event: 'null-id',
    timestamp: T,
  }),
  // duplicate keys: the first wins on both
  `{"type":"page","type":"track","messageId":"dup-keys","anonymousId":"a1","event":"x","timestamp":"${T}"}`,
  // not objects, blank lines (not counted), an empty object
  '[]',
  '"text"',
  '42',
  'null',
  '   ',
  '\t\r',
  '',
  '{}',
  ok('crlf') + '\r',
  `  ${raw('"messageId":"spaced" , "properties" : { "a" : [ 1 , 2 ] }')}  `,
  raw('"messageId":42'),
  raw('"messageId":true'),
  raw('"messageId":[1]'),
  ok('unicode', { anonymousId: 'Zoë 🎉', properties: { t: 'é\u2028\n"\\' } }),
  ok('context', {
    context: {
      page: { url: 'https://x.test/p', referrer: 42 },
      campaign: { source: 's' },
      userAgent: 'UA',
      location: { country: 'FR' },
      traits: { email: 'A@X.test' },
    },
  }),
  ok('context-odd', { context: { page: ['u', 'r'], campaign: null, location: 'x' } }),
  JSON.stringify({
    type: 'IDENTIFY',
    messageId: 'identify',
    userId: 'u1',
    timestamp: T,
    traits: { email: 'e@x.test', phone: 123 },
  }),
  ok('form', { properties: { fields: { email: 'f@x.test', phone: '+1' } } }),
  ok('props-array', { properties: [1, 2] }),
  ok('props-text', { properties: 'x' }),
  ok('props-null', { properties: null }),
  ok('event-object', { event: { a: 1 } }),
  ok('event-brackets', { event: '[x]' }),
  ok('event-bool', { event: true }),
  JSON.stringify({ type: 'alias', messageId: 'alias', userId: 'u1', timestamp: T }),
  JSON.stringify({ type: 'track', messageId: 'no-event', anonymousId: 'a', timestamp: T }),
  JSON.stringify({ type: 5, messageId: 'type-number', anonymousId: 'a', timestamp: T }),
  ok('blank-id', { anonymousId: '  ' }),
  raw('"messageId":"big-integer","properties":{"n":55340232221128654848}'),
  // a byte-order mark: not JSON to DuckDB's reader, so not to ClickHouse's import either
  '\ufeff' + raw('"messageId":"bom"'),
  // bytes that are not UTF-8: refused by both engines' readers (DuckDB's used to count it a duplicate)
  Buffer.concat([
    Buffer.from(raw('"messageId":"latin1","userId":"caf')),
    Buffer.from([0xe9, 0x22, 0x7d]),
  ]),
  // no \n after the last line
  ok('last'),
];

const fileBytes = (lines: readonly (string | Buffer)[]) =>
  Buffer.concat(
    lines.map((l, i) =>
      Buffer.concat([Buffer.from(l), Buffer.from(i < lines.length - 1 ? '\n' : '')]),
    ),
  );

const withoutBatch = ({ batchId: _b, ...r }: IngestResult) => r;

const COLUMNS = `message_id, type, event, name, anonymous_id, user_id, previous_id, group_id, properties, traits,
  context, origin, page_url, page_referrer, campaign, user_agent, country, email, phone`;

/**
 * The stored rows, comparable across engines: JSON columns parsed and written again (the engines write
 * JSON text each their way), the event time to the millisecond (ClickHouse keeps milliseconds), and for an event whose time was
 * replaced by the receive time (each engine's own clock) only that it was.
 */
function comparable(rows: Row[]): Record<string, unknown>[] {
  return rows
    .map((r) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) {
        if (['properties', 'traits', 'context', 'campaign'].includes(k))
          out[k] = v === null || v === undefined ? null : JSON.stringify(JSON.parse(String(v)));
        else if (k !== 'ts_ms' && k !== 'received_ms')
          out[k] = v === null || v === undefined ? null : String(v);
      }
      out.ts = r.ts_ms === r.received_ms ? 'received' : Number(r.ts_ms);
      return out;
    })
    .sort((a, b) => String(a.message_id).localeCompare(String(b.message_id)));
}

async function duckRows(db: {
  query(q: string): Promise<Row[]>;
}): Promise<Record<string, unknown>[]> {
  return comparable(
    await db.query(`SELECT ${COLUMNS}, epoch_ms(ts) AS ts_ms, epoch_ms(received_at) AS received_ms
      FROM events WHERE workspace_id = '${WS}'`),
  );
}

async function chRows(s: ChStore): Promise<Record<string, unknown>[]> {
  return comparable(
    await s.conn.query<Row>(
      `SELECT ${COLUMNS}, toUnixTimestamp64Milli(ts) AS ts_ms, toUnixTimestamp64Milli(received_at) AS received_ms
       FROM ${s.database}.events WHERE workspace_id = {ws:String}`,
      { ws: WS },
    ),
  );
}

test(
  'hostile lines: the same verdicts and stored rows on DuckDB and on ClickHouse, embedded and over HTTP',
  { timeout: 240_000 },
  async () => {
    await withBothEngines(
      async ({ duck, duckDb, ch, dir }) => {
        const file = join(dir, 'hostile.ndjson');
        writeFileSync(file, fileBytes(LINES));
        const http = await openTestHttp();
        try {
          const { migrateClickHouse } = await import('./migrate.js');
          await migrateClickHouse(http.conn, { database: http.database });
          const viaHttp: ChStore = { conn: http.conn, database: http.database };

          const d = await duck.importEventsFile(WS, file);
          const c = await importEventsFile(ch, WS, file);
          const h = await importEventsFile(viaHttp, WS, file);
          assert.deepEqual(withoutBatch(c), withoutBatch(d));
          assert.deepEqual(withoutBatch(h), withoutBatch(d));
          // the lines the fast parser refuses, read again: the deep one and the big integer are stored
          const stored = await chRows(ch);
          assert.deepEqual(stored, await duckRows(duckDb));
          assert.deepEqual(await chRows(viaHttp), stored);
          const ids = stored.map((r) => r.message_id);
          for (const id of [
            'deep-100',
            'deep-2000',
            'big-integer',
            'nul-escaped',
            'dup-keys',
            '42',
            'true',
          ])
            assert.ok(ids.includes(id), id);
          assert.equal(stored.find((r) => r.message_id === 'dup')?.event, 'first');
          assert.equal(stored.find((r) => r.message_id === 'dup-keys')?.type, 'page');
          assert.equal(stored.find((r) => r.message_id === 't-future')?.ts, 'received');
          assert.equal(d.received, LINES.length - 3);
          assert.deepEqual(c.rejected.map((r) => `${r.line} ${r.field}|${r.reason}`).slice(0, 9), [
            '2 line|is not valid JSON',
            '3 line|is not valid JSON',
            '4 line|is not valid JSON',
            '5 line|is not valid JSON',
            '6 line|is not valid JSON',
            '7 line|is not valid JSON',
            '9 line|is not valid JSON',
            '12 timestamp|is not an ISO-8601 date-time',
            '13 timestamp|is not an ISO-8601 date-time',
          ]);

          // again: every valid line is a duplicate now
          const again = await importEventsFile(ch, WS, file);
          assert.deepEqual(
            withoutBatch(again),
            withoutBatch(await duck.importEventsFile(WS, file)),
          );
          assert.equal(again.inserted, 0);
          assert.equal((await importEventsFile(viaHttp, WS, file)).inserted, 0);
          // the stage tables are gone
          for (const x of [ch, viaHttp]) {
            const [left] = await x.conn.query<{ n: number }>(
              `SELECT count() AS n FROM system.tables WHERE database = {db:String} AND startsWith(name, 'import_stage_')`,
              { db: x.database },
            );
            assert.equal(Number(left?.n), 0);
          }
        } finally {
          await http.close();
        }
      },
      { workspaceId: WS },
    );
  },
);

test('lines the lenient parser must not read are refused: not UTF-8, nested too deep', async () => {
  await withBothEngines(async ({ ch, dir }) => {
    const file = join(dir, 'refused.ndjson');
    const notUtf8 = Buffer.concat([
      Buffer.from(raw('"messageId":"latin1","userId":"caf')),
      Buffer.from([0xe9, 0x22, 0x7d]),
    ]);
    writeFileSync(
      file,
      fileBytes([
        notUtf8,
        raw(`"messageId":"too-deep","properties":${nested(MAX_NESTING + 1)}`),
        ok('fine'),
      ]),
    );
    const r = await importEventsFile(ch, WS, file);
    assert.equal(r.inserted, 1);
    assert.deepEqual(
      r.rejected.map((x) => [x.line, x.field, x.reason]),
      [
        [1, 'line', 'is not valid UTF-8'],
        [2, 'line', `is nested more than ${MAX_NESTING} levels deep`],
      ],
    );
  });
});

test('an import skips the events of erased identifiers from before their erasure, in buckets as whole', async () => {
  await withBothEngines(async ({ ch, dir }) => {
    const key = 'k'.repeat(64);
    const s: ChStore = { ...ch, privacyKey: key };
    const tomb = (
      kind: string,
      value: string,
      erasedAt: string,
      from?: string,
      until?: string,
    ) => ({
      workspace_id: WS,
      kind,
      key_hash: keyHash(key, kind, value),
      erased_at: erasedAt,
      erasure_id: 'er',
      from_at: from ?? null,
      until_at: until ?? null,
    });
    await ch.conn.insert(`${ch.database}.erased_identifiers`, [
      tomb('anonymous_id', 'a-gone', '2024-03-01 00:00:00'),
      tomb('email', 'gone@x.test', '2024-03-01 00:00:00'),
      tomb(
        'anonymous_id',
        'a-shared',
        '2024-03-01 00:00:00',
        '2024-01-10 00:00:00',
        '2024-01-20 00:00:00',
      ),
    ]);
    const ev = (id: string, anon: string, ts: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ type: 'page', messageId: id, anonymousId: anon, timestamp: ts, ...extra });
    const lines = [
      ev('gone-before', ' a-gone\t', '2024-02-01T00:00:00Z'),
      ev('gone-after', 'a-gone', '2024-03-02T00:00:00Z'),
      JSON.stringify({
        type: 'identify',
        messageId: 'mail-before',
        userId: 'u9',
        timestamp: '2024-02-01T00:00:00Z',
        traits: { email: ' MAILTO:Gone@X.test' },
      }),
      ev('shared-in', 'a-shared', '2024-01-15T00:00:00Z'),
      ev('shared-out', 'a-shared', '2024-01-25T00:00:00Z'),
      ev('other', 'a-other', '2024-02-01T00:00:00Z'),
      ev('other', 'a-other', '2024-02-02T00:00:00Z'),
    ];
    for (let i = 0; i < 40; i++) lines.push(ev(`bulk-${i}`, `a-${i % 7}`, '2024-02-01T00:00:00Z'));
    const file = join(dir, 'erased.ndjson');
    writeFileSync(file, fileBytes(lines));
    // buckets of 8 messageIds: six inserts, the de-duplication and the check the same in each; the
    // erased events count as duplicates (as on DuckDB)
    const r = await importEventsFile(s, WS, file, undefined, { bucketIds: 8 });
    assert.deepEqual([r.received, r.inserted, r.duplicates, r.rejectedCount], [47, 43, 4, 0]);
    const stored = await ch.conn.query<{ message_id: string; ts: string }>(
      `SELECT message_id, toString(ts) AS ts FROM ${ch.database}.events WHERE workspace_id = {ws:String} AND NOT startsWith(message_id, 'bulk-') ORDER BY message_id`,
      { ws: WS },
    );
    assert.deepEqual(stored, [
      { message_id: 'gone-after', ts: '2024-03-02 00:00:00.000' },
      { message_id: 'other', ts: '2024-02-01 00:00:00.000' },
      { message_id: 'shared-out', ts: '2024-01-25 00:00:00.000' },
    ]);
  });
});

test('the direct way stores what the staged way stores, and is taken back when it did not', async () => {
  await withBothEngines(async ({ ch, dir }) => {
    const clean = Array.from({ length: 30 }, (_, i) =>
      i % 5 === 0
        ? JSON.stringify({
            type: 'track',
            anonymousId: `a${i}`,
            event: 'no id',
            timestamp: T,
            properties: { i },
          })
        : ok(`c${i}`, {
            anonymousId: `a${i % 4}`,
            context: { page: { url: `https://x.test/${i}` } },
          }),
    );
    const rows = (ws: string) =>
      ch.conn.query<Row>(
        `SELECT ${COLUMNS}, toString(ts) AS t FROM ${ch.database}.events WHERE workspace_id = {ws:String} ORDER BY message_id`,
        { ws },
      );
    // the statements the imports run, to tell which way each took
    const ran: string[] = [];
    const seen: ChStore = {
      ...ch,
      conn: { ...ch.conn, command: (q, p) => (ran.push(q), ch.conn.command(q, p)) },
    };
    for (const [name, lines] of [
      ['clean', clean],
      ['a repeated messageId', [...clean, ok('c1', { event: 'again' })]],
      ['a bad line', [...clean, 'not json']],
    ] as const) {
      const file = join(dir, `${name}.ndjson`);
      writeFileSync(file, fileBytes(lines));
      ran.length = 0;
      const direct = await importEventsFile(seen, `d-${name}`, file);
      const stagedToo = ran.some((q) => q.startsWith('CREATE TABLE'));
      assert.equal(stagedToo, name !== 'clean', name);
      const staged = await importEventsFile(ch, `s-${name}`, file, undefined, { direct: false });
      assert.deepEqual(withoutBatch(direct), withoutBatch(staged), name);
      assert.deepEqual(await rows(`d-${name}`), await rows(`s-${name}`), name);
      assert.equal(direct.inserted, 30, name);
      // a second time, all duplicates
      assert.deepEqual(
        withoutBatch(await importEventsFile(ch, `d-${name}`, file)),
        withoutBatch(await importEventsFile(ch, `s-${name}`, file, undefined, { direct: false })),
      );
    }
  });
});
