// The stored first touch (person_first_touch) on the suite's engine: what a rebuild writes (each
// person's earliest visit, checked against the sessions themselves), that a rebuild gives it again row
// for row, that a live derive keeps it current through a new visitor and a merge, and that a person's
// erasure takes it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIRST_TOUCH_TABLE } from '../store/engines/neutral/first-touch-queries.js';
import { fn, p, sql } from '../store/engines/neutral/sql.js';
import type { Store } from '../store/store.js';
import type { RawEvent } from '../store/types.js';
import { chStoreOf } from '../store/engines/clickhouse/clickhouse-store.js';
import { queryData } from '../test-helpers/engine-access.js';
import { add, identify, page, TEST_WORKSPACE, withStore } from '../test-helpers/events.js';
import { dbOf } from '../test-helpers/scan-db.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { changeChannelRules } from './channel-rules-change.js';
import { deriveAffected, rebuild } from './derive.js';
import { erasePerson } from './person-privacy.js';

const rows = async (store: Store): Promise<Record<string, unknown>[]> =>
  (
    await queryData(
      store,
      sql`SELECT * FROM ${fn.table(FIRST_TOUCH_TABLE)} WHERE workspace_id = 'w' ORDER BY person_id`,
    )
  ).map((r) => ({ ...r, started_at: new Date(String(r.started_at)).toISOString() }));

const personOf = async (store: Store, anon: string) => {
  const [person] = await store.personsByIdentifier('w', 'anonymous_id', anon);
  assert.ok(person, `${anon} has a person`);
  return person;
};

/** The session of an anonymous id that started at `at` (read from the sessions, not the table). */
const sessionAt = async (store: Store, anon: string, at: string) => {
  const found = await queryData(
    store,
    sql`SELECT session_id, started_at FROM ${fn.table('sessions')}
      WHERE workspace_id = 'w' AND anonymous_id = ${p.text(anon)}`,
  );
  const s = found.find((r) => new Date(String(r.started_at)).toISOString() === at);
  assert.ok(s, `${anon} has a session at ${at}`);
  return String(s.session_id);
};

let n = 0;
const track = (anon: string, at: string): RawEvent => ({
  type: 'track',
  event: 'api_call',
  messageId: `ft${n++}`,
  anonymousId: anon,
  timestamp: at,
});

const NEWS = 'https://shop.example/spring?utm_source=news&utm_medium=email&utm_campaign=spring';
const CPC = 'https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand';

test('a rebuild stores each person’s first visit, and gives the same rows again', async () => {
  await withStore(async (store) => {
    await add(store, [
      // ann: her e-mail visit comes before a paid one
      page('ann', '2026-03-01T10:00:00.000Z', NEWS),
      page('ann', '2026-03-05T10:00:00.000Z', CPC),
      // bob: a server-side event (no page view: not a visit) before his first visit
      track('bob', '2026-03-02T09:00:00.000Z'),
      page('bob', '2026-03-03T12:00:00.000Z', 'https://shop.example/pricing?ref=x#top'),
      // cy never visited
      identify('cy', '2026-03-04T08:00:00.000Z', 'cy@example.com'),
    ]);
    await rebuild(store, 'w');
    const first = await rows(store);
    const [ann, bob] = [await personOf(store, 'ann'), await personOf(store, 'bob')];
    const cy = await personOf(store, 'cy');
    assert.deepEqual(
      first.map((r) => r.person_id),
      [ann, bob].sort(),
      'a row per person with a visit',
    );
    assert.ok(!first.some((r) => r.person_id === cy));
    const annRow = first.find((r) => r.person_id === ann)!;
    assert.equal(annRow.session_id, await sessionAt(store, 'ann', '2026-03-01T10:00:00.000Z'));
    assert.deepEqual(
      [annRow.started_at, annRow.channel, annRow.source, annRow.medium, annRow.campaign],
      ['2026-03-01T10:00:00.000Z', 'Email', 'news', 'email', 'spring'],
    );
    assert.equal(annRow.landing_page, 'https://shop.example/spring');
    const bobRow = first.find((r) => r.person_id === bob)!;
    assert.equal(bobRow.session_id, await sessionAt(store, 'bob', '2026-03-03T12:00:00.000Z'));
    assert.equal(bobRow.landing_page, 'https://shop.example/pricing');

    await rebuild(store, 'w');
    assert.deepEqual(await rows(store), first, 'a rebuild of the same facts gives the same rows');
  });
});

