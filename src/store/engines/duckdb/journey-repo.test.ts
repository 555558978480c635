// A journey's events are read in one of three ways: one id is one query; several are the rowids of a
// narrow scan, then those rows by rowid ranges, or by one bounded scan when the ranges are many. Whatever
// the way, the events must be those one plain query gives, in the same order, for every person of a world;
// so must the neutral query ClickHouse runs (a read per kind of id).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import { rebuild } from '../../../derive/derive.js';
import { simulate } from '../../../sim/index.js';
import { identify, page, TEST_WORKSPACE } from '../../../test-helpers/events.js';
import { tempDir } from '../../../test-helpers/tmp.js';
import { DB_FILE, openStore } from '../../open.js';
import type { RawEvent } from '../../types.js';
import { Db, VARCHAR_LIST, type Row } from './connection.js';
import {
  JOURNEY_READ,
  journeyEvents,
  personJourney,
  rowidRanges,
  type JourneyReadOptions,
} from './journey-repo.js';
import { queryNeutral } from './dialect.js';
import { journeyEventsSql } from '../neutral/journey-queries.js';

/** Hand-made persons the simulator never makes: user ids, on their own and across devices, and many events. */
function extras(round: number): RawEvent[] {
  const at = (d: number, m: number): string =>
    new Date(Date.UTC(2026, 8, 1 + d, 10, m)).toISOString();
  const events: RawEvent[] = [
    // a user id alone: a server-side identify and a track, no anonymous id
    {
      type: 'identify',
      messageId: `solo-${round}-1`,
      userId: 'u-solo',
      timestamp: at(round, 1),
      traits: { email: 'solo@acme.io' },
    },
    {
      type: 'track',
      messageId: `solo-${round}-2`,
      event: 'Invoice Paid',
      userId: 'u-solo',
      timestamp: at(round, 2),
      properties: { amount: round },
    },
    // two devices and a user id: some events carry both ids, some only the user id
    {
      type: 'identify',
      messageId: `many-${round}-id`,
      anonymousId: 'dev-m1',
      userId: 'u-many',
      timestamp: at(round, 3),
      traits: { email: 'many@acme.io' },
    },
    {
      type: 'track',
      messageId: `many-${round}-tr`,
      event: 'Signed In',
      anonymousId: 'dev-m2',
      userId: 'u-many',
      timestamp: at(round, 4),
    },
    {
      type: 'track',
      messageId: `many-${round}-srv`,
      event: 'Seat Added',
      userId: 'u-many',
      timestamp: at(round, 4),
      properties: { seats: round },
    },
  ];
  // events at the same millisecond keep the order of their message ids
  for (let i = 0; i < 12; i++)
    events.push(
      page(i % 2 ? 'dev-m1' : 'dev-m2', at(round, 5 + (i >> 2)), `https://acme.io/p/${round}/${i}`),
    );
  // persons on two or three devices, joined by an email
  for (let p = 0; p < 4; p++) {
    const devices = [`dev-${p}-a`, `dev-${p}-b`, ...(p % 2 ? [`dev-${p}-c`] : [])];
    devices.forEach((d, i) => {
      events.push(page(d, at(round, 20 + p), `https://acme.io/d/${p}`));
      if (round === i) events.push(identify(d, at(round, 21 + p), `p${p}@acme.io`));
    });
  }
  return events;
}

/** The person's events as one plain query reads them. */
async function reference(db: Db, personId: string): Promise<Row[]> {
  return db.query(
    `SELECT message_id, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS at, type, event, anonymous_id, user_id,
       page_url AS url, context->>'$.page.title' AS title, properties, traits
     FROM events e WHERE workspace_id = 'w' AND EXISTS (
       SELECT 1 FROM identities i WHERE i.workspace_id = 'w' AND i.person_id = $p
         AND ((i.kind = 'anonymous_id' AND i.value = e.anonymous_id) OR (i.kind = 'user_id' AND i.value = e.user_id)))
     ORDER BY ts, message_id`,
    { p: personId },
  );
}

