// A person's export and erasure on ClickHouse against DuckDB, over two persons who shared a device
// (test-helpers/two-persons.ts). For Ann's selection, written by hand: the same rows per table on both engines; an
// erasure cut short on ClickHouse and run again removes the same rows as DuckDB's one transaction,
// writes the same tombstones and leaves Bob as he was; a re-sent old event of hers is not stored again;
// the audit records agree.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import { segmentBytes } from '../../../test-helpers/poison.js';
import {
  ANN_EMAIL,
  ANN_LINES,
  NOBODY,
  page,
  POISON,
  seedTwoPersons,
  WS,
} from '../../../test-helpers/two-persons.js';
import type { PersonRows } from '../../areas/privacy.js';
import { queryNeutral as duckQuery } from '../duckdb/dialect.js';
import { personTables } from '../neutral/privacy-queries.js';
import { fn, sql, type Sql } from '../neutral/sql.js';
import type { ClickHouseConnection } from './connection.js';
import { queryNeutral as chQuery } from './dialect.js';
import type { ChStore } from './events.js';
import { loadEventJournal, queryEvents } from './events.js';
import { completeErasure, erasePerson, JSON_COLUMNS, listErasures, personRows } from './privacy.js';
import { TABLES } from './schema.js';

const ERASED_AT = new Date('2024-06-01T00:00:00.000Z');

/** The times of each table, as the schema types them. */
const TIME_COLUMNS = new Map(
  TABLES.map((t) => [
    t.name,
    t.columns.filter((c) => c.includes('DateTime64')).map((c) => c.split(' ')[0]!),
  ]),
);

/**
 * The one difference in the rows' form, normalised here: times. DuckDB writes a TIMESTAMPTZ as
 * `2024-05-01 10:01:00.25+00` (to the microsecond, with its offset), ClickHouse a DateTime64(3, 'UTC') as
 * `2024-05-01 10:01:00.250` (to the millisecond, no offset); both read as ISO 8601 to the millisecond.
 * Also a dead letter's failure time, which each engine stamps with its own clock when it loads the line.
 */
function comparableRows(rows: PersonRows): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [table, list] of Object.entries(rows)) {
    out[table] = list
      .map((r) => {
        const row: Record<string, unknown> = { ...r };
        for (const c of TIME_COLUMNS.get(table) ?? []) row[c] = isoMs(row[c]);
        if (table === 'dead_letters') {
          assert.match(String(row.failed_at), /^\d{4}-\d\d-\d\dT/);
          delete row.failed_at;
        }
        return canonical(row);
      })
      .sort();
  }
  return out;
}

function isoMs(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(
    String(v),
  );
  if (!m) throw new Error(`not a time: ${String(v)}`);
  const fraction = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = m[4] === undefined || m[4] === 'Z' ? 'Z' : m[4].length === 3 ? `${m[4]}:00` : m[4];
  return new Date(`${m[1]}T${m[2]}.${fraction}${zone}`).toISOString();
}

/** JSON text with object keys sorted, so rows compare whatever order each engine gives their columns. */
function canonical(v: unknown): string {
  const sorted = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sorted)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(
            Object.entries(x as Record<string, unknown>)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, y]) => [k, sorted(y)]),
          )
        : x;
  return JSON.stringify(sorted(v));
}

/** Rows per table of every table a person's rows are in (a versioned row once). */
async function totals(run: (q: Sql) => Promise<Record<string, unknown>[]>) {
  const out: Record<string, number> = {};
  for (const { table, versioned } of personTables(WS, NOBODY)) {
    const rows = await run(
      sql`SELECT ${fn.countAll()} AS n FROM ${versioned ? fn.tableFinal(table) : fn.table(table)}`,
    );
    out[table] = Number(rows[0]?.n);
  }
  return out;
}

/** The connection, but the process "stops" at the nth delete statement (a crash mid-erasure). */
function stoppingAtDelete(conn: ClickHouseConnection, nth: number): ClickHouseConnection {
  let deletes = 0;
  return {
    kind: conn.kind,
    query: <T>(q: string, params?: Readonly<Record<string, unknown>>) => conn.query<T>(q, params),
    command: async (q, params) => {
      if (/^ALTER TABLE \S+ DELETE /.test(q) && ++deletes === nth)
        throw new Error('injected: the process stops here');
      return conn.command(q, params);
    },
    insert: (table, rows, columns) => conn.insert(table, rows, columns),
    close: () => conn.close(),
  };
}

