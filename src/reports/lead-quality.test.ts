// The lead-quality report on the suite's engine, over the hand-computed pipeline world
// (test-helpers/quality-world.ts): each count, rate and lost reason of each first-touch group.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore } from '../test-helpers/events.js';
import { qualityWorld } from '../test-helpers/quality-world.js';
import { leadQuality } from './lead-quality.js';

const run = (store: Parameters<Parameters<typeof withStore>[0]>[0], q: Record<string, string>) =>
  leadQuality.run({ store, workspaceId: 'w' }, leadQuality.params.parse(q));

test('leads of March by first-touch channel: qualified, disqualified, deals lost and why', async () => {
  await withStore(async (store) => {
    await qualityWorld(store);
    const r = await run(store, { from: '2026-03-01', to: '2026-03-31', groupBy: 'channel' });
    const row = (channel: string) => {
      const x = r.rows.find((g) => g.group.channel === channel);
      assert.ok(x, `a row for ${channel}: ${JSON.stringify(r.rows.map((g) => g.group))}`);
      const { group, ...rest } = x;
      void group;
      return rest;
    };
    // ada (MQL, won d1) and eve (SQL, lost d4 timing and d5 price); gina entered in February
    assert.deepEqual(row('Paid Search'), {
      leads: 2,
      qualified: 2,
      mqls: 1,
      sqls: 1,
      opportunities: 2,
      customers: 1,
      disqualified: 0,
      deals: 3,
      wonDeals: 1,
      lostDeals: 2,
      qualificationRate: 1,
      mqlRate: 0.5,
      sqlRate: 0.5,
      opportunityRate: 1,
      disqualificationRate: 0,
      lossRate: 0.6667,
      lostReasons: [
        { reason: 'price', deals: 1 },
        { reason: 'timing', deals: 1 },
      ],
    });
    // bob (SQL, lost d2 price) and hal (unqualified, then MQL: not disqualified)
    assert.deepEqual(row('Email'), {
      leads: 2,
      qualified: 2,
      mqls: 1,
      sqls: 1,
      opportunities: 1,
      customers: 0,
      disqualified: 0,
      deals: 1,
      wonDeals: 0,
      lostDeals: 1,
      qualificationRate: 1,
      mqlRate: 0.5,
      sqlRate: 0.5,
      opportunityRate: 0.5,
      disqualificationRate: 0,
      lossRate: 1,
      lostReasons: [{ reason: 'price', deals: 1 }],
    });
    // carol: unqualified
    assert.equal(row('Organic Social').leads, 1);
    assert.equal(row('Organic Social').disqualified, 1);
    assert.equal(row('Organic Social').disqualificationRate, 1);
    assert.equal(row('Organic Social').qualified, 0);
    assert.equal(row('Organic Social').lossRate, null);
    // frank: a lead and nothing more
    assert.equal(row('Direct').leads, 1);
    assert.equal(row('Direct').qualificationRate, 0);
    assert.equal(r.rows.length, 4);
    assert.deepEqual(
      { ...r.total },
      {
        leads: 6,
        qualified: 4,
        mqls: 2,
        sqls: 2,
        opportunities: 3,
        customers: 1,
        disqualified: 1,
        deals: 4,
        wonDeals: 1,
        lostDeals: 3,
        qualificationRate: 0.6667,
        mqlRate: 0.3333,
        sqlRate: 0.3333,
        opportunityRate: 0.5,
        disqualificationRate: 0.1667,
        lossRate: 0.75,
      },
    );
    assert.deepEqual(r.lostReasons, [
      { reason: 'price', deals: 2 },
      { reason: 'timing', deals: 1 },
    ]);
    // the comparison period's read: the same counts, no lost reasons asked for
    const q = {
      fromAt: Date.parse('2026-03-01T00:00:00.000Z'),
      toAt: Date.parse('2026-04-01T00:00:00.000Z'),
      groupBy: [],
      disqualifiedStages: ['unqualified'],
    };
    const all = await store.leadQuality('w', q);
    const counts = await store.leadQuality('w', { ...q, lostReasons: false });
    assert.ok(all.lostReasons.length > 0);
    assert.deepEqual(counts, { groups: all.groups, lostReasons: [] });
  });
});

test('by channel and campaign; a range that holds only February holds gina alone', async () => {
  await withStore(async (store) => {
    await qualityWorld(store);
    const r = await run(store, { from: '2026-03-01', to: '2026-03-31' });
    assert.deepEqual(r.groupBy, ['channel', 'campaign']);
    assert.deepEqual(
      r.rows.map((x) => [x.group.channel, x.group.campaign, x.leads]),
      [
        ['Email', 'march', 2],
        ['Paid Search', 'spring', 2],
        ['Direct', '(not set)', 1],
        ['Organic Social', '(not set)', 1],
      ],
    );
    const feb = await run(store, { from: '2026-02-01', to: '2026-02-28', groupBy: 'source' });
    // gina's deal was won in March, and counts with her: deals follow the lead, whenever they closed
    assert.deepEqual(
      feb.rows.map((x) => [x.group.source, x.leads, x.mqls, x.customers, x.wonDeals]),
      [['google', 1, 1, 1, 1]],
    );
    const table = leadQuality.table(r, leadQuality.params.parse({}));
    assert.equal(table.rows[1]!['first touch channel'], 'Paid Search');
    assert.equal(table.rows[1]!['lost reasons'], 'price: 1; timing: 1');
  });
});
