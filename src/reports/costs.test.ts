// The costs report on the suite's engine: ad spend matched to the paid sessions it bought, by campaign
// id first, then by the campaign's name as a key (any name it had: a rename still matches), paid sessions
// matching no spend on a row of their own, organic sessions left out, and the lead conversions credited
// to the matched sessions beside the spend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { row, spend, world } from '../test-helpers/cost-world.js';
import { withStore } from '../test-helpers/events.js';
import { costs } from './costs.js';

test('spend is matched to paid sessions by campaign id, then by name key; unmatched paid sessions stand apart', async () => {
  await withStore(async (store) => {
    await world(store);
    const r = await costs.run(
      { store, workspaceId: 'w' },
      costs.params.parse({ from: '2026-03-01', to: '2026-03-02' }),
    );
    assert.equal(r.currency, 'USD');
    assert.equal(r.milestone, 'lead');
    const brief = r.rows.map((x) => [
      x.platform,
      x.campaign,
      x.campaignName,
      x.cost,
      x.sessions,
      x.matchedBy.campaign_id,
      x.matchedBy.campaign_name,
      x.conversions,
    ]);
    assert.deepEqual(brief, [
      // the unmatched row sorts first: its campaign is ''
      ['google', null, null, 0, 1, 0, 0, 1],
      ['google', '111', 'Brand', 100, 1, 1, 0, 1],
      ['google', '222', 'Spring Sale', 50, 2, 0, 2, 1],
      ['linkedin', '9', 'B2B launch v2', 150, 1, 0, 1, 0],
    ]);
    assert.deepEqual(r.missingRates, []);

    // by platform and day: each session on its own day, each cost on its own
    const byDay = await costs.run(
      { store, workspaceId: 'w' },
      costs.params.parse({ from: '2026-03-01', to: '2026-03-02', groupBy: 'platform,date' }),
    );
    assert.deepEqual(
      byDay.rows.map((x) => [x.platform, x.date, x.cost, x.sessions]),
      [
        ['google', '2026-03-01', 130, 2],
        ['google', '2026-03-02', 20, 2],
        ['linkedin', '2026-03-01', 70, 0],
        ['linkedin', '2026-03-02', 80, 1],
      ],
    );
  });
});

test('spend with no exchange rate has no cost, and the report names the pair', async () => {
  await withStore(async (store) => {
    await world(store);
    await spend(store, 'meta', 'm-1', [row('2026-03-02', 'm5', 'Retarget', 10, 'EUR')]);
    const r = await costs.run(
      { store, workspaceId: 'w' },
      costs.params.parse({ from: '2026-03-01', to: '2026-03-02', groupBy: 'platform' }),
    );
    assert.deepEqual(
      r.rows.map((x) => [x.platform, x.cost]),
      [
        ['google', 150],
        ['linkedin', 150],
        ['meta', null],
      ],
    );
    assert.deepEqual(r.missingRates, [{ currency: 'EUR', date: '2026-03-02' }]);
    assert.match(
      costs.table(r, costs.params.parse({})).headline ?? '',
      /no exchange rate for EUR on 2026-03-02/,
    );
  });
});

test('bad parameters name the field', () => {
  for (const [q, field] of [
    [{ from: '2026-13-01' }, 'from'],
    [{ groupBy: 'platform,creative' }, 'groupBy'],
    [{ model: 'nope' }, 'model'],
  ] as const) {
    const parsed = costs.params.safeParse(q);
    assert.equal(parsed.success, false);
    assert.equal(parsed.error?.issues[0]?.path[0], field);
  }
});

test('spend is given to the cent: amounts summed over rows carry no floating-point noise', async () => {
  await withStore(async (store) => {
    await world(store);
    // 0.10 + 0.20 + 0.07 in floating point is 0.37000000000000005
    await spend(store, 'meta', 'act_cents', [
      row('2026-03-01', 'cents', 'Cents', 0.1),
      row('2026-03-02', 'cents', 'Cents', 0.2),
    ]);
    await spend(store, 'meta', 'act_cents2', [row('2026-03-02', 'cents', 'Cents', 0.07)]);
    const r = await costs.run(
      { store, workspaceId: 'w' },
      costs.params.parse({ from: '2026-03-01', to: '2026-03-02', groupBy: 'platform' }),
    );
    const meta = r.rows.find((x) => x.platform === 'meta');
    assert.ok(meta, JSON.stringify(r.rows));
    for (const x of r.rows)
      if (x.cost !== null) assert.equal(x.cost, Math.round(x.cost * 100) / 100);
    assert.equal(meta.cost, 0.37);
  });
});