test(
  "a person's rows and their erasure on ClickHouse, as on DuckDB",
  { timeout: 240_000 },
  async () => {
    await withBothEngines(
      async (e) => {
        const { duck, duckDb, ch, dir } = e;
        const { ann, bob, letters } = await seedTwoPersons(e);

        // the export: the same tables and rows on both, every table holding some of Ann's
        const annRows = await personRows(ch, WS, ann);
        assert.deepEqual(comparableRows(annRows), comparableRows(await duck.personRows(WS, ann)));
        for (const [table, rows] of Object.entries(annRows)) assert.ok(rows.length > 0, table);
        assert.deepEqual(annRows.events!.map((e) => e.message_id).sort(), [
          'm-ann-1',
          'm-ann-2',
          'm-ann-3',
          'm-ann-4',
          'm-ann-5',
        ]);
        // deliveries naming her e-mail (in another case) or her user id; not a longer e-mail, nor the
        // shared device alone
        assert.deepEqual(annRows.webhook_receipts!.map((r) => r.dedup_key).sort(), [
          'pd-ann',
          'sf-ann',
        ]);
        // JSON as JSON, the raw line as base64 (and no text when it is not UTF-8)
        const form = annRows.events!.find((e) => e.message_id === 'm-ann-3')!;
        assert.deepEqual(form.properties, { email: ANN_EMAIL, plan: 'pro' });
        const notUtf8 = annRows.dead_letters!.find((l) => l.id === letters[0])!;
        assert.equal(notUtf8.raw_text, null);
        assert.deepEqual(Buffer.from(String(notUtf8.raw_base64), 'base64'), POISON[0]);
        const bobBefore = comparableRows(await personRows(ch, WS, bob));
        assert.deepEqual(bobBefore, comparableRows(await duck.personRows(WS, bob)));
        assert.ok(bobBefore.events!.length === 4 && bobBefore.sessions!.length > 0);
        assert.equal(bobBefore.webhook_receipts!.length, 1);
        const chQ = (q: Sql) => chQuery(ch.conn, ch.database, q);
        const duckQ = (q: Sql) => duckQuery(duckDb, q);
        const before = await totals(chQ);
        assert.deepEqual(before, await totals(duckQ));

        // the erasure: DuckDB in one transaction; ClickHouse cut short at its third delete, then again
        const meta = { erasureId: 'er_1', via: 'cli' as const, at: ERASED_AT };
        const counts = await duck.erasePerson(WS, ann, meta);
        const privacyKey = readFileSync(join(dir, 'duck', 'privacy.key'), 'utf8').trim();
        const s: ChStore = { ...ch, privacyKey };
        await assert.rejects(
          erasePerson({ ...s, conn: stoppingAtDelete(ch.conn, 3) }, WS, ann, meta),
          /injected/,
        );
        // the record says requested, with the counts of the tables reached (the third's taken before its delete)
        const [cut] = await listErasures(s, WS);
        assert.deepEqual(cut?.rowCounts, {
          events: counts.events,
          identity_links: counts.identity_links,
          dead_letters: counts.dead_letters,
        });
        // the tombstones came before any delete: a load between the two runs skips her old events
        const between = join(dir, 'seg-between.ndjson');
        writeFileSync(between, segmentBytes([ANN_LINES[0]!, ANN_LINES[1]!]));
        assert.equal((await loadEventJournal(s, between)).inserted, 0);
        assert.deepEqual(await erasePerson(s, WS, ann, meta), counts);
        for (const [table, n] of Object.entries(counts)) assert.ok(n > 0, table);
        assert.equal(counts.events, 5);
        // once more: nothing is left to delete, and it reports what was found the first time
        assert.deepEqual(await erasePerson(s, WS, ann, meta), counts);

        // nothing of Ann is left, and everything of Bob's is
        const none = Object.fromEntries(Object.keys(counts).map((t) => [t, []]));
        assert.deepEqual(comparableRows(await personRows(s, WS, ann)), none);
        assert.deepEqual(comparableRows(await duck.personRows(WS, ann)), none);
        assert.deepEqual(comparableRows(await personRows(s, WS, bob)), bobBefore);
        assert.deepEqual(comparableRows(await duck.personRows(WS, bob)), bobBefore);
        const after = await totals(chQ);
        assert.deepEqual(after, await totals(duckQ));
        for (const t of Object.keys(before)) assert.equal(after[t], before[t]! - counts[t]!, t);

        // the same tombstones (hashed in JavaScript here, in SQL by DuckDB), written once
        const tombstones = sql`SELECT workspace_id, kind, key_hash, ${fn.isoTime('erased_at')} AS erased,
            erasure_id, ${fn.isoTime('from_at')} AS from_time, ${fn.isoTime('until_at')} AS until_time
          FROM ${fn.table('erased_identifiers')} ORDER BY kind, key_hash, from_time, until_time`;
        const chTombstones = await chQ(tombstones);
        assert.deepEqual(chTombstones, await duckQ(tombstones));
        assert.deepEqual(
          chTombstones.map((t) => [t.kind, t.from_time === null && t.until_time === null]).sort(),
          [
            ['anonymous_id', false],
            ['anonymous_id', true],
            ['email', true],
            // her Stripe customer id: a re-sync must not store her subscriptions again
            ['stripe_customer', true],
            ['user_id', true],
          ],
        );

        // Ann's old events sent again are not stored; Bob's new one on the shared device is
        const again = join(dir, 'seg-2.ndjson');
        writeFileSync(
          again,
          segmentBytes([
            ANN_LINES[0]!,
            ANN_LINES[3]!,
            page('m-bob-5', 'a-shared', '2024-05-13T09:00:00.000', 'https://x.test/'),
          ]),
        );
        const d2 = await duck.loadEventJournal(again);
        const c2 = await loadEventJournal(s, again);
        assert.deepEqual([c2.inserted, d2.inserted], [1, 1]);
        const ids = async (f: { anonymousId: string }) =>
          (await queryEvents(s, WS, f)).map((e) => e.messageId).sort();
        assert.deepEqual(await ids({ anonymousId: 'a-ann' }), []);
        assert.deepEqual(await ids({ anonymousId: 'a-shared' }), ['m-bob-3', 'm-bob-4', 'm-bob-5']);

        // the audit records agree, before and after the re-derive is marked
        assert.deepEqual(await listErasures(s, WS), await duck.listErasures(WS));
        assert.deepEqual(await listErasures(s, WS), [
          {
            id: 'er_1',
            workspaceId: WS,
            requestedAt: ERASED_AT.toISOString(),
            rederivedAt: null,
            via: 'cli',
            rowCounts: counts,
          },
        ]);
        await completeErasure(s, 'er_1');
        await duck.completeErasure('er_1');
        const marked = (rs: Awaited<ReturnType<typeof listErasures>>) =>
          rs.map((r) => ({ ...r, rederivedAt: r.rederivedAt === null ? null : 'set' }));
        assert.deepEqual(marked(await listErasures(s, WS)), marked(await duck.listErasures(WS)));
        assert.equal(marked(await listErasures(s, WS))[0]?.rederivedAt, 'set');
      },
      { workspaceId: WS },
    );
  },
);

test(
  'the JSON columns ClickHouse gives as JSON are the JSON columns of DuckDB',
  { timeout: 60_000 },
  async () => {
    await withBothEngines(async ({ duckDb }) => {
      const tables = personTables(WS, NOBODY).map((t) => t.table as string);
      const rows = await duckDb.query(
        `SELECT table_name AS t, column_name AS c FROM duckdb_columns()
       WHERE schema_name = 'main' AND data_type = 'JSON' ORDER BY ALL`,
      );
      const duckJson = rows
        .filter((r) => tables.includes(String(r.t)))
        .map((r) => `${String(r.t)}.${String(r.c)}`);
      const chJson = Object.entries(JSON_COLUMNS)
        .flatMap(([t, cs]) => (cs ?? []).map((c) => `${t}.${c}`))
        .sort();
      assert.deepEqual(chJson, duckJson);
    });
  },
);