test('a live derive keeps first touches current: a new visitor, then two visitors merged by an identify', async () => {
  await withStore(async (store) => {
    await add(store, [page('ann', '2026-03-10T10:00:00.000Z', NEWS)]);
    await rebuild(store, 'w');
    const ann = await personOf(store, 'ann');

    // a new visitor whose first visit came before ann's
    await add(store, [page('phone', '2026-03-01T09:00:00.000Z', CPC)]);
    await deriveAffected(store, 'w', ['phone']);
    const phone = await personOf(store, 'phone');
    assert.deepEqual(
      (await rows(store)).map((r) => [r.person_id, r.channel]),
      [
        [ann, 'Email'],
        [phone, 'Paid Search'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );

    // both identify as one person: the merged person's first touch is the phone's earlier visit, and
    // the persons merged away have no row left
    await add(store, [
      identify('ann', '2026-03-11T10:00:00.000Z', 'ann@example.com'),
      identify('phone', '2026-03-12T10:00:00.000Z', 'ann@example.com'),
    ]);
    await deriveAffected(store, 'w', ['ann', 'phone']);
    const merged = await personOf(store, 'ann');
    assert.equal(await personOf(store, 'phone'), merged);
    const live = await rows(store);
    assert.deepEqual(
      live.map((r) => [r.person_id, r.channel, r.session_id]),
      [[merged, 'Paid Search', await sessionAt(store, 'phone', '2026-03-01T09:00:00.000Z')]],
    );

    // what the live path wrote is what a rebuild writes
    await rebuild(store, 'w');
    assert.deepEqual(await rows(store), live);

    // an erasure takes the person's first touch with the rest of their rows
    const erasure = await erasePerson(store, 'w', { personId: merged }, { via: 'cli' });
    assert.equal(erasure?.rowCounts[FIRST_TOUCH_TABLE], 1);
    assert.deepEqual(await rows(store), []);
  });
});

/** Puts the store back to before the table's migration (the table gone, its version unapplied). */
async function unmigrate(store: Store): Promise<void> {
  const ch = chStoreOf(store);
  if (ch) {
    await ch.conn.command(`DROP TABLE ${ch.database}.${FIRST_TOUCH_TABLE}`);
    await ch.conn.command(
      `DELETE FROM ${ch.database}.schema_migrations WHERE name = 'person first touch'`,
    );
    return;
  }
  await dbOf(store).write(async (c) => {
    await c.run(`DROP TABLE ${FIRST_TOUCH_TABLE}`);
    await c.run(`DELETE FROM schema_migrations WHERE name = '${FIRST_TOUCH_TABLE}'`);
  });
}

test('a store derived before the table existed gets every first touch when it migrates', async () => {
  const { dir, cleanup } = tempDir();
  try {
    let store = await openTestStore(dir);
    await store.createWorkspace(TEST_WORKSPACE);
    await add(store, [
      page('ann', '2026-03-01T10:00:00.000Z', NEWS),
      page('bob', '2026-03-02T10:00:00.000Z', CPC),
    ]);
    await rebuild(store, 'w');
    const derived = await rows(store);
    assert.equal(derived.length, 2);
    await unmigrate(store);
    await store.close();
    store = await openTestStore(dir);
    try {
      assert.deepEqual(await rows(store), derived);
    } finally {
      await store.close();
    }
  } finally {
    cleanup();
  }
});

test('a change of channel rules moves the stored first touches with the sessions', async () => {
  await withStore(async (store) => {
    await add(store, [page('ann', '2026-03-01T10:00:00.000Z', NEWS)]);
    await rebuild(store, 'w');
    const channels = async () => (await rows(store)).map((r) => r.channel);
    assert.deepEqual(await channels(), ['Email']);
    await changeChannelRules(store, 'w', {
      extends: 'ga4-default',
      before: [
        {
          id: 'newsletter',
          channel: 'Newsletter',
          when: { field: 'source', op: 'equals', value: 'news' },
        },
      ],
    });
    assert.deepEqual(await channels(), ['Newsletter']);
    await changeChannelRules(store, 'w', null);
    assert.deepEqual(await channels(), ['Email']);
  });
});
