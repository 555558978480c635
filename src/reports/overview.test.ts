// The overview on the suite's engine, on a world whose every number is computed by hand
// (test-helpers/report-world.ts): visits and visitors, milestones reached and their value, spend and its
// returns, per day of the workspace's time zone and against another period.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { page, withStore } from '../test-helpers/events.js';
import { RANGE, reportWorld } from '../test-helpers/report-world.js';
import { overview } from './overview.js';

const pick = (m: object, keys: string[]) => keys.map((k) => (m as Record<string, unknown>)[k]);
const KEYS = ['visitors', 'sessions', 'leads', 'mqls', 'sqls', 'opportunities', 'customers'];
const MONEY = ['pipeline', 'revenue', 'spend', 'roas', 'roi'];

test('overview: totals, a daily series and the change against the previous period', async () => {
  await withStore(async (store) => {
    await reportWorld(store);
    const run = (q: Record<string, string>) =>
      overview.run({ store, workspaceId: 'w' }, overview.params.parse(q));
    const r = await run(RANGE);
    assert.equal(r.currency, 'USD');
    assert.equal(r.timezone, 'UTC');
    // 8 visits of 7 persons (a2 came twice); leads a1 a2 a4; a1 MQL, a2 SQL; opportunities a1 (1000)
    // and a2 (500); a1 a customer (1000); spend 100 + 30 + 20 (Google) + 70 + 80 (LinkedIn)
    assert.deepEqual(pick(r.totals, KEYS), [7, 8, 3, 1, 1, 2, 1]);
    assert.deepEqual(pick(r.totals, MONEY), [1500, 1000, 300, 1000 / 300, 700 / 300]);
    assert.deepEqual(
      r.daily.map((d) => [d.day, ...pick(d, KEYS), d.pipeline, d.revenue, d.spend]),
      [
        ['2026-03-01', 3, 3, 2, 0, 0, 0, 0, 0, 0, 200],
        ['2026-03-02', 4, 4, 1, 1, 1, 0, 0, 0, 0, 100],
        ['2026-03-03', 1, 1, 0, 0, 0, 1, 0, 1000, 0, 0],
        ['2026-03-04', 0, 0, 0, 0, 0, 1, 1, 500, 1000, 0],
        ['2026-03-05', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      ],
    );
    assert.deepEqual(r.daily[4]!.roas, null, 'no spend: no return on it');
    // the previous five days hold nothing: every change is unknown, not infinite
    assert.deepEqual(r.compare, { from: '2026-02-24', to: '2026-02-28' });
    assert.deepEqual(pick(r.previous!, [...KEYS, 'spend']), [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.ok(Object.values(r.change!).every((c) => c === null));

    // against the first two days: the rest of the range less what those days held
    const c = await run({
      from: '2026-03-03',
      to: '2026-03-04',
      compare: '2026-03-01..2026-03-02',
    });
    assert.deepEqual(pick(c.totals, [...KEYS, 'spend']), [1, 1, 0, 0, 0, 2, 1, 0]);
    assert.deepEqual(pick(c.previous!, [...KEYS, 'spend']), [6, 7, 3, 1, 1, 0, 0, 300]);
    assert.deepEqual(pick(c.change!, ['visitors', 'sessions', 'leads', 'spend', 'opportunities']), [
      (1 - 6) / 6,
      (1 - 7) / 7,
      -1,
      -1,
      null,
    ]);
    const none = await run({ ...RANGE, compare: 'none' });
    assert.equal(none.previous, null);
    assert.equal(none.change, null);
  });
});

test('overview: days are the workspace time zone’s', async () => {
  await withStore(async (store) => {
    await store.createWorkspace({
      id: 'ny',
      name: 'ny',
      currency: 'USD',
      timezone: 'America/New_York',
      writeKey: 'k-ny',
      secretKeyHash: 'h-ny',
    });
    // 03:00 UTC on the 2nd is 22:00 on the 1st in New York (UTC-5 until March 8th); 06:00 is 01:00
    await store.appendEvents(
      'ny',
      [
        page('n1', '2026-03-02T03:00:00Z', 'https://acme.io/'),
        page('n2', '2026-03-02T06:00:00Z', 'https://acme.io/'),
      ],
      { origin: 'import', receivedAt: new Date() },
    );
    await rebuild(store, 'ny');
    const run = (q: Record<string, string>) =>
      overview.run({ store, workspaceId: 'ny' }, overview.params.parse({ compare: 'none', ...q }));
    const r = await run({ from: '2026-03-01', to: '2026-03-02' });
    assert.equal(r.timezone, 'America/New_York');
    assert.deepEqual(
      r.daily.map((d) => [d.day, d.sessions]),
      [
        ['2026-03-01', 1],
        ['2026-03-02', 1],
      ],
    );
    assert.equal((await run({ from: '2026-03-01', to: '2026-03-01' })).totals.sessions, 1);
    assert.equal((await run({ from: '2026-03-02', to: '2026-03-02' })).totals.sessions, 1);
  });
});
