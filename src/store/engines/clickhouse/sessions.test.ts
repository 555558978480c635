// The sessions derive on ClickHouse against DuckDB: the same journal segments (a simulated world and
// hand-written hits for the rule's corners) loaded into both engines, sessions derived on both from the
// one neutral copy of the SQL, and every column of every session compared; then a scoped re-derive
// after new events, with the channel moves it reports.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  classifyLandings,
  DEFAULT_SESSION_SETTINGS,
  deriveSessions,
} from '../../../derive/sessions.js';
import { CLICK_ID_PARAMS } from '../../../rules/campaign-params.js';
import { simulate } from '../../../sim/index.js';
import { openTestChdb } from '../../../test-helpers/clickhouse.js';
import { segmentBytes } from '../../../test-helpers/poison.js';
import { openStore } from '../../open.js';
import { tempDir } from '../../../test-helpers/tmp.js';
import type { Store } from '../../store.js';
import { queryNeutral as duckQuery } from '../duckdb/dialect.js';
import { duckDbOf } from '../duckdb/duckdb-store.js';
import { fn, sql } from '../neutral/sql.js';
import { releaseAffectedEvents, stageAffectedEvents } from './derive-scope.js';
import { queryNeutral as chQuery } from './dialect.js';
import { loadEventJournal, type ChStore } from './events.js';
import { migrateClickHouse } from './migrate.js';
import * as ch from './sessions.js';

const WS = 'ws_sessions';
const RECEIVED = '2026-11-02T00:00:00.000Z';

/** A Segment event as a journal line of WS (as the bulk path of an import writes it). */
function journalLine(event: Record<string, unknown>): Buffer {
  return Buffer.from(
    JSON.stringify({
      ...event,
      _ws: WS,
      _recv: RECEIVED,
      _origin: 'import',
      _batch: 'sessions-test',
    }),
  );
}

const page = (
  id: string,
  anon: string,
  at: string,
  url: string | null,
  more: Record<string, unknown> = {},
) => ({
  type: 'page',
  messageId: id,
  anonymousId: anon,
  timestamp: at,
  context: {
    ...(url === null ? {} : { page: { url, referrer: 'https://www.facebook.com/' } }),
    ...more,
  },
});

/** The rule's corners: click ids decoded, repeated and in any case; campaign contexts; gaps; screens. */
const CORNERS = [
  page('c1', 'h1', '2026-10-30T10:00:00Z', 'https://acme.io/?gclid=Cj0_aB-9'),
  page('c2', 'h1', '2026-10-30T10:05:00Z', 'https://acme.io/?GCLID=Upper&utm_source=x'),
  page('c3', 'h1', '2026-10-30T10:06:00Z', 'https://acme.io/?gclid=&gclid=second'),
  page('c4', 'h2', '2026-10-30T10:00:00Z', 'https://acme.io/?fbclid=a%2Bb+c%C3%A9&x=%zz'),
  page(
    'c5',
    'h2',
    '2026-10-30T11:00:00Z',
    'https://acme.io/?msclkid=m1&li_fat_id=l1#frag&gclid=no',
  ),
  page('c6', 'h3', '2026-10-30T10:00:00Z', 'https://acme.io/p?utm_source=Ünï&utm_medium=cpc'),
  page('c7', 'h3', '2026-10-30T10:01:00Z', 'https://acme.io/p?UTM_SOURCE=ünï&utm_medium=CPC'),
  page('c8', 'h3', '2026-10-30T10:02:00Z', 'https://acme.io/p', {
    campaign: { source: 'news', medium: 'email', name: 'nov' },
  }),
  page('c9', 'h3', '2026-10-30T10:03:00Z', 'https://acme.io/p', {
    campaign: { source: 'news', medium: 'email', name: 'nov' },
  }),
  page('c10', 'h3', '2026-10-30T10:04:00Z', null, { campaign: { source: 7 } }),
  {
    ...page('c11', 'h4', '2026-10-30T10:00:00Z', 'https://acme.io/?yclid=y1'),
    type: 'screen',
    name: 'Home',
  },
  {
    type: 'track',
    messageId: 'c12',
    anonymousId: 'h4',
    event: 'Clicked',
    timestamp: '2026-10-30T09:59:00Z',
  },
  {
    type: 'identify',
    messageId: 'c13',
    anonymousId: 'h5',
    userId: 'u5',
    timestamp: '2026-10-30T10:00:00Z',
  },
  page('c14', 'h5', '2026-10-30T10:31:00Z', 'https://acme.io/?tblci=t%20&dicbo=d1'),
  page('c15', 'h5', '2026-10-30T11:02:00Z', 'https://acme.io/?utm_campaign=a?b&epik=e#x?gclid=1'),
];

