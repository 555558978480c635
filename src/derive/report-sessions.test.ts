// The stored report sessions (report_sessions) on the suite's engine: what a rebuild writes (every session
// with its person, visitor and parsed campaign parameters, checked against the sessions and identities
// themselves), that a rebuild gives it again row for row, that a live derive keeps it current through a
// new visit and a merge, that a change of channel rules moves it, that a person's erasure takes it, and
// that a store derived before the table existed gets it when it migrates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPORT_SESSIONS_TABLE } from '../store/engines/neutral/report-sessions-queries.js';
import { fn, sql } from '../store/engines/neutral/sql.js';
import type { Store } from '../store/store.js';
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
      sql`SELECT session_id, anonymous_id, started_at, page_views, channel, campaign, person_id,
        visitor, name_key, ad_group_id, ad_id, vt_campaign, keyword_key
      FROM ${fn.table(REPORT_SESSIONS_TABLE)} WHERE workspace_id = 'w' ORDER BY session_id`,
    )
  ).map((r) => ({
    ...r,
    started_at: new Date(String(r.started_at)).toISOString(),
    page_views: Number(r.page_views),
  }));

/** The sessions as the sessions table holds them (id, anonymous id, start). */
const sessions = async (store: Store) =>
  (
    await queryData(
      store,
      sql`SELECT session_id, anonymous_id, started_at FROM ${fn.table('sessions')}
        WHERE workspace_id = 'w' ORDER BY session_id`,
    )
  ).map((r) => [
    String(r.session_id),
    String(r.anonymous_id),
    new Date(String(r.started_at)).toISOString(),
  ]);

const personOf = async (store: Store, anon: string) => {
  const [person] = await store.personsByIdentifier('w', 'anonymous_id', anon);
  assert.ok(person, `${anon} has a person`);
  return person;
};

const CPC =
  'https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=Spring_Sale%20EU&utm_term=Running%20Shoes&adgroupid=77&creative=88&campaignid=99';
const NEWS = 'https://shop.example/spring?utm_source=news&utm_medium=email&utm_campaign=spring';

test('a rebuild stores every session with its visitor and parsed parameters, and gives the same rows again', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('ann', '2026-03-01T10:00:00.000Z', CPC),
      identify('ann', '2026-03-01T10:01:00.000Z', 'ann@example.com'),
      page('bob', '2026-03-02T10:00:00.000Z', NEWS),
    ]);
    await rebuild(store, 'w');
    const stored = await rows(store);
    assert.deepEqual(
      stored.map((r) => [r.session_id, r.anonymous_id, r.started_at]),
      await sessions(store),
      'a row per session',
    );
    const ann = stored.find((r) => r.anonymous_id === 'ann')!;
    const bob = stored.find((r) => r.anonymous_id === 'bob')!;
    assert.equal(ann.person_id, await personOf(store, 'ann'));
    assert.equal(ann.visitor, ann.person_id, 'a visitor is their person');
    assert.deepEqual(
      [ann.name_key, ann.ad_group_id, ann.ad_id, ann.vt_campaign, ann.keyword_key],
      ['spring sale eu', '77', '88', '99', 'running shoes'],
    );
    assert.equal(bob.visitor, bob.person_id ?? 'bob');
    assert.deepEqual(
      [bob.name_key, bob.ad_group_id, bob.keyword_key, bob.page_views],
      ['spring', null, '', 1],
    );

    await rebuild(store, 'w');
    assert.deepEqual(await rows(store), stored, 'a rebuild of the same facts gives the same rows');
  });
});

test('a live derive keeps report sessions current: a new visit, then two visitors merged by an identify', async () => {
  await withStore(async (store) => {
    await add(store, [page('ann', '2026-03-10T10:00:00.000Z', NEWS)]);
    await rebuild(store, 'w');
    assert.equal((await rows(store)).length, 1);

    await add(store, [page('phone', '2026-03-11T09:00:00.000Z', CPC)]);
    await deriveAffected(store, 'w', ['phone']);
    const two = await rows(store);
    assert.deepEqual(
      two.map((r) => r.anonymous_id),
      (await sessions(store)).map((s) => s[1]),
      'the new visit has its row',
    );
    assert.equal(new Set(two.map((r) => r.visitor)).size, 2, 'two visitors');

    // both identify as one person: every session of either is now that person's, one visitor
    await add(store, [
      identify('ann', '2026-03-12T10:00:00.000Z', 'ann@example.com'),
      identify('phone', '2026-03-12T11:00:00.000Z', 'ann@example.com'),
    ]);
    await deriveAffected(store, 'w', ['ann', 'phone']);
    const merged = await personOf(store, 'ann');
    const live = await rows(store);
    assert.deepEqual(
      [...new Set(live.map((r) => r.visitor))],
      [merged],
      'one visitor after the merge',
    );
    assert.deepEqual(
      live.map((r) => r.session_id),
      (await sessions(store)).map((s) => s[0]),
    );

    // what the live path wrote is what a rebuild writes
    await rebuild(store, 'w');
    assert.deepEqual(await rows(store), live);

    // an erasure takes the person's sessions with the rest of their rows
    const erasure = await erasePerson(store, 'w', { personId: merged }, { via: 'cli' });
    assert.equal(erasure?.rowCounts[REPORT_SESSIONS_TABLE], live.length);
    assert.deepEqual(await rows(store), []);
  });
});

test('a change of channel rules moves the stored sessions with the sessions', async () => {
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
  });
});

/** Puts the store back to before the table's migration (the table gone, its version unapplied). */
async function unmigrate(store: Store): Promise<void> {
  const ch = chStoreOf(store);
  if (ch) {
    await ch.conn.command(`DROP TABLE ${ch.database}.${REPORT_SESSIONS_TABLE}`);
    await ch.conn.command(
      `DELETE FROM ${ch.database}.schema_migrations WHERE name = 'report sessions'`,
    );
    return;
  }
  await dbOf(store).write(async (c) => {
    await c.run(`DROP TABLE ${REPORT_SESSIONS_TABLE}`);
    await c.run(`DELETE FROM schema_migrations WHERE name = '${REPORT_SESSIONS_TABLE}'`);
  });
}

test('a store derived before the table existed gets every report session when it migrates', async () => {
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