test('every person’s journey events equal one plain query’s, read by one query, by rowid ranges or by a bounded scan', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sim = join(dir, 'sim');
    await simulate({ seed: 9, days: 10, visitorsPerDay: 30, end: '2026-09-30' }, { outDir: sim });
    // the hand-made persons' events land before, among and after the simulated ones: rowids far apart;
    // another workspace holds the same events under the same ids, in between
    const store = await openStore(dir);
    try {
      await store.createWorkspace(TEST_WORKSPACE);
      await store.createWorkspace({
        ...TEST_WORKSPACE,
        id: 'other',
        writeKey: 'k2',
        secretKeyHash: 'h2',
      });
      const addTo = (ws: string, events: RawEvent[]) =>
        store.appendEvents(ws, events, { origin: 'import', receivedAt: new Date() });
      for (const ws of ['w', 'other']) await addTo(ws, extras(0));
      await store.importEventsFile('w', join(sim, 'events.ndjson'));
      for (const ws of ['other', 'w']) await addTo(ws, extras(1));
      await store.importEventsFile('other', join(sim, 'events.ndjson'));
      for (const ws of ['w', 'other']) await addTo(ws, extras(2));
      await rebuild(store, 'w');
    } finally {
      await store.close();
    }

    const db = await Db.open(join(dir, DB_FILE));
    try {
      const ids =
        await db.query(`SELECT person_id, list(kind ORDER BY kind, value) AS kinds, list(value ORDER BY kind, value) AS vals
        FROM identities WHERE workspace_id = 'w' GROUP BY person_id ORDER BY person_id`);
      const ways: Record<string, JourneyReadOptions> = {
        default: JOURNEY_READ,
        'one range per row': { rangeGap: 0, maxRanges: Number.MAX_SAFE_INTEGER },
        'wide ranges': { rangeGap: 5000, maxRanges: Number.MAX_SAFE_INTEGER },
        'bounded scan': { rangeGap: 0, maxRanges: 1 },
      };
      const seen = { userOnly: 0, severalIds: 0, severalRanges: 0 };
      for (const r of ids) {
        const personId = String(r.person_id);
        const kinds = r.kinds as string[];
        const vals = r.vals as string[];
        const anon = vals.filter((_, i) => kinds[i] === 'anonymous_id');
        const users = vals.filter((_, i) => kinds[i] === 'user_id');
        const expected = await reference(db, personId);
        if (users.length > 0 && anon.length === 0 && expected.length > 0) seen.userOnly++;
        if (anon.length + users.length > 1) {
          seen.severalIds++;
          // over the bounded-scan way's limit, and several ranges for the others
          if (rowidRanges(await rowidsOf(db, expected), 0).length > 3) seen.severalRanges++;
        }
        // the one query ClickHouse runs, on DuckDB
        if (anon.length + users.length > 0)
          assert.deepEqual(
            await queryNeutral(db, journeyEventsSql('w', anon, users)),
            expected,
            `${personId} read by the neutral query`,
          );
        const journeys = [];
        for (const [way, opts] of Object.entries(ways)) {
          assert.deepEqual(
            await journeyEvents(db, 'w', anon, users, opts),
            expected,
            `${personId} read by ${way}`,
          );
          journeys.push(await personJourney(db, 'w', personId, opts));
        }
        for (const j of journeys.slice(1)) assert.deepEqual(j, journeys[0], personId);
        // every event is in the timeline: as an event, or as a page of one of the person's sessions
        const timeline = journeys[0]!.timeline;
        const shown =
          timeline.filter((i) => i.kind === 'event').length +
          timeline.reduce((n, i) => n + (i.kind === 'session' ? i.pages.length : 0), 0);
        assert.equal(shown, expected.length, personId);
      }
      // the world holds every case, or this test would pass without testing it
      assert.ok(ids.length > 100, `${ids.length} persons`);
      assert.ok(
        seen.userOnly > 0 && seen.severalIds >= 5 && seen.severalRanges >= 5,
        JSON.stringify(seen),
      );
      const many = await db.query(
        `SELECT DISTINCT person_id FROM identities WHERE workspace_id = 'w' AND kind = 'user_id' AND value = 'u-many'`,
      );
      assert.equal((await reference(db, String(many[0]!.person_id))).length, 3 * 15);
    } finally {
      await db.close();
    }
  } finally {
    cleanup();
  }
});

/** The rowids of the given events (by message id), sorted. */
async function rowidsOf(db: Db, events: Row[]): Promise<number[]> {
  const rows = await db.query(
    `SELECT rowid AS r FROM events WHERE workspace_id = 'w' AND list_contains($m::VARCHAR[], message_id) ORDER BY r`,
    { m: listValue(events.map((e) => String(e.message_id))) },
    { m: VARCHAR_LIST },
  );
  return rows.map((r) => Number(r.r));
}

test('rowid ranges merge neighbours at most the gap apart', () => {
  assert.deepEqual(rowidRanges([], 2), []);
  assert.deepEqual(rowidRanges([1, 2, 3, 7, 9, 20], 0), [
    [1, 1],
    [2, 2],
    [3, 3],
    [7, 7],
    [9, 9],
    [20, 20],
  ]);
  assert.deepEqual(rowidRanges([1, 2, 3, 7, 9, 20], 2), [
    [1, 3],
    [7, 9],
    [20, 20],
  ]);
  assert.deepEqual(rowidRanges([1, 2, 3, 7, 9, 20], 100), [[1, 20]]);
});