/** Every column of the sessions table, times as ISO text and JSON parsed, in session id order. */
const ALL_COLUMNS = sql`SELECT workspace_id, session_id, anonymous_id, ${fn.isoTime('started_at')} AS started_at,
    ${fn.isoTime('ended_at')} AS ended_at, landing_url, referrer, source, medium, campaign, term, content,
    campaign_id, ${fn.jsonAsText('click_ids')} AS click_ids, ${fn.jsonAsText('ad_ids')} AS ad_ids, channel,
    platform, channel_rule, decided_by, page_views, event_count, user_agent, country, first_message_id
  FROM ${fn.table('sessions')} ORDER BY session_id`;
function normalised(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => ({
    ...r,
    click_ids: JSON.parse(String(r.click_ids)) as unknown,
    ad_ids: JSON.parse(String(r.ad_ids)) as unknown,
    page_views: Number(r.page_views),
    event_count: Number(r.event_count),
  }));
}

async function assertSameSessions(duck: Store, s: ChStore, what: string): Promise<number> {
  const d = normalised(await duckQuery(duckDbOf(duck)!, ALL_COLUMNS));
  const c = normalised(await chQuery(s.conn, s.database, ALL_COLUMNS));
  assert.equal(c.length, d.length, `${what}: sessions`);
  for (let i = 0; i < d.length; i++) assert.deepEqual(c[i], d[i], `${what}: session ${i}`);
  assert.deepEqual(
    await ch.listSessions(s, WS),
    await duck.listSessions(WS),
    `${what}: listSessions`,
  );
  assert.deepEqual(
    await ch.sessionsByChannel(s, WS),
    await duck.sessionsByChannel(WS),
    `${what}: by channel`,
  );
  return d.length;
}

const chOptions = { inactivityMinutes: 30, clickIdParams: CLICK_ID_PARAMS };
const classify = (l: Parameters<typeof classifyLandings>[0]) =>
  classifyLandings(l, DEFAULT_SESSION_SETTINGS);

