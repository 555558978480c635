// The revenue report on the suite's engine, over the hand-built pipeline world
// (test-helpers/quality-world.ts): won deals by close date (a re-opened deal closes at its last win)
// and the first touch of their person, the customer milestone as the other basis, and the first-visit
// cohorts by months since.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordStripeReceipts } from '../derive/stripe-record.js';
import { withStore } from '../test-helpers/events.js';
import { pipelineWorld } from '../test-helpers/pipeline-world.js';
import { customerStory } from '../test-helpers/stripe-story.js';
import { revenue, type RevenueResult } from './revenue.js';

const series = (r: RevenueResult) => {
  assert.equal(r.view, 'series');
  return r.rows.map((x) => [x.period, x.firstTouch, x.closes, x.revenue, x.unvalued]);
};

test('won revenue by close day, week and month; customers as the other basis; cohorts by months since', async () => {
  await withStore(async (store) => {
    await pipelineWorld(store);
    const ctx = { store, workspaceId: 'w' };
    const run = (q: Record<string, string>) =>
      revenue.run(ctx, revenue.params.parse({ from: '2026-03-01', to: '2026-04-30', ...q }));

    // d1 won 03-20 (ada, Paid Search); d7 won 03-15, re-opened 03-18, won 03-25 (bob, Email): it
    // closed on 03-25; d4 won 04-02 (eve, Organic Search); d3 was lost
    assert.deepEqual(series(await run({ interval: 'day' })), [
      ['2026-03-20', 'Paid Search', 1, 1000, 0],
      ['2026-03-25', 'Email', 1, 400, 0],
      ['2026-04-02', 'Organic Search', 1, 2000, 0],
    ]);
    // weeks start on Monday: 03-20 is a Friday, 03-25 a Wednesday, 04-02 a Thursday
    assert.deepEqual(series(await run({ interval: 'week' })), [
      ['2026-03-16', 'Paid Search', 1, 1000, 0],
      ['2026-03-23', 'Email', 1, 400, 0],
      ['2026-03-30', 'Organic Search', 1, 2000, 0],
    ]);
    const months = await run({ interval: 'month' });
    assert.deepEqual(series(months), [
      ['2026-03-01', 'Email', 1, 400, 0],
      ['2026-03-01', 'Paid Search', 1, 1000, 0],
      ['2026-04-01', 'Organic Search', 1, 2000, 0],
    ]);
    assert.deepEqual(months.total, { closes: 3, revenue: 3400, unvalued: 0 });
    // the range is of close days: April alone
    assert.deepEqual(
      series(
        await revenue.run(ctx, revenue.params.parse({ from: '2026-04-01', to: '2026-04-30' })),
      ),
      [['2026-03-30', 'Organic Search', 1, 2000, 0]],
    );

    // the customer milestone: bob became a customer at d7's first win (03-15)
    assert.deepEqual(series(await run({ interval: 'day', basis: 'customers' })), [
      ['2026-03-15', 'Email', 1, 400, 0],
      ['2026-03-20', 'Paid Search', 1, 1000, 0],
      ['2026-04-02', 'Organic Search', 1, 2000, 0],
    ]);

    // cohorts: ada first visited in February, bob, carol, eve and frank in March (gina never did)
    const cohorts = await revenue.run(
      ctx,
      revenue.params.parse({ from: '2026-02-10', to: '2026-04-30', view: 'cohorts' }),
    );
    assert.equal(cohorts.view, 'cohorts');
    assert.deepEqual(
      cohorts.rows.map((x) => [
        x.cohort,
        x.visitors,
        x.monthsSince,
        x.closes,
        x.revenue,
        x.cumulativeRevenue,
      ]),
      [
        ['2026-02', 1, 1, 1, 1000, 1000],
        ['2026-03', 4, 0, 1, 400, 400],
        ['2026-03', 4, 1, 1, 2000, 2400],
      ],
    );
    // closes after `to` are not counted yet; cohorts are the months the range touches
    const march = await revenue.run(
      ctx,
      revenue.params.parse({ from: '2026-03-31', to: '2026-03-31', view: 'cohorts' }),
    );
    assert.equal(march.view, 'cohorts');
    assert.deepEqual(
      march.rows.map((x) => [x.cohort, x.visitors, x.monthsSince, x.revenue]),
      [['2026-03', 4, 0, 400]],
    );
    const table = revenue.table(march, revenue.params.parse({ view: 'cohorts' }));
    assert.deepEqual(table.rows[0]?.['per visitor'], 100);
  });
});

test('basis customers: a person Stripe also calls a customer closes once, at the earlier moment, worth the subscription', async () => {
  await withStore(async (store) => {
    await pipelineWorld(store);
    // eve's subscription starts on 03-28 at $150 a month, before her deal d4 is won (04-02)
    const eve = customerStory({
      customer: 'cus_Eve',
      email: 'eve@acme.io',
      currency: 'usd',
      steps: [{ at: '2026-03-28', unit: 15_000 }],
    });
    await recordStripeReceipts(store, 'w', eve, Date.parse('2026-07-01T00:00:00Z'));
    const ctx = { store, workspaceId: 'w' };
    const run = (basis: string) =>
      revenue.run(
        ctx,
        revenue.params.parse({ from: '2026-03-01', to: '2026-04-30', interval: 'day', basis }),
      );
    // the customer milestone's first year: the MRR at each anniversary come by 07-01 (03-28, 04-28,
    // 05-28, 06-28)
    assert.deepEqual(series(await run('customers')), [
      ['2026-03-15', 'Email', 1, 400, 0],
      ['2026-03-20', 'Paid Search', 1, 1000, 0],
      ['2026-03-28', 'Organic Search', 1, 600, 0],
    ]);
    // won deals are the CRM's alone
    assert.deepEqual(series(await run('deals')).at(-1), [
      '2026-04-02',
      'Organic Search',
      1,
      2000,
      0,
    ]);
  });
});