test(
  'sessions derived on ClickHouse equal DuckDB’s, every column, for a rebuild and a scoped re-derive',
  { timeout: 300_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    // DuckDB whatever the suite's engine: the side ClickHouse is compared with
    const duck = await openStore(join(dir, 'duck'));
    const chdb = await openTestChdb();
    const s: ChStore = { conn: chdb.conn, database: chdb.database };
    try {
      await duck.createWorkspace({
        id: WS,
        name: WS,
        currency: 'USD',
        timezone: 'UTC',
        writeKey: 'wk',
        secretKeyHash: 'h',
      });
      await migrateClickHouse(s.conn, { database: s.database });
      const sim = await simulate(
        { seed: 5, days: 10, visitorsPerDay: 40, end: '2026-10-31' },
        { outDir: join(dir, 'sim') },
      );
      const simEvents = readFileSync(join(dir, 'sim', 'events.ndjson'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const load = async (name: string, events: readonly Record<string, unknown>[]) => {
        const path = join(dir, `${name}.ndjson`);
        writeFileSync(path, segmentBytes(events.map(journalLine)));
        const d = await duck.loadEventJournal(path);
        const c = await loadEventJournal(s, path);
        assert.equal(c.inserted, d.inserted, `${name}: inserted`);
        assert.equal(c.inserted, events.length, `${name}: all loaded`);
      };
      await load('first', [...simEvents, ...CORNERS]);

      // a workspace rebuild (all anonymous ids)
      const d = await deriveSessions(duck, WS);
      const c = await ch.deriveSessions(s, WS, chOptions, classify);
      assert.deepEqual(c, d);
      const corners = new Set(CORNERS.map((e) => e.anonymousId));
      const simSessions = (await ch.listSessions(s, WS)).filter((x) => !corners.has(x.anonymousId));
      assert.equal(simSessions.length, sim.record.sessions.total, 'the simulator’s own count');
      const n = await assertSameSessions(duck, s, 'rebuild');
      const h = new Map(
        (await ch.listSessions(s, WS))
          .filter((x) => x.anonymousId.startsWith('h'))
          .map((x) => [x.sessionId, x]),
      );
      assert.ok(n > 100 && h.size >= 8, `${n} sessions, ${h.size} of the corners`);
      // the corners as the rule wants them, on both engines (one spot check each: the comparison did the rest)
      const corner = (anon: string) =>
        [...h.values()]
          .filter((x) => x.anonymousId === anon)
          .map((x) => [x.pageViews, x.eventCount, x.clickIds]);
      assert.deepEqual(corner('h1'), [
        [1, 1, { gclid: 'Cj0_aB-9' }],
        [1, 1, { gclid: 'Upper' }],
        [1, 1, { gclid: 'second' }],
      ]);
      assert.deepEqual(corner('h2'), [
        [1, 1, { fbclid: 'a+b cé' }],
        [1, 1, { msclkid: 'm1', li_fat_id: 'l1' }],
      ]);
      // Unicode lower case: the two URLs name one campaign; the same context twice is one campaign; a
      // page without a URL but with a campaign context another
      assert.deepEqual(
        corner('h3').map((x) => x.slice(0, 2)),
        [
          [2, 2],
          [2, 2],
          [1, 1],
        ],
      );

      // a rebuild over unchanged facts gives identical rows
      const before = await ch.listSessions(s, WS);
      await ch.deriveSessions(s, WS, chOptions, classify);
      assert.deepEqual(await ch.listSessions(s, WS), before);

      // new events for a few ids: a scoped re-derive on both, with the channel moves
      const some = [...new Set(before.map((x) => x.anonymousId))]
        .filter((a) => !corners.has(a))
        .slice(0, 5);
      const later = some.flatMap((anon, i) => [
        page(
          `n${i}a`,
          anon,
          '2026-11-01T20:00:00Z',
          `https://acme.io/?utm_source=newsletter&utm_medium=email`,
        ),
        page(`n${i}b`, anon, '2026-11-01T20:10:00Z', 'https://acme.io/pricing'),
      ]);
      await load('second', [
        ...later,
        page('n-h1', 'h1', '2026-10-30T10:07:00Z', 'https://acme.io/?gclid=&gclid=second'),
      ]);
      const scope = [...some, 'h1'];
      const staged = await duck.stageAffectedEvents(WS, { anonymousIds: scope, userIds: [] });
      let dScoped;
      try {
        dScoped = await deriveSessions(duck, WS, undefined, staged, true);
      } finally {
        await duck.releaseAffectedEvents(staged);
      }
      // ClickHouse reads the scope's events from its own stage, as a live derive makes it
      const chStaged = await stageAffectedEvents(s, WS, { anonymousIds: scope, userIds: [] });
      let cScoped;
      try {
        cScoped = await ch.deriveSessions(
          s,
          WS,
          { ...chOptions, anonymousIds: scope, stage: chStaged.stage, reportMoves: true },
          classify,
        );
      } finally {
        await releaseAffectedEvents(s, chStaged);
      }
      assert.deepEqual(cScoped, dScoped);
      assert.ok(
        cScoped.moves?.some((m) => m.from === null && m.to === 'Email'),
        JSON.stringify(cScoped.moves),
      );
      assert.equal(await assertSameSessions(duck, s, 'scoped'), n + some.length);
      // the other ids' sessions are untouched
      const after = await ch.listSessions(s, WS);
      const untouched = (rows: typeof after) => rows.filter((x) => !scope.includes(x.anonymousId));
      assert.deepEqual(untouched(after), untouched(before));
    } finally {
      await duck.close();
      await chdb.close();
      cleanup();
    }
  },
);

test(
  'a workspace left with no sessions loses them all; other workspaces keep theirs',
  { timeout: 120_000 },
  async () => {
    const chdb = await openTestChdb();
    const s: ChStore = { conn: chdb.conn, database: chdb.database };
    try {
      await migrateClickHouse(s.conn, { database: s.database });
      const stale = (workspace_id: string) => ({
        workspace_id,
        session_id: `old-${workspace_id}`,
        anonymous_id: 'a',
        started_at: '2026-01-01 00:00:00.000',
        ended_at: '2026-01-01 00:00:00.000',
        source: '(direct)',
        medium: '(none)',
        channel: 'Direct',
        platform: '(direct)',
        channel_rule: 'direct',
        decided_by: 'none',
        page_views: 1,
        event_count: 1,
        first_message_id: 'm',
      });
      await s.conn.insert(`${s.database}.sessions`, [stale('gone'), stale('kept')]);
      // no events: the derive finds no sessions, and the workspace's partition is dropped
      const r = await ch.deriveSessions(s, 'gone', { ...chOptions, reportMoves: true }, classify);
      assert.deepEqual(r, {
        sessions: 0,
        landings: 0,
        moves: [{ from: 'Direct', to: null, sessions: 1 }],
      });
      assert.deepEqual(await ch.listSessions(s, 'gone'), []);
      assert.deepEqual(
        (await ch.listSessions(s, 'kept')).map((x) => x.sessionId),
        ['old-kept'],
      );
      // and no scratch table is left behind
      const left = await s.conn.query<{ name: string }>(
        `SELECT name FROM system.tables WHERE database = {db:String} AND name LIKE 'derive%'`,
        { db: s.database },
      );
      assert.deepEqual(left, []);
    } finally {
      await chdb.close();
    }
  },
);
